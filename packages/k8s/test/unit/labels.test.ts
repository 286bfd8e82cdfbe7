import { labelValue, labelsFor, objectName, runnerSelector } from '../../src/specs/labels'

describe('names and labels', () => {
  test('object names derive from the runner pod and fit a DNS label', () => {
    expect(objectName('runner-0', 'job', 'abc123')).toBe('runner-0-job-abc123')
    const long = objectName('Arc-Runner-Set-' + 'x'.repeat(80), 'job', 'abc123')
    expect(long.length).toBeLessThanOrEqual(63)
    expect(long).toMatch(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/)
    expect(objectName('runner-0', 'job')).not.toBe(objectName('runner-0', 'job'))
  })

  test('label values stay valid and distinct for long names', () => {
    expect(labelValue('runner-0')).toBe('runner-0')
    const a = labelValue('r'.repeat(70) + 'a')
    const b = labelValue('r'.repeat(70) + 'b')
    expect(a.length).toBeLessThanOrEqual(63)
    expect(a).not.toBe(b)
    expect(labelValue('-bad_')).toMatch(/^[A-Za-z0-9]/)
  })

  test('the selector matches the labels', () => {
    const labels = labelsFor('runner-0', 'job')
    for (const pair of runnerSelector('runner-0').split(',')) {
      const [key, value] = pair.split('=')
      expect(labels[key]).toBe(value)
    }
  })

  test("the incumbent's runner-pod label is kept on everything, for its NetworkPolicies", () => {
    expect(labelsFor('runner-0', 'job')['runner-pod']).toBe('runner-0')
    expect(labelsFor('runner-0', 'step')['runner-pod']).toBe('runner-0')
    expect(labelsFor('runner-0', 'pull-secret')['runner-pod']).toBe('runner-0')
  })
})
