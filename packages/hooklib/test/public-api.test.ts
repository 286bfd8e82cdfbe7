/**
 * The package's public API is exactly what docs/hooklib.md documents: the names its entry point
 * exports (values and types) against the doc's API index, each also described in the text above.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'

const root = join(__dirname, '../../..')
const doc = readFileSync(join(root, 'docs/hooklib.md'), 'utf8')

function exportedNames(entry: string): string[] {
  const program = ts.createProgram([entry], { strict: true, noEmit: true, types: [] })
  const checker = program.getTypeChecker()
  const file = program.getSourceFile(entry)
  const symbol = file && checker.getSymbolAtLocation(file)
  if (!symbol) throw new Error(`${entry} has no module symbol`)
  return checker.getExportsOfModule(symbol).map(s => s.name)
}

describe('the public API of @container-hooks/hooklib', () => {
  const index = /<!-- api-index -->([\s\S]*?)<!-- \/api-index -->/.exec(doc)?.[1] ?? ''
  const documented = [...index.matchAll(/`(\w+)`/g)].map(m => m[1])
  const described = doc.slice(0, doc.indexOf('<!-- api-index -->'))
  const exported = exportedNames(join(__dirname, '../src/index.ts'))

  it('is the API index of docs/hooklib.md, name for name', () => {
    expect(documented.length).toBeGreaterThan(50)
    expect([...exported].sort()).toEqual([...new Set(documented)].sort())
  })

  it('has every exported name described in the text, not only listed', () => {
    expect(exported.filter(name => !new RegExp(`\\b${name}\\b`).test(described))).toEqual([])
  })
})
