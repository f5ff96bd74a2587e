import { execFile, spawn } from 'node:child_process';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedAbsent, sharedPath } from '../test-support/shared.js';
import { fileMissing, skipWhen } from '../test-support/skip.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = path.join(root, 'dist/cli/main.js');
const example = path.join(root, 'examples/demo-app.oci.tar');
const exec = promisify(execFile);

/**
 * The built CLI, run as users run it: plain Node, no test-runner module interop. (A CommonJS
 * dependency whose named exports Node cannot see once passed every in-process test and failed here.)
 */
describe('the built CLI (dist/, made by npm ci / npm run build)', skipWhen(fileMissing(cli, 'the built CLI (npm run build)')), () => {
  let dir: string;
  const run = (...args: string[]) => exec(process.execPath, [cli, ...args], { env: { ...process.env, SHIPSHAPE_CACHE_DIR: path.join(dir, 'cache') } });
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shipshape-dist-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('inspects, lists and compares', async () => {
    expect(JSON.parse((await run('image', 'inspect', example, '-f', 'json')).stdout)).toMatchObject({ reference: 'demo-app:1.0' });
    expect((await run('sbom', example, '-f', 'cyclonedx', '--reproducible')).stdout).toContain('pkg:npm/lodash@4.17.15');
    expect((await run('version', 'compare', '--scheme', 'rpm', '1.0^git1', '1.0')).stdout).toBe('1.0^git1\t>\t1.0\n');
  });

  it('imports advisories and scans', skipWhen(sharedAbsent), async () => {
    const db = path.join(dir, 'osv.sqlite');
    await run('db', 'import', sharedPath('advisories', 'npm'), '--db', db);
    const { stdout } = await run('scan', 'image', example, '--db', db, '-f', 'json');
    const report = JSON.parse(stdout) as { findings: { id: string; package: { name: string }; severity: { level: string } }[] };
    expect(report.findings.some((f) => f.package.name === 'lodash' && f.severity.level !== 'UNKNOWN')).toBe(true);
  });

  it('refuses an endless standard input at its limit, with one error line', async () => {
    const zero = await open('/dev/zero', 'r');
    try {
      const child = spawn(process.execPath, [cli, 'k8s', 'check', '-'], { stdio: [zero.fd, 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stderr).toBe('shipshape: error: standard input is larger than 16777216 bytes (the maxStdinBytes limit)\n');
      expect(code).toBe(2);
    } finally {
      await zero.close();
    }
  }, 30_000);
});
