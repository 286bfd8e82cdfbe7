import { imageReferenceProblem } from '../src/image-reference'

describe('imageReferenceProblem', () => {
  it.each([
    'alpine',
    'alpine:3.20',
    'node:20-bookworm',
    'library/redis:7',
    'ghcr.io/actions/actions-runner:2.336.0',
    'localhost:5000/x/y:z',
    '127.0.0.1:5000/actions/hello-action:abc123',
    '[::1]:5000/x',
    'Registry.Example.COM/team/app:1',
    'my_registry.example.com/a__b/c-d/e.f:tag_1.2-3',
    `redis@sha256:${'a'.repeat(64)}`,
    `redis:7@sha256:${'0'.repeat(64)}`,
    ' alpine:3.20 '
  ])('accepts %s', image => {
    expect(imageReferenceProblem(image)).toBeUndefined()
  })

  it.each([
    ['', 'not an image reference'],
    ['UPPER', 'not an image reference'],
    ['UPPER/case', 'the repository name must be lowercase'],
    ['with space', 'not an image reference'],
    ['name:', 'not an image reference'],
    [':tag', 'not an image reference'],
    ['-leading', 'not an image reference'],
    ['a//b', 'not an image reference'],
    ['a/b/', 'not an image reference'],
    [`x:${'t'.repeat(129)}`, 'not an image reference'],
    ['x@sha256:123', 'not an image reference'],
    [`x@sha256:${'a'.repeat(63)}`, 'sha256 digest has 64 hex digits, this one 63'],
    [`${'a'.repeat(256)}`, 'repository name is 256 characters long'],
    ['a\nb', 'not an image reference']
  ])('refuses %j', (image, problem) => {
    expect(imageReferenceProblem(image)).toContain(problem)
  })

  it('answers a 1 MB string at once', () => {
    const started = Date.now()
    expect(imageReferenceProblem('a'.repeat(1024 * 1024) + '!')).toContain('not an image')
    expect(Date.now() - started).toBeLessThan(1000)
  })
})
