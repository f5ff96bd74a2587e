import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyzerOutput } from '../../model.js';
import { analyzeContent } from '../../../test-support/analyze.js';
import { commandMissing, fileMissing, hasCommand, skipWhen } from '../../../test-support/skip.js';
import { buildZip } from '../java/test-zip.js';
import { goBinaryAnalyzer, stdlibVersion } from './index.js';
import { framedModinfo, inlineGoElf, pointerGoElf } from './test-go.js';

/** Packages as `name@version sum`, the main module marked, for comparing with `go version -m`. */
function summary(output: AnalyzerOutput | undefined): string[] {
  return (output?.packages ?? []).map((p) => `${p.properties?.main ? 'main ' : ''}${p.name}@${p.version} ${p.properties?.sum ?? ''}`.trim());
}

describe('goBinaryAnalyzer', () => {
  const modinfo = [
    'path\texample.com/app/cmd/app',
    'mod\texample.com/app\tv1.4.0\th1:main=',
    'dep\tgolang.org/x/text\tv0.3.7\th1:text=',
    'dep\texample.com/old\tv1.0.0',
    '=>\texample.com/fork\tv1.0.1\th1:fork=',
    'build\tGOOS=linux',
    'build\tGOARCH=arm64',
    'build\tvcs.revision=0123abcd',
    'build\tCGO_CFLAGS=',
    '',
  ].join('\n');

  it('wants executable regular files only, and ELF content', () => {
    const entry = { path: '/usr/bin/app', type: 'file' as const, size: 1, mode: 0o755, uid: 0, gid: 0 };
    expect(goBinaryAnalyzer.required('/usr/bin/app', entry)).toBe(true);
    expect(goBinaryAnalyzer.required('/usr/bin/app', { ...entry, mode: 0o100 })).toBe(true);
    expect(goBinaryAnalyzer.required('/usr/bin/app', { ...entry, mode: 0o644 })).toBe(false);
    expect(goBinaryAnalyzer.required('/usr/bin/app', { ...entry, type: 'symlink' })).toBe(false);
    expect(analyzeContent(goBinaryAnalyzer, '/app', '#!/bin/sh\n', 0o755)).toBeUndefined();
  });

  it('reports the main module, the dependencies (replacements resolved) and the standard library', () => {
    const out = analyzeContent(goBinaryAnalyzer, '/usr/local/bin/app', inlineGoElf('go1.22.3 X:boringcrypto', modinfo), 0o755);
    expect(out).toEqual({
      packages: [
        {
          type: 'golang',
          name: 'example.com/app',
          version: 'v1.4.0',
          properties: {
            main: 'true',
            goVersion: 'go1.22.3 X:boringcrypto',
            sum: 'h1:main=',
            path: 'example.com/app/cmd/app',
            'build.GOOS': 'linux',
            'build.GOARCH': 'arm64',
            'build.vcs.revision': '0123abcd',
          },
        },
        { type: 'golang', name: 'golang.org/x/text', version: 'v0.3.7', properties: { goVersion: 'go1.22.3 X:boringcrypto', sum: 'h1:text=' } },
        {
          type: 'golang',
          name: 'example.com/fork',
          version: 'v1.0.1',
          properties: { goVersion: 'go1.22.3 X:boringcrypto', sum: 'h1:fork=', replaces: 'example.com/old', replacesVersion: 'v1.0.0' },
        },
        { type: 'golang', name: 'stdlib', version: 'v1.22.3', properties: { stdlib: 'true', goVersion: 'go1.22.3 X:boringcrypto' } },
      ],
    });
  });

  it('reads the pre-1.18 pointer format (synthetic binary: no toolchain here writes it)', () => {
    const out = analyzeContent(goBinaryAnalyzer, '/app', pointerGoElf('go1.16.15', framedModinfo(modinfo), { is64: false, littleEndian: false }), 0o755);
    expect(summary(out)).toEqual([
      'main example.com/app@v1.4.0 h1:main=',
      'golang.org/x/text@v0.3.7 h1:text=',
      'example.com/fork@v1.0.1 h1:fork=',
      'stdlib@v1.16.15',
    ]);
  });

  it('gives nothing for an ELF that is not a Go binary, and notes for a damaged one', () => {
    expect(analyzeContent(goBinaryAnalyzer, '/bin/x', inlineGoElf('go1.21.0', modinfo).fill(0, 200), 0o755)).toEqual({});
    const devel = analyzeContent(goBinaryAnalyzer, '/bin/x', inlineGoElf('devel go1.23-abc123 Tue', 'dep\tbad\n'), 0o755);
    expect(devel).toEqual({
      packages: [],
      notes: [
        'Go module info line 1: expected 2 or 3 columns after "dep", got 1: skipped',
        'Go toolchain version "devel go1.23-abc123 Tue" is not a release: no stdlib package',
      ],
    });
  });

  it('reports at most 20 000 modules', () => {
    const many = Array.from({ length: 20_005 }, (_, i) => `dep\texample.com/m${i}\tv1.0.0\th1:x=`).join('\n');
    const out = analyzeContent(goBinaryAnalyzer, '/app', inlineGoElf('go1.21.0', `${many}\n`), 0o755);
    expect(out?.packages).toHaveLength(20_001); // and stdlib
    expect(out?.notes).toEqual(['Go module info lists 20005 modules: only the first 20000 are reported']);
  });

  it.each([
    ['go1.19.8', 'v1.19.8'],
    ['go1.21rc2', 'v1.21rc2'],
    ['go1.22.3 X:boringcrypto', 'v1.22.3'],
    ['go1.24.0-fips', 'v1.24.0-fips'],
    ['devel go1.23-abc', undefined],
  ])('stdlib version of %s is %s', (goVersion, expected) => {
    expect(stdlibVersion(goVersion)).toBe(expected);
  });
});

/** What `go version -m` says of a binary, in the form of `summary`. */
function goVersionM(file: string): string[] {
  const result = spawnSync('go', ['version', '-m', file], { encoding: 'utf8' });
  const [first = '', ...lines] = result.stdout.split('\n');
  const packages: string[] = [];
  for (const line of lines) {
    const [kind, modPath = '', version = '', sum = ''] = line.replace(/^\t/, '').split('\t');
    const text = `${modPath}@${version} ${sum}`.trim();
    if (kind === 'mod') packages.unshift(`main ${text}`);
    else if (kind === 'dep') packages.push(text);
    else if (kind === '=>') packages[packages.length - 1] = text;
  }
  return [...packages, `stdlib@v${first.slice(first.indexOf(': go') + 4)}`];
}

describe('goBinaryAnalyzer on binaries built by the Go toolchain', skipWhen(commandMissing('go', 'golang-go')), () => {
  let dir: string;
  const binaries = new Map<string, Buffer>();
  const write = (file: string, text: string): void => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  };
  /** A module in the file-based GOPROXY: there is no network, and this gives dep lines real sums. */
  const publish = (modulePath: string, declaredPath: string, version: string, files: Record<string, string>): void => {
    const base = `proxy/${modulePath}/@v`;
    const goMod = `module ${declaredPath}\n\ngo 1.16\n`;
    write(`${base}/list`, `${version}\n`);
    write(`${base}/${version}.info`, JSON.stringify({ Version: version, Time: '2024-01-02T03:04:05Z' }));
    write(`${base}/${version}.mod`, goMod);
    const entries = Object.entries({ 'go.mod': goMod, ...files }).map(([name, data]) => ({ name: `${modulePath}@${version}/${name}`, data }));
    writeFileSync(path.join(dir, `${base}/${version}.zip`), buildZip(entries));
  };
  const build = (name: string, module: string, extraEnv: Record<string, string> = {}, flags: string[] = []): void => {
    const env = {
      ...process.env,
      GOPATH: path.join(dir, 'gopath'),
      GOCACHE: path.join(dir, 'cache'),
      GOPROXY: `file://${path.join(dir, 'proxy')}`,
      GOSUMDB: 'off',
      GOFLAGS: '-mod=mod -modcacherw',
      GOTOOLCHAIN: 'local',
      ...extraEnv,
    };
    const result = spawnSync('go', ['build', '-buildvcs=false', ...flags, '-o', path.join(dir, 'bin', name), '.'], {
      cwd: path.join(dir, module),
      env,
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`go build ${name}: ${result.stderr}`);
    binaries.set(name, readFileSync(path.join(dir, 'bin', name)));
  };

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'shipshape-go-'));
    write('hello/go.mod', 'module example.com/hello\n\ngo 1.19\n');
    write('hello/main.go', 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello") }\n');
    publish('example.com/lib', 'example.com/lib', 'v1.2.3', { 'lib.go': 'package lib\n\nfunc Greet() string { return "hi" }\n' });
    // A fork replacing example.com/old: its go.mod keeps the original path, as forks do.
    publish('example.com/fork', 'example.com/old', 'v1.1.0', { 'old.go': 'package old\n\nfunc Name() string { return "fork" }\n' });
    write('local/go.mod', 'module example.com/local\n\ngo 1.19\n');
    write('local/local.go', 'package local\n\nfunc Where() string { return "here" }\n');
    write(
      'app/go.mod',
      [
        'module example.com/app',
        'go 1.19',
        'require (',
        '\texample.com/lib v1.2.3',
        '\texample.com/old v1.0.0',
        '\texample.com/local v0.0.0',
        ')',
        'replace example.com/old v1.0.0 => example.com/fork v1.1.0',
        'replace example.com/local => ../local',
        '',
      ].join('\n'),
    );
    write(
      'app/main.go',
      'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/lib"\n\t"example.com/local"\n\t"example.com/old"\n)\n\nfunc main() { fmt.Println(lib.Greet(), old.Name(), local.Where()) }\n',
    );
    build('hello', 'hello');
    build('app', 'app');
    build('app-stripped', 'app', {}, ['-trimpath', '-ldflags=-s -w']);
    build('app-mips', 'app', { GOARCH: 'mips', CGO_ENABLED: '0' });
    if (hasCommand('gcc')) build('app-external', 'app', { CGO_ENABLED: '1' }, ['-ldflags=-linkmode=external']);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const goVersion = (): string => spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).stdout.trim();

  it('reads a program using only the standard library', () => {
    const out = analyzeContent(goBinaryAnalyzer, '/usr/bin/hello', binaries.get('hello')!, 0o755);
    expect(summary(out)).toEqual(['main example.com/hello@(devel)', `stdlib@v${goVersion().slice(2)}`]);
    expect(out?.packages?.[0]?.properties).toMatchObject({ main: 'true', path: 'example.com/hello', goVersion: goVersion(), 'build.GOOS': 'linux' });
    expect(summary(out)).toEqual(goVersionM(path.join(dir, 'bin/hello')));
  });

  it('reads dependencies with their sums, and module and directory replacements', () => {
    const out = analyzeContent(goBinaryAnalyzer, '/app', binaries.get('app')!, 0o755);
    expect(summary(out)).toEqual([
      'main example.com/app@(devel)',
      'example.com/lib@v1.2.3 ' + (/h1:\S+/.exec(summary(out)[1] ?? '')?.[0] ?? 'missing sum'),
      '../local@(devel)',
      'example.com/fork@v1.1.0 ' + (/h1:\S+/.exec(summary(out)[3] ?? '')?.[0] ?? 'missing sum'),
      `stdlib@v${goVersion().slice(2)}`,
    ]);
    expect(out?.packages?.find((p) => p.name === 'example.com/fork')?.properties).toMatchObject({ replaces: 'example.com/old', replacesVersion: 'v1.0.0' });
    expect(summary(out)).toEqual(goVersionM(path.join(dir, 'bin/app')));
  });

  const readsAlike = (names: readonly string[]): void => {
    const expected = goVersionM(path.join(dir, 'bin/app'));
    for (const name of names) {
      expect(summary(analyzeContent(goBinaryAnalyzer, `/${name}`, binaries.get(name)!, 0o755)), name).toEqual(expected);
      expect(goVersionM(path.join(dir, 'bin', name)), name).toEqual(expected);
    }
  };

  it('reads stripped and 32-bit big-endian builds alike', () => readsAlike(['app-stripped', 'app-mips']));

  it('reads an external-linked build alike', skipWhen(commandMissing('gcc')), () => readsAlike(['app-external']));

  it('falls back to a search when the section headers are gone (as after sstrip)', () => {
    const binary = Buffer.from(binaries.get('app')!);
    binary.writeBigUInt64LE(0n, 40); // e_shoff
    binary.writeUInt16LE(0, 60); // e_shnum
    binary.writeUInt16LE(0, 62); // e_shstrndx
    expect(summary(analyzeContent(goBinaryAnalyzer, '/app', binary, 0o755))).toEqual(goVersionM(path.join(dir, 'bin/app')));
  });

  const registry = '/usr/bin/docker-registry';
  it('reads the Debian docker-registry binary as go version -m does', skipWhen(fileMissing(registry, 'the docker-registry binary', 'docker-registry')), () => {
    const out = analyzeContent(goBinaryAnalyzer, registry, readFileSync(registry), 0o755);
    expect(summary(out)).toEqual(goVersionM(registry));
    expect(out?.notes).toBeUndefined();
  });
});
