import { createLogger } from '@container-hooks/hooklib'
import {
  ANNOTATION_MISSING_RULES,
  isForbidden,
  noticeText,
  Notices,
  OPTIONAL_RULES
} from '../../src/kube/notices'

describe('notices of missing optional permissions', () => {
  test('each missing rule is told once, as a notice naming the rule to add', () => {
    const lines: string[] = []
    const notices = new Notices(createLogger({ write: text => lines.push(text) }))
    expect(notices.isMissing('events')).toBe(false)
    notices.missing('events')
    notices.missing('events')
    notices.missing('ephemeralContainers')
    expect(notices.isMissing('events')).toBe(true)
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^::notice::The runner's ServiceAccount may not list "events"/)
    expect(lines[0]).toContain('{apiGroups: [""], resources: [events], verbs: [list]}')
    expect(lines[1]).toContain('resources: [pods/ephemeralcontainers], verbs: [get, patch]')
  })

  test('the claim rule says the safe choice made without it', () => {
    expect(noticeText(OPTIONAL_RULES.claims)).toContain('taken as ReadWriteOnce')
  })

  test('what one run found missing is recorded on the job pod and not told again by the next', () => {
    const lines: string[] = []
    const first = new Notices(createLogger({ write: text => lines.push(text) }))
    first.missing('ephemeralContainers')
    first.missing('events')
    const patch = first.recordPatch({}) as { metadata: { annotations: Record<string, string> } }
    const pod = { metadata: { annotations: patch.metadata.annotations } }
    expect(pod.metadata.annotations[ANNOTATION_MISSING_RULES]).toBe('ephemeralContainers,events')
    const next = new Notices(createLogger({ write: text => lines.push(text) }))
    next.learnFrom(pod)
    next.missing('ephemeralContainers')
    expect(next.isMissing('events')).toBe(true)
    expect(lines).toHaveLength(2)
    expect(next.recordPatch(pod)).toBeUndefined()
    expect(new Notices().recordPatch({})).toBeUndefined()
  })

  test('only a 403 is a missing permission', () => {
    expect(isForbidden({ status: 403 })).toBe(true)
    expect(isForbidden({ status: 404 })).toBe(false)
    expect(isForbidden(new Error('x'))).toBe(false)
  })
})
