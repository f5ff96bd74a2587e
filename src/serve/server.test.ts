import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadShipshapeConfig } from '../lifecycle/config.js';
import { runCli } from '../test-support/cli.js';
import { Agent, fetch as undiciFetch } from 'undici';
import { makeSelfSignedCert, type SelfSignedCert } from '../test-support/docker-registry.js';
import { postgresMissing, startPostgres, type RunningPostgres } from '../test-support/postgres.js';
import { commandMissing, skipWhen } from '../test-support/skip.js';
import { estateWithoutRegistry, startTestServer, type TestServer } from './test-server.js';

const estate = path.resolve('examples/estate');

describe('shipshape serve: API, auth, runs', () => {
  let server: TestServer;
  let configDir: string;
  let configFile: string;
  let read: string;
  let write: string;
  const get = (route: string, token?: string) => fetch(`${server.url}${route}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

  beforeAll(async () => {
    // the example estate without its registry (nothing to start), paths absolute so the CLI and the server read the same files
    configDir = await mkdtemp(path.join(tmpdir(), 'shipshape-serve-config-'));
    configFile = path.join(configDir, 'shipshape.yaml');
    await writeFile(
      configFile,
      `sources: [${JSON.stringify(path.join(estate, 'repos'))}]\nmanifests: [${JSON.stringify(path.join(estate, 'k8s'))}]\nallowedRegistries: [registry.shop.internal]\nserver:\n  webhookSecret: a-webhook-secret-of-some-length\n`,
    );
    server = await startTestServer(await loadShipshapeConfig(configFile));
    read = await server.token('read');
    write = await server.token('write');
  });
  afterAll(async () => {
    await server.close();
    await rm(configDir, { recursive: true, force: true });
  });

  it('answers the probes without a token, and nothing else', async () => {
    expect((await get('/healthz')).status).toBe(200);
    expect(await (await get('/readyz')).json()).toEqual({ status: 'ready' });
    for (const route of ['/api/runs', '/api/posture', '/metrics', '/openapi.json', '/api/findings']) expect((await get(route)).status, route).toBe(401);
  });

  it('refuses a wrong token, a revoked one, and a read token on a write route', async () => {
    expect((await get('/api/runs', 'ss_abcdefgh_' + 'x'.repeat(43))).status).toBe(401);
    expect((await get('/api/runs', 'not-a-token')).status).toBe(401);
    const post = (token: string) => fetch(`${server.url}/api/runs`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    const denied = await post(read);
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({ error: 'this needs a write token' });
    const revoked = await server.token('write');
    const [, id] = /^ss_([a-z0-9]{8})_/.exec(revoked) ?? [];
    expect(await server.store.revokeToken(id ?? '', new Date().toISOString())).toBe(true);
    expect((await post(revoked)).status).toBe(401);
  });

  it('runs the estate on POST /api/runs and serves the same posture document as `shipshape posture -f json`', async () => {
    const started = await fetch(`${server.url}/api/runs`, { method: 'POST', headers: { authorization: `Bearer ${write}` } });
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as { id: string };
    await server.queue.idle();
    const run = (await (await get(`/api/runs/${id}`, read)).json()) as {
      status: string;
      parts: { name: string; status: string }[];
      stats: Record<string, number>;
    };
    expect(run.status).toBe('done');
    expect(run.parts.map((p) => [p.name, p.status])).toEqual([
      ['sources', 'ok'],
      ['manifests', 'ok'],
    ]);
    expect(run.stats.findings).toBeGreaterThan(0);

    const served = (await (await get('/api/posture', read)).json()) as Record<string, unknown> & { run: { id: string } };
    expect(served.run.id).toBe(id);
    const cli = await runCli(['posture', '-f', 'json', '--config', configFile], { cwd: configDir });
    expect(cli.code).toBe(0);
    const local = JSON.parse(cli.stdout) as Record<string, unknown>;
    const timeless = (document: Record<string, unknown>): unknown =>
      JSON.parse(JSON.stringify({ ...document, run: undefined, generatedAt: undefined }).replace(/"(generatedAt|builtAt)":"[^"]*"/g, '"$1":"T"'));
    expect(timeless(served)).toEqual(timeless(local));
  });

  it('lists findings and gaps with filters and pages, and images', async () => {
    const page = (await (await get('/api/findings?limit=2&severity=HIGH,CRITICAL', read)).json()) as {
      items: { severity: string }[];
      next?: string;
      total: number;
    };
    expect(page.items.length).toBeLessThanOrEqual(2);
    expect(page.items.every((f) => f.severity === 'HIGH' || f.severity === 'CRITICAL')).toBe(true);
    if (page.total > 2) {
      const next = (await (await get(`/api/findings?limit=2&severity=HIGH,CRITICAL&cursor=${encodeURIComponent(page.next ?? '')}`, read)).json()) as {
        items: unknown[];
      };
      expect(next.items.length).toBeGreaterThan(0);
    }
    const gaps = (await (await get('/api/gaps', read)).json()) as { items: { kind: string; ruleId: string }[] };
    expect(gaps.items.length).toBeGreaterThan(0);
    expect(gaps.items.every((g) => g.kind === 'gap' && g.ruleId.startsWith('SS-CTL-'))).toBe(true);
    expect((await get('/api/findings?severity=HIGH&phase=nowhere', read)).status).toBe(400);
  });

  it('diffs two runs: nothing opened or resolved when the estate did not change', async () => {
    const { id: second } = (await (await fetch(`${server.url}/api/runs`, { method: 'POST', headers: { authorization: `Bearer ${write}` } })).json()) as {
      id: string;
    };
    await server.queue.idle();
    const runs = (await (await get('/api/runs', read)).json()) as { items: { id: string }[] };
    const first = runs.items.find((r) => r.id !== second)?.id ?? '';
    const diff = (await (await get(`/api/runs/${first}/diff/${second}`, read)).json()) as { opened: unknown[]; resolved: unknown[]; scores: unknown[] };
    expect(diff.opened).toEqual([]);
    expect(diff.resolved).toEqual([]);
    expect(diff.scores.length).toBeGreaterThan(0);
  });

  it('serves its OpenAPI document from the route schemas, and Prometheus metrics', async () => {
    const openapi = (await (await get('/openapi.json', read)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(openapi.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(['/api/runs', '/api/runs/{id}', '/api/posture', '/api/findings', '/api/images', '/hooks/registry']),
    );
    const metrics = await (await get('/metrics', read)).text();
    expect(metrics).toMatch(/^shipshape_runs\{status="done"\} \d+$/m);
    expect(metrics).toMatch(/^shipshape_phase_score\{phase="build"\} \d+/m);
    expect(metrics).toMatch(/^shipshape_open_items\{kind="finding",severity="HIGH",phase="[a-z]+"\} \d+$/m);
    expect(metrics).toMatch(/^shipshape_queue_depth 0$/m);
  });

  it('takes registry notifications only with the webhook secret, and limits what a client sends', async () => {
    const hook = (authorization: string | undefined, body: string) =>
      fetch(`${server.url}/hooks/registry`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body,
      });
    expect((await hook(undefined, '{"events":[]}')).status).toBe(401);
    expect((await hook('Bearer wrong-secret', '{"events":[]}')).status).toBe(401);
    expect((await hook(`Bearer ${write}`, '{"events":[]}')).status).toBe(401);
    const ok = await hook('Bearer a-webhook-secret-of-some-length', '{"events":[{"action":"pull","target":{"repository":"x"}}]}');
    expect(ok.status).toBe(202);
    expect(await ok.json()).toEqual({ runs: [] });
    expect((await hook('Bearer a-webhook-secret-of-some-length', `{"events":[],"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`)).status).toBe(413);
    expect((await hook('Bearer a-webhook-secret-of-some-length', '{not json')).status).toBe(400);
  });
});

describe('shipshape serve on PostgreSQL, over TLS', skipWhen(postgresMissing(), commandMissing('openssl')), () => {
  let postgres: RunningPostgres;
  let server: TestServer;
  let cert: SelfSignedCert;
  beforeAll(async () => {
    postgres = await startPostgres();
    cert = await makeSelfSignedCert();
    server = await startTestServer(await estateWithoutRegistry(), {
      db: await postgres.createDatabase('serve'),
      https: { key: Buffer.from(cert.key), cert: Buffer.from(cert.cert) },
    });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await postgres?.stop();
    await rm(cert.dir, { recursive: true, force: true });
  });

  it('runs the estate with the shared store and answers over HTTPS only', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const dispatcher = new Agent({ connect: { ca: cert.cert } });
    const token = await server.token('read');
    const run = await server.queue.enqueue('manual');
    await server.queue.idle();
    const response = await undiciFetch(`${server.url}/api/runs/${run.id}`, { dispatcher, headers: { authorization: `Bearer ${token}` } });
    expect(((await response.json()) as { status: string }).status).toBe('done');
    expect(server.store.dialect).toBe('postgres');
    // plain HTTP to the TLS port gets no API answer
    await expect(fetch(server.url.replace('https:', 'http:') + '/healthz')).rejects.toThrow();
    await dispatcher.close();
  });
});
