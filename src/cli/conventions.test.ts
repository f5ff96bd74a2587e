/* eslint-disable no-control-regex -- these tests look for escape sequences */
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-support/cli.js';
import { leaves } from './conventions.js';
import { parseExitCode } from './flags.js';
import type { CliIo } from './io.js';
import { createProgram, run } from './program.js';
import { parseScanners } from './commands/scan.js';

const compose = fileURLToPath(new URL('../../test/compose/docker-compose.yml', import.meta.url));
const estate = fileURLToPath(new URL('../../test/k8s/estate.yaml', import.meta.url));

const silentIo = (): CliIo => ({
  stdout: { write: () => true },
  stderr: { write: () => true },
  env: {},
  readStdin: async () => '',
  homedir: '/nonexistent',
  cwd: '/nonexistent',
});

/** `k8s check`, `image inspect`: a command as users type it. */
const nameOf = (command: Command): string => (command.parent?.parent ? `${nameOf(command.parent)} ${command.name()}` : command.name());

const commands = new Map(leaves(createProgram(silentIo(), () => undefined)).map((command) => [nameOf(command), command]));

/** The shared flags: their short name and value shape, wherever a command has them. */
const shared: Record<string, { short: string | undefined; shape: 'value' | 'switch'; check?: (option: Command['options'][number]) => void }> = {
  '--format': { short: '-f', shape: 'value', check: (o) => expect(o.argChoices?.length).toBeGreaterThan(1) },
  '--output': { short: '-o', shape: 'value' },
  '--quiet': { short: '-q', shape: 'switch' },
  '--severity': { short: '-s', shape: 'value' },
  '--exit-code': { short: undefined, shape: 'value', check: (o) => expect(o.parseArg).toBe(parseExitCode) },
  '--k8s-version': { short: undefined, shape: 'value' },
  '--no-color': { short: undefined, shape: 'switch' },
};

describe('the same flag means the same on every command', () => {
  it('walks every command: shared flags have one short name and one value shape, and a SHIPSHAPE_ variable', () => {
    expect(commands.size).toBeGreaterThan(15);
    for (const [name, command] of commands) {
      for (const option of command.options) {
        const expected = option.long === undefined ? undefined : shared[option.long];
        if (expected) {
          expect([name, option.long, option.short]).toEqual([name, option.long, expected.short]);
          expect([name, option.long, option.required && !option.variadic ? 'value' : !option.required && !option.optional ? 'switch' : 'other']).toEqual([
            name,
            option.long,
            expected.shape,
          ]);
          expected.check?.(option);
        }
        if (option.short === '-f' || option.short === '-o' || option.short === '-q' || option.short === '-s')
          expect([name, option.long]).toEqual([name, ['--format', '--output', '--quiet', '--severity'][['-f', '-o', '-q', '-s'].indexOf(option.short)]]);
        if (!option.hidden) expect([name, option.envVar]).toEqual([name, `SHIPSHAPE_${(option.long ?? '').slice(2).replaceAll('-', '_').toUpperCase()}`]);
      }
      expect([name, command.options.some((o) => o.long === '--no-color')]).toEqual([name, true]);
    }
  });

  it.each([
    ['image inspect', ['--output', '--quiet', '--format']],
    ['k8s check', ['--quiet', '--severity', '--k8s-version', '--exit-code', '--output']],
    ['compose check', ['--quiet', '--severity', '--exit-code']],
    ['dockerfile lint', ['--quiet', '--severity', '--exit-code']],
    ['posture', ['--k8s-version', '--quiet']],
    ['map', ['--k8s-version', '--quiet']],
    ['db import', ['--quiet']],
    ['scan image', ['--quiet', '--severity', '--exit-code', '--config', '--no-config']],
    ['registry scan', ['--quiet', '--severity', '--exit-code', '--config', '--no-config']],
  ])('%s takes %j', (name, flags) => {
    const options = commands.get(name)?.options.map((o) => o.long) ?? [];
    for (const flag of flags) expect(options).toContain(flag);
  });

  it('k8s check: --k8s-version, and the old --version still works (hidden)', async () => {
    const ask = async (flag: string) => (await runCli(['k8s', 'check', estate, '--level', 'restricted', flag, 'v1.25', '-f', 'json'])).stdout;
    const report = JSON.parse(await ask('--k8s-version')) as { results: { version: string }[] };
    expect(report.results.map((r) => r.version)).toEqual(['v1.25', 'v1.25', 'v1.25']);
    expect(await ask('--version')).toBe(await ask('--k8s-version'));
    expect(commands.get('k8s check')?.helpInformation()).not.toMatch(/--version/);
  });

  it('k8s check and compose check: -s filters what is shown, and --exit-code judges what is shown', async () => {
    const k8s = async (...args: string[]) => runCli(['k8s', 'check', estate, '--exit-code', '3', ...args]);
    expect((await k8s()).code).toBe(3);
    const low = await k8s('-s', 'LOW');
    expect(low.code).toBe(3);
    expect(low.stdout).toMatch(/== Workload rules: \d+ findings ==/);
    expect(low.stdout).not.toMatch(/^MEDIUM /m);
    // the denial is HIGH: with -s CRITICAL neither it nor any finding is shown, so the gate passes
    expect((await k8s('-s', 'CRITICAL', '-f', 'sarif')).stdout).not.toMatch(/"ruleId": "PSS-privileged"/);
    expect((await k8s('-s', 'CRITICAL')).code).toBe(0);
    expect((await k8s('-s', 'HIGH', '-f', 'sarif')).stdout).toMatch(/"ruleId": "PSS-privileged"/);
    const composed = async (...args: string[]) => runCli(['compose', 'check', compose, '--exit-code', '3', ...args]);
    const critical = await composed('-s', 'critical');
    expect(critical.stdout).toMatch(/== Compose: 1 finding ==/);
    expect(critical.code).toBe(3);
    expect((await composed('-s', 'UNKNOWN')).code).toBe(0);
    expect((await composed('-s', 'SEVERE')).stderr).toMatch(/unknown severity SEVERE/);
  });

  it('--scanners misconfig is what Trivy calls config; registry scan says it has no such scanner', async () => {
    expect([...parseScanners('vuln,misconfig')]).toEqual(['vuln', 'config']);
    const registry = await runCli(['registry', 'scan', '127.0.0.1:1/team', '--scanners', 'misconfig', '--no-config']);
    expect(registry.code).toBe(2);
    expect(registry.stderr).toMatch(/hint: misconfig is not a scanner of registry scan/);
  });
});

describe('flags from the environment and the config file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shipshape-conventions-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('SHIPSHAPE_<FLAG> sets a flag; the command line wins; a bad value is a usage error', async () => {
    const check = (args: string[], env: Record<string, string>) => runCli(['compose', 'check', compose, ...args], { env });
    expect((await check([], { SHIPSHAPE_EXIT_CODE: '5' })).code).toBe(5);
    expect((await check(['--exit-code', '0'], { SHIPSHAPE_EXIT_CODE: '5' })).code).toBe(0);
    expect(JSON.parse((await check([], { SHIPSHAPE_FORMAT: 'json' })).stdout)).toHaveProperty('findings');
    expect((await check(['-f', 'table'], { SHIPSHAPE_FORMAT: 'json' })).stdout).toMatch(/^== Compose/);
    expect((await check(['-f', 'table'], { SHIPSHAPE_SEVERITY: 'CRITICAL' })).stdout).toMatch(/== Compose: 1 finding ==/);
    const bad = await check([], { SHIPSHAPE_EXIT_CODE: 'lots' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^shipshape: error: environment variable 'SHIPSHAPE_EXIT_CODE' with value 'lots' is invalid\. Expected a whole number/);
    expect((await check([], { SHIPSHAPE_FORMAT: 'yaml' })).code).toBe(2);
  });

  it('reads the environment only through io.env: a variable of the process is not seen', async () => {
    process.env.SHIPSHAPE_FORMAT = 'json';
    try {
      expect((await runCli(['compose', 'check', compose], { env: {} })).stdout).toMatch(/^== Compose/);
    } finally {
      delete process.env.SHIPSHAPE_FORMAT;
    }
  });

  /** The values `scan image` runs with, caught just before it would read the image. */
  const scanValues = async (args: string[], env: Record<string, string>, cwd: string): Promise<Record<string, unknown>> => {
    const io = { ...silentIo(), env, cwd };
    const program = createProgram(io, () => undefined);
    const scan = commands.get('scan image') === undefined ? undefined : leaves(program).find((c) => nameOf(c) === 'scan image');
    let values: Record<string, unknown> = {};
    scan?.hook('preAction', (command) => {
      values = command.opts();
      throw new Error('caught');
    });
    await expect(program.parseAsync(['scan', 'image', 'app.tar', ...args], { from: 'user' })).rejects.toThrow('caught');
    return values;
  };

  it("takes scan settings from shipshape.yaml's scan: section: flag > environment > config > default", async () => {
    const project = path.join(dir, 'project');
    await mkdir(project, { recursive: true });
    await writeFile(
      path.join(project, 'shipshape.yaml'),
      'scan:\n  severity: [CRITICAL, HIGH]\n  exitCode: 4\n  scanners: [vuln, misconfig]\n  ignoreUnfixed: true\n  db: advisories/osv.sqlite\n  parallel: 6\n',
    );
    const fromConfig = await scanValues([], {}, project);
    expect(fromConfig).toMatchObject({
      severity: 'CRITICAL,HIGH',
      exitCode: 4,
      scanners: 'vuln,misconfig',
      ignoreUnfixed: true,
      db: path.join(project, 'advisories/osv.sqlite'),
      parallel: 6,
      maxDbAge: '7d',
    });
    expect(await scanValues([], { SHIPSHAPE_EXIT_CODE: '9', SHIPSHAPE_PARALLEL: '2' }, project)).toMatchObject({
      exitCode: 9,
      parallel: 2,
      severity: 'CRITICAL,HIGH',
    });
    expect(await scanValues(['--exit-code', '1', '-s', 'LOW'], { SHIPSHAPE_EXIT_CODE: '9' }, project)).toMatchObject({ exitCode: 1, severity: 'LOW' });
    expect(await scanValues(['--no-config'], {}, project)).toMatchObject({ exitCode: 0, parallel: 3, scanners: 'vuln,secret,config', ignoreUnfixed: false });
    expect((await scanValues([], {}, dir)).exitCode).toBe(0);
    await writeFile(path.join(project, 'bad.yaml'), 'scan:\n  exitCode: 300\n  severity: [SEVERE]\n');
    const bad = await runCli(['scan', 'image', 'app.tar', '--config', path.join(project, 'bad.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.yaml:2: scan\.exitCode/);
  });
});

describe('colour', () => {
  const colours = async (args: string[], env: Record<string, string>) => (await runCli(['compose', 'check', compose, ...args], { env })).stdout;

  it('colours severities when asked (FORCE_COLOR), never with NO_COLOR, --no-color, a pipe or a file', async () => {
    const coloured = await colours([], { FORCE_COLOR: '1' });
    expect(coloured).toContain('\x1b[1;31mCRITICAL\x1b[0m  SS-CMP-006');
    expect(coloured).toContain('\x1b[33mMEDIUM\x1b[0m    SS-CMP-007');
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, '')).toBe(await colours([], {}));
    expect(await colours([], {})).not.toContain('\x1b');
    expect(await colours([], { FORCE_COLOR: '1', NO_COLOR: '1' })).not.toContain('\x1b');
    expect(await colours(['--no-color'], { FORCE_COLOR: '1' })).not.toContain('\x1b');
    expect(await colours([], { FORCE_COLOR: '1', SHIPSHAPE_NO_COLOR: 'true' })).not.toContain('\x1b');
    const dir = await mkdtemp(path.join(tmpdir(), 'shipshape-colour-'));
    try {
      await colours(['-o', path.join(dir, 'out.txt')], { FORCE_COLOR: '1' });
      expect(await readFile(path.join(dir, 'out.txt'), 'utf8')).not.toMatch(/[\x1b\u{E000}]/u);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('colours the lifecycle breaks of map and trace too', async () => {
    const estate = fileURLToPath(new URL('../../examples/estate/', import.meta.url));
    const map = (env: Record<string, string>) =>
      runCli(['map', '--no-config', '--source', path.join(estate, 'repos'), '--manifests', path.join(estate, 'k8s')], { env });
    const coloured = (await map({ FORCE_COLOR: '1' })).stdout;
    expect(coloured).toMatch(/\x1b\[[0-9;]*m(HIGH|MEDIUM|LOW)\x1b\[0m/);
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, '')).toBe((await map({})).stdout);
  });

  it('colours on a terminal, not in a pipe', async () => {
    const run_ = async (isTTY: boolean) => {
      let out = '';
      await run(['compose', 'check', compose], { ...silentIo(), stdout: { write: (t: string) => (out += t), isTTY, columns: 300 }, cwd: process.cwd() });
      return out;
    };
    expect(await run_(true)).toContain('\x1b[1;31mCRITICAL\x1b[0m');
    expect(await run_(false)).not.toContain('\x1b');
  });
});

describe('progress on stderr for long-running commands', () => {
  it.each([
    ['k8s check', ['k8s', 'check', estate], /Reading manifests: 1 file so far, now \S+estate\.yaml/],
    ['compose check', ['compose', 'check', compose], /Checking compose file 1: /],
  ])('%s draws one line on a terminal stderr, nothing of it on stdout; --quiet draws none', async (_name, args, line) => {
    const capture = async (extra: string[]) => {
      let out = '';
      let err = '';
      await run([...args, ...extra], {
        ...silentIo(),
        stdout: { write: (t: string) => (out += t) },
        stderr: { write: (t: string) => (err += t), isTTY: true, columns: 0 },
        cwd: process.cwd(),
      });
      return { out, err };
    };
    const { out, err } = await capture([]);
    expect(err).toMatch(line);
    expect(err.endsWith('\r\x1b[2K')).toBe(true);
    expect(out).not.toMatch(/\r|\x1b/);
    expect((await capture(['-q'])).err).toBe('');
  });
});

describe('exit codes (the README table)', () => {
  it.each([
    ['0: ran, and no gate asked to fail', ['compose', 'check', compose], 0],
    ['N: --exit-code N and something shown', ['compose', 'check', compose, '--exit-code', '7'], 7],
    ['0: --exit-code N and nothing shown', ['compose', 'check', compose, '--exit-code', '7', '-s', 'UNKNOWN'], 0],
    ['2: unknown flag', ['compose', 'check', compose, '--frobnicate'], 2],
    ['2: bad flag value', ['compose', 'check', compose, '--exit-code', '256'], 2],
    ['2: input not found', ['compose', 'check', '/nonexistent/compose.yaml'], 2],
  ])('%s', async (_row, args, code) => {
    expect((await runCli(args)).code).toBe(code);
  });

  it('2: an input that could not be read fails closed, whatever --exit-code says', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'shipshape-exit-'));
    try {
      await writeFile(path.join(dir, 'broken.yaml'), 'kind: Pod\nmetadata: [\n');
      expect((await runCli(['k8s', 'check', estate, path.join(dir, 'broken.yaml'), '--exit-code', '7'])).code).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('1: posture --fail-under missed without --exit-code', async () => {
    const { code } = await runCli(['posture', '--no-config', '--manifests', estate, '--fail-under', '100', '-f', 'json']);
    expect(code).toBe(1);
  });
});
