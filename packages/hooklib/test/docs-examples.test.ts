/**
 * Every TypeScript example in docs/ (and in the published packages' READMEs) compiles: each
 * ```ts block is typechecked as a module of its own, strict, against the packages' sources.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import ts from 'typescript'

const root = join(__dirname, '../../..')

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry =>
    entry.isDirectory()
      ? markdownFiles(join(dir, entry.name))
      : entry.name.endsWith('.md')
        ? [join(dir, entry.name)]
        : []
  )
}

const sources = [
  ...markdownFiles(join(root, 'docs')),
  ...readdirSync(join(root, 'packages')).map(p => join(root, 'packages', p, 'README.md'))
].filter(file => {
  try {
    return readFileSync(file, 'utf8').includes('```ts')
  } catch {
    return false
  }
})

/** `[where, code]` for every ```ts block, e.g. `docs/hooklib.md:10`. */
const examples = sources.flatMap(file => {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((m): [string, string] => [
    `${relative(root, file)}:${text.slice(0, m.index).split('\n').length}`,
    m[1]
  ])
})

function typecheck(blocks: Array<[string, string]>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'docs-examples-'))
  try {
    const files = blocks.map(([where, code], i) => {
      const file = join(dir, `example-${i}.ts`)
      // `export {}`: each block is a module of its own, even without imports.
      writeFileSync(file, `${code}\nexport {}\n`)
      return [file, where] as const
    })
    const program = ts.createProgram(
      files.map(([file]) => file),
      {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        lib: ['lib.es2023.d.ts'],
        module: ts.ModuleKind.ES2022,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        esModuleInterop: true,
        skipLibCheck: true,
        typeRoots: [join(root, 'node_modules/@types')],
        types: ['node'],
        baseUrl: root,
        paths: {
          '@container-hooks/hooklib': ['packages/hooklib/src/index.ts'],
          '@container-hooks/hooklib/process-io': ['packages/hooklib/src/process-io.ts'],
          '@container-hooks/emulator': ['packages/emulator/src/index.ts']
        }
      }
    )
    const where = new Map<string, string>(files)
    return ts
      .getPreEmitDiagnostics(program)
      .filter(d => d.file && where.has(d.file.fileName))
      .map(d => {
        const line = d.file!.getLineAndCharacterOfPosition(d.start ?? 0).line
        return `${where.get(d.file!.fileName)} (+${line + 1}): ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`
      })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('the code examples of the documentation', () => {
  it('are found: docs/hooklib.md, docs/emulator.md and the packages READMEs have some', () => {
    const where = examples.map(([w]) => w.split(':')[0])
    for (const file of [
      'docs/hooklib.md',
      'docs/emulator.md',
      'packages/hooklib/README.md',
      'packages/emulator/README.md'
    ])
      expect(where).toContain(file)
  })

  it('all compile, strict', () => {
    expect(typecheck(examples)).toEqual([])
  })
})
