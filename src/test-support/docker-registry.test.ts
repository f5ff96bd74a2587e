import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { registryMissing, startRegistry, type RunningRegistry } from './docker-registry.js';
import { skipWhen } from './skip.js';

/** GET /v2/ with an agent that trusts only `ca` (none: the system's CAs); the status, or the error's code. */
async function v2(registry: RunningRegistry, options: { ca?: string; auth?: string } = {}): Promise<number | string> {
  const dispatcher = new Agent({ connect: options.ca === undefined ? {} : { ca: options.ca } });
  try {
    const headers = options.auth === undefined ? {} : { authorization: `Basic ${Buffer.from(options.auth).toString('base64')}` };
    const response = await request(`${registry.url}/v2/`, { headers, dispatcher });
    await response.body.text();
    return response.statusCode;
  } catch (error) {
    return String((error as { code?: unknown }).code ?? error);
  } finally {
    await dispatcher.close();
  }
}

describe("Debian's docker-registry started by the project", skipWhen(registryMissing({ auth: true, tls: true })), () => {
  let plain: RunningRegistry;
  let basic: RunningRegistry;
  let tls: RunningRegistry;

  beforeAll(async () => {
    [plain, basic, tls] = await Promise.all([startRegistry(), startRegistry({ htpasswd: 'tester:pa:ss' }), startRegistry({ tls: true })]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([plain?.stop(), basic?.stop(), tls?.stop()]);
  });

  it('serves plain HTTP on a loopback port, storage in its own temp dir', async () => {
    expect(plain.url).toBe(`http://${plain.host}`);
    expect(plain.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(plain.caFile).toBeUndefined();
    expect(await v2(plain)).toBe(200);
    expect(new Set([plain.storage, basic.storage, tls.storage]).size).toBe(3);
  });

  it('asks for Basic auth and takes the user and password (the password may hold a colon)', async () => {
    expect(await v2(basic)).toBe(401);
    expect(await v2(basic, { auth: 'tester:wrong' })).toBe(401);
    expect(await v2(basic, { auth: 'tester:pa:ss' })).toBe(200);
  });

  it('serves HTTPS with a self-signed certificate that its CA file makes trusted', async () => {
    expect(tls.url).toBe(`https://${tls.host}`);
    expect(await v2(tls)).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(await v2(tls, { ca: readFileSync(tls.caFile ?? '', 'utf8') })).toBe(200);
  });

  it('stops: the port closes and the storage is removed', async () => {
    const registry = await startRegistry();
    expect(await v2(registry)).toBe(200);
    await registry.stop();
    expect(await v2(registry)).toBe('ECONNREFUSED');
    expect(existsSync(registry.storage)).toBe(false);
  });
});
