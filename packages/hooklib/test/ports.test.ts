import { InputError, parsePortMapping } from '@container-hooks/hooklib'

describe('parsePortMapping', () => {
  it.each([
    ['80', { containerPort: 80, protocol: 'tcp' }],
    ['8080:80', { containerPort: 80, hostPort: 8080, protocol: 'tcp' }],
    [
      '127.0.0.1:8080:80',
      { containerPort: 80, hostPort: 8080, hostIp: '127.0.0.1', protocol: 'tcp' }
    ],
    ['6379/tcp', { containerPort: 6379, protocol: 'tcp' }],
    ['8080:80/udp', { containerPort: 80, hostPort: 8080, protocol: 'udp' }],
    ['127.0.0.1::80', { containerPort: 80, hostIp: '127.0.0.1', protocol: 'tcp' }],
    ['0.0.0.0:53:53/UDP', { containerPort: 53, hostPort: 53, hostIp: '0.0.0.0', protocol: 'udp' }],
    ['[::1]:8080:80/sctp', { containerPort: 80, hostPort: 8080, hostIp: '::1', protocol: 'sctp' }],
    [' 65535:1 ', { containerPort: 1, hostPort: 65535, protocol: 'tcp' }]
  ])('parses %j', (raw, expected) => {
    expect(parsePortMapping(raw)).toEqual(expected)
  })

  it.each([
    '',
    'http',
    '0',
    '65536',
    '80:0',
    '70000:80',
    ':80',
    '80/icmp',
    '8000-8010:8000-8010',
    'host:80:80',
    '1.2.3.4:80'
  ])('rejects %j naming the field, the value and the accepted forms', raw => {
    const error = (() => {
      try {
        parsePortMapping(raw, 'args.services[0].portMappings[1]')
      } catch (err) {
        return err as Error
      }
      throw new Error(`accepted ${raw}`)
    })()
    expect(error).toBeInstanceOf(InputError)
    expect(error.message).toBe(
      `Invalid args.services[0].portMappings[1]: ${JSON.stringify(raw)}; expected PORT, HOST_PORT:PORT, IP:HOST_PORT:PORT or IP::PORT, optionally followed by /tcp, /udp or /sctp, with ports 1-65535`
    )
  })

  it('names portMappings by default', () => {
    expect(() => parsePortMapping('x')).toThrow(/^Invalid portMappings: "x"; expected PORT/)
  })
})
