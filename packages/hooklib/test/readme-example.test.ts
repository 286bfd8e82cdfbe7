import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const root = join(__dirname, '../../..')

describe('README "Write your own hook"', () => {
  it('shows code that is verbatim in the tested custom-hook example', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    const section = readme.slice(readme.indexOf('## Write your own hook'))
    const snippet = /```ts\n([\s\S]*?)```/.exec(section)?.[1]
    expect(snippet).toBeDefined()
    const example = readFileSync(join(root, 'examples/custom-hook/src/index.ts'), 'utf8')
    expect(example).toContain(snippet!.trim())
  })
})
