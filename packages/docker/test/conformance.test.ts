/**
/**
 * Every generic conformance job (packages/emulator/jobs) and every Docker-specific job
 * (test/jobs) through the runner emulator, with the docker bundle under the runner's Node
 * (Node 20, or Node 24: support/hook.ts): one test per job file.
 */
import { readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { runConformanceJob } from '@container-hooks/emulator'
import { BUNDLE, leftovers, hookNode, uniqueRunner } from './support/hook'

const generic = resolve(__dirname, '../../emulator/jobs')
const specific = resolve(__dirname, 'jobs')
const jobs = [generic, specific].flatMap(dir =>
  readdirSync(dir)
    .filter(f => f.endsWith('.yaml'))
    .map(f => join(dir, f))
)

describe('conformance jobs through the docker hook', () => {
  it('finds the job files', () => {
    expect(jobs.filter(j => j.startsWith(generic)).length).toBeGreaterThan(0)
    expect(jobs.filter(j => j.startsWith(specific)).length).toBeGreaterThan(0)
  })

  it.each(jobs.map(file => [file.slice(resolve(__dirname, '../../..').length + 1), file]))(
    '%s',
    async (_name, file) => {
      const runnerName = uniqueRunner('conformance')
      let log = ''
      const outcome = await runConformanceJob(file, {
        hook: BUNDLE,
        node: hookNode(),
        runnerName,
        write: text => (log += text)
      })
      if (outcome.problems.length > 0)
        throw new Error(`${outcome.problems.join('\n')}\n--- job log ---\n${log}`)
      expect(await leftovers(runnerName)).toEqual([])
    }
  )
})
