import { describe, expect, it } from 'vitest';
import { dockerdFlags } from './dockerd-flags.js';
import { dockerdSettings } from './dockerd.js';
import { exampleFile } from './examples.js';
import { jsonKeyLine, tomlLine } from './lines.js';
import { isLoopbackRegistry, isRemotePlainHttp } from './registry-address.js';
import { expandCommandLine, parseEnvironmentFile, parseUnit, splitWords } from './systemd.js';

describe('systemd unit syntax', () => {
  it('reads directives with their lines, joining continuations and skipping comments', () => {
    const text = '# comment\n[Service]\n; another\nExecStart=/usr/bin/dockerd \\\n  -H fd:// \\\n  --icc=false\nEnvironment=A=1\n';
    expect(parseUnit(text)).toEqual([
      { section: 'Service', key: 'ExecStart', value: '/usr/bin/dockerd    -H fd://    --icc=false', line: 4 },
      { section: 'Service', key: 'Environment', value: 'A=1', line: 7 },
    ]);
  });

  it('splits words with quotes and escapes', () => {
    expect(splitWords(`a "b c" 'd e' f\\ g ""`).map((w) => w.word)).toEqual(['a', 'b c', 'd e', 'f g', '']);
  });

  it('expands $VAR into words and ${VAR} in place, remembering where each word came from', () => {
    const env = new Map([
      ['OPTS', { value: '-H tcp://0.0.0.0:2375 --tls', from: 'env' }],
      ['SOCK', { value: '/run/d.sock', from: 'env' }],
    ]);
    expect(expandCommandLine('dockerd $OPTS -H unix://${SOCK} "$OPTS" $UNSET', 'unit', env)).toEqual([
      { word: 'dockerd', from: 'unit' },
      { word: '-H', from: 'env' },
      { word: 'tcp://0.0.0.0:2375', from: 'env' },
      { word: '--tls', from: 'env' },
      { word: '-H', from: 'unit' },
      { word: 'unix:///run/d.sock', from: 'unit' },
      { word: '$OPTS', from: 'unit' },
    ]);
  });

  it('reads environment files, quoted or not', () => {
    expect(parseEnvironmentFile('# x\nDOCKER_OPTS="-H tcp://x --tls"\nexport B=\'1\'\nnot an assignment\n')).toEqual([
      { name: 'DOCKER_OPTS', value: '-H tcp://x --tls', line: 2 },
      { name: 'B', value: '1', line: 3 },
    ]);
  });
});

describe('dockerd command line', () => {
  const unit = (flags: string) => exampleFile('docker-unit', '/lib/systemd/system/docker.service', `[Service]\nExecStart=/usr/bin/dockerd ${flags}\n`);

  it('reads long, short, = and separate-value forms, and stops at --', () => {
    const flags = dockerdFlags([unit('-H fd:// -Htcp://a:1 -H=tcp://b:2 --host tcp://c:3 --host=tcp://d:4 --icc=false --live-restore -D x -- --tls')]);
    expect(flags?.map((f) => [f.name, f.value])).toEqual([
      ['H', 'fd://'],
      ['H', 'tcp://a:1'],
      ['H', 'tcp://b:2'],
      ['host', 'tcp://c:3'],
      ['host', 'tcp://d:4'],
      ['icc', 'false'],
      ['live-restore', undefined],
      ['D', undefined],
    ]);
  });

  it('takes the last ExecStart after drop-ins reset it', () => {
    const dropIn = exampleFile('docker-unit', '/etc/systemd/system/docker.service.d/x.conf', '[Service]\nExecStart=\nExecStart=/usr/bin/dockerd --icc=true\n');
    expect(dockerdFlags([dropIn, unit('--icc=false')])?.map((f) => f.written)).toEqual(['--icc=true']);
    expect(dockerdFlags([exampleFile('docker-unit', '/etc/systemd/system/docker.service', '')])).toBeUndefined();
  });

  it('lets flags win over daemon.json and adds list entries together', () => {
    const daemon = exampleFile('docker-daemon', '/etc/docker/daemon.json', '{\n  "icc": false,\n  "hosts": ["unix:///run/docker.sock"]\n}\n');
    const settings = dockerdSettings([daemon, unit('--icc=true -H tcp://0.0.0.0:2375')]);
    expect(settings.option('icc')).toEqual({ value: 'true', written: '--icc=true', from: { path: '/lib/systemd/system/docker.service', line: 2 } });
    expect(settings.list('hosts').map((h) => [h.value, h.from.line])).toEqual([
      ['unix:///run/docker.sock', 3],
      ['tcp://0.0.0.0:2375', 2],
    ]);
  });
});

describe('line numbers', () => {
  it('finds top-level JSON keys only', () => {
    const text = '{\n  "log-opts": {"icc": 1},\n  "a\\"b": [ "icc" ],\n  "icc" : true\n}';
    expect(jsonKeyLine(text, 'icc')).toBe(4);
    expect(jsonKeyLine(text, 'a"b')).toBe(3);
    expect(jsonKeyLine(text, 'missing')).toBeUndefined();
  });

  it('finds TOML keys through quoted, dotted and array-of-tables headers, else the nearest table', () => {
    const text = [
      'version = 2', // 1
      '[plugins.\'io.containerd.grpc.v1.cri\'.registry.configs."r:5000".tls]', // 2
      '  insecure_skip_verify = true', // 3
      'text = """', // 4
      '[not.a.table]', // 5
      '"""', // 6
      '[[registry]]', // 7
      'location = "a"', // 8
      '[[registry]]', // 9
      'insecure = true', // 10
      '[[registry.mirror]]', // 11
      'insecure = true', // 12
      '[host."http://[::1]:5000"]', // 13
      'tls.skip = 1', // 14
    ].join('\n');
    expect(tomlLine(text, ['plugins', 'io.containerd.grpc.v1.cri', 'registry', 'configs', 'r:5000', 'tls', 'insecure_skip_verify'])).toBe(3);
    expect(tomlLine(text, ['registry', 1, 'insecure'])).toBe(10);
    expect(tomlLine(text, ['registry', 1, 'mirror', 0, 'insecure'])).toBe(12);
    expect(tomlLine(text, ['registry', 0, 'insecure'])).toBe(7); // not set: its table
    expect(tomlLine(text, ['host', 'http://[::1]:5000', 'tls', 'skip'])).toBe(14);
    expect(tomlLine(text, ['not', 'a', 'table'])).toBeUndefined();
  });
});

describe('registry addresses', () => {
  it.each([
    ['127.0.0.0/8', true],
    ['127.1.0.0/16', true],
    ['0.0.0.0/0', false],
    ['localhost:5000', true],
    ['[::1]:5000', true],
    ['http://127.0.0.1:5000/v2', true],
    ['registry.corp:5000', false],
    ['10.0.0.0/8', false],
    ['localhost.evil.example', false],
  ])('%s is loopback: %s', (address, loopback) => {
    expect(isLoopbackRegistry(address)).toBe(loopback);
  });

  it('tells plain HTTP to another host', () => {
    expect(isRemotePlainHttp('http://mirror.corp')).toBe(true);
    expect(isRemotePlainHttp('HTTP://mirror.corp')).toBe(true);
    expect(isRemotePlainHttp('https://mirror.corp')).toBe(false);
    expect(isRemotePlainHttp('http://localhost:5000')).toBe(false);
  });
});
