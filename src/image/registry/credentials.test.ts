import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Diagnostics } from '../../core/diagnostics.js';
import { UsageError } from '../../core/errors.js';
import { findCredentials } from './credentials.js';

let dir: string;
const originalPath = process.env.PATH;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shipshape-creds-'));
  // Fake credential helpers, found on PATH like the real ones; they log the server URL they were asked for.
  const helper = (body: string): string => `#!/bin/sh\n[ "$1" = get ] || exit 9\nread -r url\necho "$url" >> "${dir}/asked"\n${body}\n`;
  const helpers: Record<string, string> = {
    good: 'printf \'{"ServerURL":"%s","Username":"helper-user","Secret":"helper-secret"}\' "$url"',
    token: 'printf \'{"Username":"<token>","Secret":"identity-123"}\'',
    missing: 'echo "credentials not found in native keychain"; exit 1',
    broken: 'echo "keychain locked" >&2; exit 3',
    garbage: 'echo "not json"',
    slow: 'sleep 5',
  };
  for (const [name, body] of Object.entries(helpers)) {
    const file = path.join(dir, `docker-credential-${name}`);
    await writeFile(file, helper(body));
    await chmod(file, 0o755);
  }
  process.env.PATH = `${dir}:${originalPath ?? ''}`;
});

afterAll(async () => {
  process.env.PATH = originalPath;
  await rm(dir, { recursive: true, force: true });
});

async function withConfig(config: unknown): Promise<string> {
  const file = path.join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, typeof config === 'string' ? config : JSON.stringify(config));
  return file;
}

const b64 = (text: string): string => Buffer.from(text).toString('base64');

describe('findCredentials', () => {
  it('prefers explicit username and password', async () => {
    const dockerConfigPath = await withConfig({ auths: { 'r.example': { auth: b64('cfg:pw') } } });
    expect(await findCredentials('r.example', { username: 'u', password: 'p', dockerConfigPath })).toMatchObject({
      kind: 'basic',
      username: 'u',
      password: 'p',
    });
    await expect(findCredentials('r.example', { username: 'u' })).rejects.toThrow(UsageError);
  });

  it.each([
    ['r.example:5000', 'r.example:5000'],
    ['https://r.example:5000/v1/', 'r.example:5000'],
    ['http://r.example:5000', 'r.example:5000'],
    ['https://index.docker.io/v1/', 'docker.io'],
    ['registry-1.docker.io', 'docker.io'],
  ])('finds auths[%j] for %s', async (key, registry) => {
    const dockerConfigPath = await withConfig({ auths: { other: { auth: b64('x:y') }, [key]: { auth: b64('user:pa:ss') } } });
    expect(await findCredentials(registry, { dockerConfigPath })).toMatchObject({ kind: 'basic', username: 'user', password: 'pa:ss' });
  });

  it('reads username/password fields and identity tokens', async () => {
    const dockerConfigPath = await withConfig({
      auths: { a: { username: 'ua', password: 'pa' }, b: { username: 'ub', identitytoken: 'refresh-1' }, c: {} },
    });
    expect(await findCredentials('a', { dockerConfigPath })).toMatchObject({ kind: 'basic', username: 'ua', password: 'pa' });
    expect(await findCredentials('b', { dockerConfigPath })).toMatchObject({ kind: 'identity-token', username: 'ub', token: 'refresh-1' });
    expect(await findCredentials('c', { dockerConfigPath })).toBeUndefined();
    expect(await findCredentials('d', { dockerConfigPath })).toBeUndefined();
  });

  it('needs no config file, and reports an unreadable one as a diagnostic', async () => {
    const diagnostics = new Diagnostics();
    expect(await findCredentials('r', { dockerConfigPath: path.join(dir, 'absent.json'), diagnostics })).toBeUndefined();
    expect(diagnostics.items).toEqual([]);
    expect(await findCredentials('r', { dockerConfigPath: await withConfig('{oops'), diagnostics })).toBeUndefined();
    expect(await findCredentials('r', { dockerConfigPath: await withConfig({ auths: [] }), diagnostics })).toBeUndefined();
    expect(diagnostics.items.map((d) => d.code)).toEqual(['registry.docker-config', 'registry.docker-config']);
  });

  it('runs credHelpers[host] with the server URL on stdin, before auths', async () => {
    const dockerConfigPath = await withConfig({
      auths: { 'r.example': { auth: b64('file:pw') } },
      credHelpers: { 'r.example': 'good', 'docker.io': 'good' },
    });
    expect(await findCredentials('r.example', { dockerConfigPath })).toEqual({
      kind: 'basic',
      username: 'helper-user',
      password: 'helper-secret',
      source: 'credential helper docker-credential-good',
    });
    await findCredentials('docker.io', { dockerConfigPath });
    const { readFile } = await import('node:fs/promises');
    expect((await readFile(path.join(dir, 'asked'), 'utf8')).trim().split('\n').slice(-2)).toEqual(['r.example', 'https://index.docker.io/v1/']);
  });

  it('uses credsStore, and reads "<token>" as an identity token', async () => {
    const dockerConfigPath = await withConfig({ credsStore: 'token' });
    expect(await findCredentials('r.example', { dockerConfigPath })).toMatchObject({ kind: 'identity-token', token: 'identity-123' });
  });

  it('treats "credentials not found" as no credentials, and other helper failures as diagnostics', async () => {
    const diagnostics = new Diagnostics();
    const run = async (helper: string): Promise<unknown> =>
      findCredentials('r.example', {
        dockerConfigPath: await withConfig({ credHelpers: { 'r.example': helper }, auths: { 'r.example': { auth: b64('fb:pw') } } }),
        diagnostics,
        helperTimeoutMs: 300,
      });
    expect(await run('missing')).toMatchObject({ username: 'fb' });
    expect(diagnostics.items).toEqual([]);
    for (const helper of ['broken', 'garbage', 'slow', 'absent', '../evil']) expect(await run(helper)).toMatchObject({ username: 'fb' });
    expect(diagnostics.items.map((d) => d.message)).toEqual([
      expect.stringMatching(/docker-credential-broken: exited with status 3: keychain locked/),
      expect.stringMatching(/docker-credential-garbage: printed something that is not JSON/),
      expect.stringMatching(/docker-credential-slow: timed out/),
      expect.stringMatching(/docker-credential-absent: not found on PATH/),
      expect.stringMatching(/not a plain program name/),
    ]);
  });
});
