/**
 * `options:` beyond the basics on a real engine: the engine accepts what the mapping builds
 * (the CLI oracle checks the body, this checks that it runs), flags that make no sense for a job
 * are named in one warning, and a second --network is joined beside the job network.
 */
import { docker, leftovers, runHook, uniqueRunner } from '../support/hook'
import { BUSYBOX, container } from '../support/inputs'

it('runs a job container with many docker create flags and an extra network', async () => {
  const runner = uniqueRunner('options')
  const extra = `${runner}-extra`
  await docker.createNetwork({ Name: extra })
  const options = [
    '--rm --name ignored-name -it',
    '--read-only --tmpfs /tmp:size=8m --dns 1.1.1.1 --dns-search example.com',
    '--sysctl net.core.somaxconn=1024 --ulimit nofile=1024:2048 --pids-limit 200',
    '--security-opt no-new-privileges --cap-drop NET_RAW --group-add 123',
    `-l team=ci --network ${extra} --network-alias extra-alias --stop-signal SIGINT`
  ].join(' ')
  const prepared = await runHook(
    'prepare_job',
    { container: container(BUSYBOX, { createOptions: options }), services: [] },
    null,
    runner
  )
  try {
    expect(prepared.errors).toEqual([])
    expect(prepared.code).toBe(0)
    // (The local test image also gets the offline machine's "Could not pull" warning.)
    const warnings = prepared.stdout.split('\n').filter(l => l.includes('createOptions'))
    expect(warnings).toEqual([
      "::warning::args.container.createOptions: ignored --rm, --name, -i/--interactive, -t/--tty: the hook names, attaches to, pulls, restarts and removes the job's containers itself"
    ])
    const context = (
      prepared.response as { context: { container: { id: string; network: string } } }
    ).context
    const info = await docker.getContainer(context.container.id).inspect()
    expect(info.Name).not.toBe('/ignored-name')
    expect(info.HostConfig).toMatchObject({
      AutoRemove: false,
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': 'size=8m' },
      Dns: ['1.1.1.1'],
      DnsSearch: ['example.com'],
      Sysctls: { 'net.core.somaxconn': '1024' },
      Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }],
      PidsLimit: 200,
      SecurityOpt: ['no-new-privileges'],
      CapDrop: ['NET_RAW'],
      GroupAdd: ['123']
    })
    expect(info.Config).toMatchObject({ Tty: false, OpenStdin: false, StopSignal: 'SIGINT' })
    expect(info.Config.Labels.team).toBe('ci')
    const networks = info.NetworkSettings.Networks
    expect(Object.keys(networks).sort()).toEqual([context.container.network, extra].sort())
    expect(networks[context.container.network].Aliases).toContain('extra-alias')
  } finally {
    await runHook('cleanup_job', {}, prepared.response?.state ?? null, runner)
    await docker.getNetwork(extra).remove()
  }
  expect(await leftovers(runner)).toEqual([])
})
