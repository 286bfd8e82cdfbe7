import type { HookContainer } from '@container-hooks/hooklib'
import {
  containerCreateOptions,
  extraNetworks,
  type ContainerSpecInput
} from '../../src/specs/container-spec'
import { dockerOptions, type DockerOptions } from '../../src/specs/options'

const dockerCreateOptions = (raw: string | null, field: string): DockerOptions =>
  dockerOptions(raw, field, {
    env: { FROM_HOST: 'h' },
    readFile: () => {
      throw new Error('no files here')
    }
  })
import { container } from '../support/inputs'

function input(
  role: ContainerSpecInput['role'],
  c: HookContainer,
  options: DockerOptions = dockerCreateOptions(null, 'o')
): ContainerSpecInput {
  return {
    role,
    name: 'n',
    image: c.image ?? 'img',
    container: c,
    options,
    labels: { mine: '1' },
    network: 'net',
    aliases: ['redis'],
    field: 'container'
  }
}

describe('containerCreateOptions', () => {
  it('keeps the job container alive when the runner sends no entrypoint', () => {
    const spec = containerCreateOptions(input('job', container('busybox')), [])
    expect(spec.Entrypoint).toEqual(['tail'])
    expect(spec.Cmd).toEqual(['-f', '/dev/null'])
    expect(spec.Env).toEqual(['HOME=/github/home', 'GITHUB_ACTIONS=true', 'CI=true'])
  })

  it("leaves a step's ENTRYPOINT and CMD to the image unless given", () => {
    expect(containerCreateOptions(input('step', container('a')), [])).not.toHaveProperty(
      'Entrypoint'
    )
    expect(containerCreateOptions(input('step', container('a')), [])).not.toHaveProperty('Cmd')
    expect(containerCreateOptions(input('step', container('a')), ['x'])).toMatchObject({
      Cmd: ['x']
    })
    expect(
      containerCreateOptions(input('step', container('a', { entryPoint: 'sh' })), [])
    ).toMatchObject({ Entrypoint: ['sh'], Cmd: [] })
  })

  it('maps mounts, ports, env, labels and the network alias', () => {
    const c = container('redis', {
      environmentVariables: { A: '1', HOME: '/root' },
      portMappings: ['6379', '127.0.0.1:8080:80/udp'],
      systemMountVolumes: [
        {
          userProvidedValue: null,
          sourceVolumePath: '/host',
          targetVolumePath: '/ctr',
          readOnly: true
        }
      ],
      userMountVolumes: [
        {
          userProvidedValue: 'data:/data',
          sourceVolumePath: 'data',
          targetVolumePath: '/data',
          readOnly: false
        },
        {
          userProvidedValue: '/anon',
          sourceVolumePath: null,
          targetVolumePath: '/anon',
          readOnly: false
        }
      ],
      workingDirectory: '/w'
    })
    const options = dockerCreateOptions(
      '-e B=2 -e FROM_HOST -e MISSING -v /x:/y --mount type=tmpfs,target=/t --mount type=volume,target=/v,readonly --mount type=volume,source=keep,target=/k --network-alias cache --label team=x',
      'o'
    )
    const spec = containerCreateOptions(input('service', c, options), [])
    // `-e NAME` unset on the client stays a bare NAME, as docker create sends it.
    expect(spec.Env).toEqual(['B=2', 'FROM_HOST=h', 'MISSING', 'A=1', 'HOME=/root'])
    expect(spec.HostConfig?.Binds).toEqual(['/host:/ctr:ro', 'data:/data', '/x:/y'])
    // Anonymous volumes carry the container's labels (cleanup finds them); named ones do not.
    const labelled = { Labels: { mine: '1' } }
    expect(spec.HostConfig?.Mounts).toEqual([
      { Type: 'volume', Source: '', Target: '/anon', ReadOnly: false, VolumeOptions: labelled },
      { Type: 'tmpfs', Target: '/t' },
      { Type: 'volume', Target: '/v', ReadOnly: true, VolumeOptions: labelled },
      { Type: 'volume', Source: 'keep', Target: '/k' }
    ])
    expect(spec.ExposedPorts).toEqual({ '6379/tcp': {}, '80/udp': {} })
    expect(spec.HostConfig?.PortBindings).toEqual({
      '6379/tcp': [{ HostIp: '', HostPort: '' }],
      '80/udp': [{ HostIp: '127.0.0.1', HostPort: '8080' }]
    })
    expect(spec.Labels).toEqual({ team: 'x', mine: '1' })
    expect(spec.WorkingDir).toBe('/w')
    expect(spec.NetworkingConfig).toEqual({
      EndpointsConfig: { net: { Aliases: ['redis', 'cache'] } }
    })
  })

  it('maps resources and health options to the engine fields', () => {
    const options = dockerCreateOptions(
      '--cpus 1.5 --memory 1g --memory-swap 2g --shm-size 64m --privileged --cap-add NET_ADMIN --cap-drop MKNOD --tmpfs /run --ulimit nofile=10:20 --add-host a:1.2.3.4 --init --ipc host --pid host -u 1000 -h host1 -w /wd --entrypoint /bin/x --health-cmd "pg_isready" --health-interval 2s --health-timeout 1s --health-retries 3 --health-start-period 5s',
      'o'
    )
    const spec = containerCreateOptions(input('service', container('pg'), options), ['arg'])
    expect(spec).toMatchObject({
      Entrypoint: ['/bin/x'],
      Cmd: ['arg'],
      User: '1000',
      Hostname: 'host1',
      WorkingDir: '/wd',
      Healthcheck: {
        Test: ['CMD-SHELL', 'pg_isready'],
        Interval: 2e9,
        Timeout: 1e9,
        Retries: 3,
        StartPeriod: 5e9
      },
      HostConfig: {
        NanoCpus: 1.5e9,
        Memory: 2 ** 30,
        MemorySwap: 2 ** 31,
        ShmSize: 64 * 2 ** 20,
        Privileged: true,
        CapAdd: ['NET_ADMIN'],
        CapDrop: ['MKNOD'],
        Tmpfs: { '/run': '' },
        Ulimits: [{ Name: 'nofile', Soft: 10, Hard: 20 }],
        ExtraHosts: ['a:1.2.3.4'],
        Init: true,
        IpcMode: 'host',
        PidMode: 'host',
        NetworkMode: 'net'
      }
    })
    expect(
      containerCreateOptions(
        input('service', container('pg'), dockerCreateOptions('--no-healthcheck', 'o')),
        []
      ).Healthcheck
    ).toEqual({ Test: ['NONE'] })
    expect(
      containerCreateOptions(input('service', container('pg')), []).Healthcheck
    ).toBeUndefined()
  })

  it('uses no aliases on the built-in networks and no network for a stateless step', () => {
    const onBridge = containerCreateOptions(
      { ...input('service', container('a')), network: 'bridge' },
      []
    )
    expect(onBridge.NetworkingConfig).toEqual({ EndpointsConfig: { bridge: {} } })
    const stateless = containerCreateOptions(
      { ...input('step', container('a')), network: undefined },
      []
    )
    expect(stateless).not.toHaveProperty('NetworkingConfig')
    expect(stateless.HostConfig?.NetworkMode).toBeUndefined()
  })

  it('rejects a bad mount or port naming the field', () => {
    const badMount = container('a', {
      userMountVolumes: [
        {
          userProvidedValue: 'x',
          sourceVolumePath: 'x',
          targetVolumePath: 'relative',
          readOnly: false
        }
      ]
    })
    expect(() => containerCreateOptions(input('job', badMount), [])).toThrow(
      'container.userMountVolumes[0].targetVolumePath'
    )
    expect(() =>
      containerCreateOptions(input('job', container('a', { portMappings: ['x'] })), [])
    ).toThrow('container.portMappings[0]')
  })
})

it('lets env: win over options -e for the same variable, as the runner does', () => {
  const c = container('a', { environmentVariables: { X: 'from-env' } })
  const spec = containerCreateOptions(
    input('job', c, dockerCreateOptions('-e X=opt -e Y=1 -e CI=0', 'o')),
    []
  )
  expect(spec.Env).toEqual([
    'X=from-env',
    'Y=1',
    'CI=true',
    'HOME=/github/home',
    'GITHUB_ACTIONS=true'
  ])
})

describe('options with the job network', () => {
  const net = (raw: string): Record<string, unknown> =>
    containerCreateOptions(input('service', container('a'), dockerCreateOptions(raw, 'o')), [])
      .NetworkingConfig?.EndpointsConfig ?? {}

  it('gives --network-alias, --ip and --link to the job network, after the service alias', () => {
    expect(net('--network-alias db --ip 10.0.0.9 --link other')).toEqual({
      net: { Aliases: ['redis', 'db'], Links: ['other'], IPAMConfig: { IPv4Address: '10.0.0.9' } }
    })
  })

  it('joins a user-defined --network after the create, with its own aliases', () => {
    const i = input(
      'service',
      container('a'),
      dockerCreateOptions('--network name=extra,alias=x', 'o')
    )
    expect(containerCreateOptions(i, []).HostConfig?.NetworkMode).toBe('net')
    expect(extraNetworks(i)).toEqual([{ network: 'extra', endpoint: { Aliases: ['x'] } }])
  })

  it('refuses --network host next to the job network, naming the field', () => {
    expect(() => net('--network host')).toThrow(
      'container.createOptions: --network "host" can\'t be combined with the job network net'
    )
  })

  it('maps --gpus all to the DeviceRequests docker create sends', () => {
    const spec = containerCreateOptions(
      input('job', container('a'), dockerCreateOptions('--gpus all', 'o')),
      []
    )
    expect(spec.HostConfig).toMatchObject({
      DeviceRequests: [
        { Driver: '', Count: -1, DeviceIDs: null, Capabilities: [['gpu']], Options: {} }
      ]
    })
  })
})

describe('dockerOptions', () => {
  it('names the flags it ignores, once', () => {
    expect(dockerCreateOptions('--rm -it --name x -d --restart always', 'o').ignored).toEqual([
      '--rm',
      '-i/--interactive',
      '-t/--tty',
      '--name',
      '-d/--detach',
      '--restart'
    ])
  })

  it('refuses a flag docker create does not have, naming it', () => {
    expect(() => dockerCreateOptions('--cpus 1 --bogus', 'services[2].createOptions')).toThrow(
      'services[2].createOptions: unknown flag --bogus (not a flag of docker create) in "--cpus 1 --bogus"'
    )
  })

  it('refuses a stray word, which docker would take for the image', () => {
    expect(() => dockerCreateOptions('--cpus 1 alpine', 'o')).toThrow(
      'o: unexpected word "alpine" (docker create would take it for the image)'
    )
  })
})
