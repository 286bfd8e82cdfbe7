import { actionImage, actionRepository, TAG_LENGTH } from '../../src/specs/action-image'
import { buildTarget } from '../../src/specs/build-target'

const env = {
  GITHUB_WORKSPACE: '/home/runner/_work/repo/repo',
  GITHUB_REPOSITORY: 'octo/Repo'
}

describe('actionRepository', () => {
  test.each([
    ['/home/runner/_work/_actions/owner/repo/v1/Dockerfile', 'owner-repo'],
    ['/home/runner/_work/_actions/Owner/My_Repo/main/sub/dir/Dockerfile', 'owner-my-repo-sub-dir'],
    [
      '/home/runner/_work/repo/repo/.github/actions/hello/Dockerfile',
      'local-repo-github-actions-hello'
    ],
    ['/home/runner/_work/repo/repo/Dockerfile', 'local-repo'],
    ['/somewhere/else/My Action/Dockerfile', 'dockerfile-my-action']
  ])('%s -> %s', (dockerfile, repository) => {
    expect(actionRepository(dockerfile, env)).toBe(repository)
  })

  test('long names stay short, valid and distinct', () => {
    const a = actionRepository(`/w/_actions/o/r/v1/${'x'.repeat(150)}a/Dockerfile`, {})
    const b = actionRepository(`/w/_actions/o/r/v1/${'x'.repeat(150)}b/Dockerfile`, {})
    expect(a.length).toBeLessThanOrEqual(100)
    expect(a).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/)
    expect(a).not.toBe(b)
  })
})

describe('actionImage', () => {
  test('push and pull references share repository and tag', () => {
    const target = buildTarget({
      registryHost: '127.0.0.1:5000/actions',
      registryPushHost: '10.244.0.1:5000/actions',
      registryInsecure: true,
      builderImage: 'b:1',
      builderArgs: []
    })
    const hash = 'ab'.repeat(32)
    expect(actionImage(target, 'owner-repo', hash)).toEqual({
      repository: 'owner-repo',
      pushPath: 'actions/owner-repo',
      tag: hash.slice(0, TAG_LENGTH),
      push: `10.244.0.1:5000/actions/owner-repo:${hash.slice(0, TAG_LENGTH)}`,
      pull: `127.0.0.1:5000/actions/owner-repo:${hash.slice(0, TAG_LENGTH)}`
    })
    const bare = buildTarget({
      ...target,
      registryHost: 'r:5000',
      registryPushHost: undefined,
      builderArgs: [],
      registryInsecure: false
    })
    expect(actionImage(bare, 'x', hash).pushPath).toBe('x')
  })
})
