import { InputError, parseBytes, parseCreateOptions, parseDuration } from '@container-hooks/hooklib'

describe('parseCreateOptions', () => {
  it('returns empty options for null or blank input', () => {
    for (const raw of [null, undefined, '', '   ']) {
      const { options, unknown } = parseCreateOptions(raw)
      expect(unknown).toEqual([])
      expect(options.env).toEqual([])
      expect(options.privileged).toBe(false)
    }
  })

  it('reads every supported flag in both --flag value and --flag=value forms', () => {
    const { options, unknown } = parseCreateOptions(
      [
        '--cpus 1.5 --memory=512m --memory-swap -1 --shm-size 1g -u 1000:1000',
        '-e A=1 --env B=two=2 -e INHERITED --health-cmd "redis-cli ping" --health-interval=2s',
        '--health-timeout 1m30s --health-retries 5 --health-start-period 500ms -h db',
        '--add-host example.test:10.0.0.1 --privileged --cap-add NET_ADMIN --cap-drop=MKNOD',
        '--tmpfs /run:rw,size=64m --tmpfs /cache --ulimit nofile=1024:2048 --ulimit core=0',
        '--mount type=bind,source=/src,target=/dst,readonly --mount type=volume,target=/data',
        '-v /host:/ctr:ro --network-alias db2 --entrypoint /bin/sh -w /work',
        "--label a=b --label 'c=d e' --init --ipc host --pid=host"
      ].join(' ')
    )
    expect(unknown).toEqual([])
    expect(options).toEqual({
      cpus: 1.5,
      memoryBytes: 512 * 2 ** 20,
      memorySwapBytes: -1,
      shmSizeBytes: 2 ** 30,
      user: '1000:1000',
      env: [{ name: 'A', value: '1' }, { name: 'B', value: 'two=2' }, { name: 'INHERITED' }],
      health: {
        cmd: 'redis-cli ping',
        disabled: false,
        intervalMs: 2000,
        timeoutMs: 90000,
        retries: 5,
        startPeriodMs: 500
      },
      hostname: 'db',
      addHosts: ['example.test:10.0.0.1'],
      privileged: true,
      capAdd: ['NET_ADMIN'],
      capDrop: ['MKNOD'],
      tmpfs: { '/run': 'rw,size=64m', '/cache': '' },
      ulimits: [
        { name: 'nofile', soft: 1024, hard: 2048 },
        { name: 'core', soft: 0, hard: 0 }
      ],
      mounts: [
        { type: 'bind', source: '/src', target: '/dst', readOnly: true },
        { type: 'volume', target: '/data', readOnly: false }
      ],
      volumes: ['/host:/ctr:ro'],
      networkAliases: ['db2'],
      entrypoint: '/bin/sh',
      workdir: '/work',
      labels: { a: 'b', c: 'd e' },
      init: true,
      ipc: 'host',
      pid: 'host'
    })
  })

  it('disables health checks with --no-healthcheck or --health-cmd none', () => {
    expect(parseCreateOptions('--no-healthcheck').options.health.disabled).toBe(true)
    expect(parseCreateOptions('--health-cmd none').options.health).toEqual({ disabled: true })
    expect(parseCreateOptions('--privileged=false').options.privileged).toBe(false)
  })

  it('keeps $VARIABLES literal', () => {
    expect(parseCreateOptions('-e "X=$HOME"').options.env).toEqual([{ name: 'X', value: '$HOME' }])
  })

  it('lists the docker create flags outside its subset without consuming known ones', () => {
    const { options, unknown } = parseCreateOptions('--gpus all --cpus 2 --rm --read-only=true')
    expect([...unknown].sort()).toEqual(['--gpus', '--read-only', '--rm'])
    expect(options.cpus).toBe(2)
  })

  it('refuses a flag docker create does not have, and a stray word', () => {
    expect(() => parseCreateOptions('--cpus 2 --no-such-flag 1')).toThrow(
      'createOptions: unknown flag --no-such-flag (not a flag of docker create) in "--cpus 2 --no-such-flag 1"'
    )
    expect(() => parseCreateOptions('stray --cpus 2')).toThrow(
      'createOptions: unexpected word "stray" (docker create would take it for the image)'
    )
  })

  it.each([
    ['--cpus', 'createOptions: --cpus needs a value'],
    ['--cpus abc', 'createOptions: --cpus needs a positive number, got "abc"'],
    ['--memory lots', 'createOptions: --memory needs a size such as 512m or 2g, got "lots"'],
    [
      '--health-interval 10',
      'createOptions: --health-interval needs a duration such as 10s or 1m30s, got "10"'
    ],
    ['--health-retries -1', 'createOptions: --health-retries needs a whole number, got "-1"'],
    [
      '--ulimit nofile',
      'createOptions: --ulimit needs name=soft[:hard], e.g. nofile=1024:2048, got "nofile"'
    ],
    ['--add-host nohost', 'createOptions: --add-host needs host:ip, got "nohost"'],
    [
      '--mount target=/x,bind-propagation=shared',
      'createOptions: --mount "target=/x,bind-propagation=shared": unsupported key bind-propagation (use type, source, target, readonly)'
    ],
    [
      '--mount type=npipe,target=/x',
      'createOptions: --mount "type=npipe,target=/x": type must be bind, volume or tmpfs, got "npipe"'
    ],
    [
      '--mount type=bind,source=/x',
      'createOptions: --mount "type=bind,source=/x" needs target=<container path>'
    ],
    ['--init=yes', 'createOptions: --init takes true or false, got "yes"'],
    ['--health-cmd "exit 1', 'createOptions: unterminated " quote in "--health-cmd "exit 1"'],
    ["-e A='x", `createOptions: unterminated ' quote in "-e A='x"`],
    ['-e A="x\\"', 'createOptions: unterminated " quote in "-e A="x\\""'],
    [
      '--cpus 1 | cat',
      'createOptions: unexpected "|" in "--cpus 1 | cat"; quote values that contain shell characters'
    ]
  ])('rejects %s with a message naming the flag', (raw, message) => {
    expect(() => parseCreateOptions(raw)).toThrow(new InputError(message))
  })

  it('accepts closed quotes with escapes inside', () => {
    const { options } = parseCreateOptions(`-e A="x\\" y" -e B='a"b' -e C=\\'`)
    expect(options.env).toEqual([
      { name: 'A', value: 'x" y' },
      { name: 'B', value: 'a"b' },
      { name: 'C', value: "'" }
    ])
  })

  it('names the field it was given', () => {
    expect(() => parseCreateOptions('--cpus', 'services[1].createOptions')).toThrow(
      'services[1].createOptions: --cpus needs a value'
    )
  })
})

describe('value parsers', () => {
  it.each([
    ['1024', 1024],
    ['1k', 1024],
    ['1.5g', 1.5 * 2 ** 30],
    ['2GiB', 2 * 2 ** 30],
    ['64MB', 64 * 2 ** 20]
  ])('parseBytes(%s) = %d', (raw, bytes) => {
    expect(parseBytes(raw)).toBe(bytes)
  })

  it.each([
    ['0', 0],
    ['10s', 10000],
    ['1m30s', 90000],
    ['1.5s', 1500],
    ['250ms', 250],
    ['1h', 3600000]
  ])('parseDuration(%s) = %d ms', (raw, ms) => {
    expect(parseDuration(raw)).toBe(ms)
  })

  it('rejects durations without a unit', () => {
    expect(() => parseDuration('5', 'x')).toThrow(
      'x needs a duration such as 10s or 1m30s, got "5"'
    )
    expect(() => parseDuration('', 'x')).toThrow('x needs a duration')
  })
})
