import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LifecycleMap } from '../lifecycle/model.js';
import { runCli } from '../test-support/cli.js';
import { buildImage, sha256 } from '../test-support/image-builder.js';
import { FakeRegistry, startRelay, startServer, startTokenServer, type TestServer, type TokenServer } from '../test-support/registry.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'shipshape-allow-realm-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
const open: TestServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()));
});

/** A registry (behind a relay on one port) whose Bearer realm is the token service on another port. */
async function registryWithRealmElsewhere(): Promise<{ registry: TestServer; tokens: TokenServer }> {
  const fake = new FakeRegistry();
  const image = await buildImage({ layers: [{ items: [{ name: 'etc/os-release', content: 'ID=test\n' }] }] });
  for (const blob of [image.config, ...image.layers.map((layer) => layer.blob)]) fake.blobs.set(sha256(blob), blob);
  fake.addManifest('team/app', ['v1'], image.manifest);
  const upstream = await startServer(fake.handler);
  const tokens = await startTokenServer({ upstream: upstream.url, users: { alice: 's3cret' } });
  const registry = await startRelay(tokens.url);
  open.push(upstream, tokens, registry);
  return { registry, tokens };
}

describe('--allow-realm and allowRealm: credentials go to a token realm on another host only when allowed', () => {
  const env = { SHIPSHAPE_USERNAME: 'alice', SHIPSHAPE_PASSWORD: 's3cret' };

  it('image inspect fails with one clear line without it, and reads the image with it', async () => {
    const { registry, tokens } = await registryWithRealmElsewhere();
    const image = `${registry.host}/team/app:v1`;
    const refused = await runCli(['image', 'inspect', image, '--plain-http', '--no-cache', '-q', '-f', 'json'], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `shipshape: error: ${registry.host}: its token realm ${tokens.realm} is on another host (${tokens.host}); refusing to send it the credentials from the command line\n` +
        `  hint: if that host is this registry's token service, allow it: --allow-realm ${tokens.host} (allowRealm of the registry in shipshape.yaml), or log in to it with docker login\n`,
    );
    expect(tokens.tokenRequests).toEqual([]);

    const allowed = await runCli(
      ['image', 'inspect', image, '--plain-http', '--no-cache', '-q', '-f', 'json', '--allow-realm', `http://${tokens.host.toUpperCase()}/token`],
      { env },
    );
    expect([allowed.code, allowed.stderr]).toEqual([0, '']);
    expect(tokens.tokenRequests.map((r) => r.user)).toEqual(['alice']);
  });

  it('refuses an --allow-realm value that is not a host[:port]', async () => {
    const { code, stderr } = await runCli(['image', 'inspect', 'registry.example/app:1', '--allow-realm', 'auth example']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^shipshape: error: --allow-realm "auth example" is not a host\[:port\]\n/);
  });

  it('a registry of shipshape.yaml is read with its allowRealm, and not without it (with the reason)', async () => {
    const { registry, tokens } = await registryWithRealmElsewhere();
    const mapOf = async (allowRealm: string): Promise<LifecycleMap> => {
      const config = path.join(dir, `shipshape-${allowRealm ? 'allowed' : 'refused'}.yaml`);
      const credentials = 'credentialsFrom: { env: { username: REG_USER, password: REG_PASS } }';
      await writeFile(config, `registries:\n  - { name: "${registry.host}/team/app", plainHttp: true, ${credentials}${allowRealm} }\n`);
      const run = await runCli(['map', '--config', config, '-f', 'json', '-q'], {
        env: { REG_USER: 'alice', REG_PASS: 's3cret', SHIPSHAPE_CACHE_DIR: path.join(dir, 'cache') },
      });
      expect(run.code, run.stderr).toBe(0);
      return JSON.parse(run.stdout) as LifecycleMap;
    };
    const refusal = `${registry.host}: its token realm ${tokens.realm} is on another host (${tokens.host}); refusing to send it the credentials`;
    const refused = await mapOf('');
    expect(refused.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'registry.scan', message: expect.stringContaining(`team/app: tags could not be listed: ${refusal}`) }),
    );
    // the access probe asks for anonymous tokens, which may go anywhere: the password never went
    expect(tokens.tokenRequests.filter((r) => r.user !== undefined)).toEqual([]);
    const allowed = await mapOf(`, allowRealm: ["${tokens.host}"]`);
    expect(allowed.diagnostics.map((d) => d.message).join('\n')).not.toContain('refusing to send');
    expect(allowed.nodes.map((node) => node.id)).toContain(`image:${registry.host}/team/app`);
    expect(tokens.tokenRequests.map((r) => r.user)).toContain('alice');
  });
});
