import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLimits } from '../core/limits.js';
import { sha256, writeDockerContainer, writeHostFile } from '../host/engines/docker/test-docker-layout.js';
import { scanHost } from '../host/scan.js';
import type { LifecycleMap } from '../lifecycle/model.js';
import { hostScanJson } from '../report/host-scan.js';
import type { HostSummary, Page, RunRecord } from '../store/model.js';
import { postgresMissing, startPostgres, type RunningPostgres } from '../test-support/postgres.js';
import { skipWhen } from '../test-support/skip.js';
import { estateWithoutRegistry, startTestServer, type TestServer } from './test-server.js';

/** What `host scan -f json` (and `--report-to`) sends for a Debian host with Docker 27 running a privileged container (`web`) that dropped a file. */
async function scannedHost(dir: string, hostname: string, container = 'web'): Promise<string> {
  const root = path.join(dir, hostname);
  writeHostFile(root, '/etc/os-release', 'ID=debian\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n');
  writeHostFile(root, '/etc/hostname', `${hostname}\n`);
  writeHostFile(root, '/proc/sys/kernel/osrelease', '6.1.0-28-amd64\n');
  writeHostFile(
    root,
    '/var/lib/dpkg/status',
    'Package: docker-ce\nStatus: install ok installed\nVersion: 5:27.3.1-1~debian.12~bookworm\nArchitecture: amd64\n\n',
  );
  writeHostFile(
    root,
    '/etc/docker/daemon.json',
    JSON.stringify({ icc: false, 'live-restore': true, 'no-new-privileges': true, 'userland-proxy': false, 'userns-remap': 'default' }),
  );
  writeDockerContainer(root, {
    id: sha256(`${container} on ${hostname}`),
    name: container,
    image: 'nginx:1.27',
    privileged: true,
    layers: [{ files: { 'etc/os-release': 'ID=debian\n', 'bin/sh': 'sh' } }],
    upperFiles: { 'tmp/dropper': 'x' },
  });
  return hostScanJson(await scanHost({ root, limits: defaultLimits }));
}

/** A node of the example estate's cluster (k8s/nodes.yaml): a DaemonSet's pod sends its report under this name. */
const clusterNode = 'ip-10-20-1-17.eu-west-1.compute.internal';

interface Control {
  control: { id: string };
  status: string;
  evidence: { text: string; where?: string; nodes: string[]; ok: boolean }[];
}

/** Each host control's evidence of the latest run, as `ok text` lines, with the map nodes they mark. */
async function hostEvidence(server: TestServer, token: string): Promise<Record<string, { line: string; nodes: string[] }[]>> {
  const response = await fetch(`${server.url}/api/controls`, { headers: { authorization: `Bearer ${token}` } });
  const { controls } = (await response.json()) as { controls: Control[] };
  return Object.fromEntries(
    controls
      .filter((c) => ['SS-CTL-H06', 'SS-CTL-H07', 'SS-CTL-H08'].includes(c.control.id))
      .map((c) => [c.control.id, c.evidence.map((e) => ({ line: `${e.ok ? 'ok' : 'not ok'} ${e.text}`, nodes: e.nodes }))]),
  );
}

/** What a report judged about `host`: the same on each host control (its configuration passes, no drift, a privileged container). */
function judged(host: string): Record<string, { line: string; nodes: string[] }> {
  const nodes = [`node:${host}`];
  return {
    'SS-CTL-H06': { line: `ok host ${host}: 2 engine configuration files and sockets pass every SS-HOST rule`, nodes },
    'SS-CTL-H07': { line: `ok host ${host}: none of its 1 containers changed code, packages, secrets or /etc at run time`, nodes },
    'SS-CTL-H08': { line: `not ok host ${host}: container web: runs privileged`, nodes },
  };
}

describe('shipshape serve: hosts reports', () => {
  let server: TestServer;
  let dir: string;
  let read: string;
  let write: string;
  let report: string;
  const send = (route: string, init: { method?: string; token?: string; body?: string; type?: string } = {}) =>
    fetch(`${server.url}${route}`, {
      method: init.method ?? 'POST',
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.body !== undefined ? { 'content-type': init.type ?? 'application/json' } : {}),
      },
      ...(init.body !== undefined ? { body: init.body } : {}),
    });
  const errorOf = async (response: Response): Promise<[number, string]> => [response.status, ((await response.json()) as { error: string }).error];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shipshape-hosts-'));
    report = await scannedHost(dir, 'worker-7');
    server = await startTestServer(await estateWithoutRegistry());
    read = await server.token('read');
    write = await server.token('write');
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('takes a report only with a write token', async () => {
    expect((await send('/api/hosts', { body: report })).status).toBe(401);
    expect(await errorOf(await send('/api/hosts', { token: read, body: report }))).toEqual([403, 'this needs a write token']);
    expect((await send('/api/hosts', { method: 'GET' })).status).toBe(401);
    expect((await send('/api/hosts/worker-7', { method: 'DELETE', token: read })).status).toBe(403);
    expect((await send('/api/hosts', { method: 'GET', token: read })).status).toBe(200);
  });

  it('refuses what is not a host report, and a host it cannot name, in words', async () => {
    const document = JSON.parse(report) as { schema: string; host: Record<string, unknown> };
    const refused = async (body: string, query = '', type?: string): Promise<[number, string]> =>
      errorOf(await send(`/api/hosts${query}`, { token: write, body, ...(type ? { type } : {}) }));
    expect(await refused('{not json')).toEqual([400, expect.stringMatching(/^the request body is not JSON: /)]);
    expect(await refused(JSON.stringify({ ...document, schema: 'shipshape/registry-scan@1' }))).toEqual([
      400,
      expect.stringMatching(/^the request body is not a host scan report: schema: /),
    ]);
    expect(await refused(JSON.stringify({ schema: 'shipshape/host-scan@1' }))).toEqual([400, expect.stringMatching(/not a host scan report: host: /)]);
    expect((await refused(report, '', 'text/plain'))[0]).toBe(415);
    expect((await refused(report, '?name=a%20b'))[0]).toBe(400);
    expect((await refused(report, `?name=${'n'.repeat(254)}`))[0]).toBe(400);
    expect((await refused(report, '?name=..%2Fetc'))[0]).toBe(400);
    const nameless = JSON.stringify({ ...document, host: { ...document.host, hostname: undefined } });
    expect(await refused(nameless)).toEqual([400, 'the report names no host (host.hostname) and no ?name= was given']);
    const spaced = JSON.stringify({ ...document, host: { ...document.host, hostname: 'my laptop' } });
    expect(await refused(spaced)).toEqual([400, expect.stringMatching(/^the report's host name "my laptop" cannot name a host here: give \?name=/)]);
    // none of them was kept
    expect(((await (await send('/api/hosts', { method: 'GET', token: read })).json()) as Page<HostSummary>).total).toBe(0);
  });

  it('keeps a report under the name it is sent with, lists it, gives it back as received, and forgets it', async () => {
    const accepted = await send('/api/hosts?name=node-1', { token: write, body: report });
    expect(accepted.status).toBe(202);
    const body = (await accepted.json()) as { host: string; containers: number; findings: Record<string, number>; unknown: number; run: string };
    expect(body).toMatchObject({ host: 'node-1', containers: 1, unknown: 0 });
    expect(body.findings.HIGH).toBeGreaterThan(0);
    // larger than the server's other bodies (1 MiB): this route takes reports up to the store's largest document
    const padded = JSON.stringify({ ...(JSON.parse(report) as object), padding: 'x'.repeat(2 * 1024 * 1024) });
    expect((await send('/api/hosts?name=node-2', { token: write, body: padded })).status).toBe(202);
    // the report's own host name, when no name is given; and more reports than are parsed at once, one after another
    for (let i = 0; i < 3; i++) expect((await send('/api/hosts', { token: write, body: report })).status).toBe(202);

    const list = (await (await send('/api/hosts?limit=2', { method: 'GET', token: read })).json()) as Page<HostSummary>;
    expect(list.total).toBe(3);
    expect(list.items.map((host) => host.name)).toEqual(['node-1', 'node-2']);
    expect(list.items[0]).toEqual({
      name: 'node-1',
      receivedAt: expect.any(String),
      os: 'Debian GNU/Linux 12 (bookworm)',
      kernel: '6.1.0-28-amd64',
      engines: [{ kind: 'docker', version: '27.3.1', containers: 1 }],
      containers: 1,
      findings: body.findings,
      unknown: 0,
    });
    const next = (await (await send(`/api/hosts?limit=2&cursor=${list.next ?? ''}`, { method: 'GET', token: read })).json()) as Page<HostSummary>;
    expect(next.items.map((host) => host.name)).toEqual(['worker-7']);

    const got = await send('/api/hosts/node-1', { method: 'GET', token: read });
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual(JSON.parse(report));
    expect(new Date(got.headers.get('last-modified') ?? '').getTime()).toBe(Math.floor(Date.parse(list.items[0]?.receivedAt ?? '') / 1000) * 1000);
    expect(await errorOf(await send('/api/hosts/node-9', { method: 'GET', token: read }))).toEqual([404, 'no report of this host']);
    expect((await send('/api/hosts/a%20b', { method: 'GET', token: read })).status).toBe(400);

    expect((await send('/api/hosts/node-2', { method: 'DELETE', token: write })).status).toBe(204);
    expect(await errorOf(await send('/api/hosts/node-2', { method: 'DELETE', token: write }))).toEqual([404, 'no report of this host']);
    expect((await server.store.hostReports()).map((stored) => stored.name)).toEqual(['node-1', 'worker-7']);
  });

  it('assesses the hosts in the run a report queues: each host judged by the host controls under the name it was sent with, on the map as its cluster node', async () => {
    expect((await send(`/api/hosts?name=${clusterNode}`, { token: write, body: report })).status).toBe(202);
    await server.queue.idle();
    const runs = (await (await send('/api/runs', { method: 'GET', token: read })).json()) as Page<RunRecord>;
    const hostRuns = runs.items.filter((run) => run.trigger === 'host');
    expect(hostRuns.length).toBeGreaterThan(0);
    expect(hostRuns.map((run) => run.status)).toEqual(hostRuns.map(() => 'done'));
    expect(hostRuns[0]?.stats.hosts).toBe(3);

    const evidence = await hostEvidence(server, read);
    for (const id of ['SS-CTL-H06', 'SS-CTL-H07', 'SS-CTL-H08']) {
      const lines = evidence[id] ?? [];
      for (const host of [clusterNode, 'node-1', 'worker-7']) expect(lines, `${id} ${host}`).toContainEqual(judged(host)[id]);
      // the cluster's nodes that sent nothing are unknown; the one that did is no longer among them
      expect(
        lines.filter((e) => e.line.endsWith('was not scanned (run `shipshape host scan` on it, e.g. as the DaemonSet)')).map((e) => e.nodes),
        id,
      ).toEqual([['node:ip-10-20-2-41.eu-west-1.compute.internal'], ['node:ip-10-20-3-88.eu-west-1.compute.internal']]);
    }

    const { map } = (await (await send('/api/map', { method: 'GET', token: read })).json()) as { map: LifecycleMap };
    const ids = map.nodes.map((node) => node.id);
    expect(ids.filter((id) => id === `node:${clusterNode}`)).toHaveLength(1);
    expect(ids).toEqual(
      expect.arrayContaining(['node:node-1', 'node:worker-7', `container:${clusterNode}/web`, 'container:node-1/web', 'container:worker-7/web']),
    );
    expect(ids).not.toContain('node:node-2');
  });

  it('a run started by hand assesses the hosts kept; a host forgotten is gone from the next run', async () => {
    expect((await send('/api/hosts/worker-7', { method: 'DELETE', token: write })).status).toBe(204);
    const { id } = (await (await send('/api/runs', { token: write })).json()) as { id: string };
    await server.queue.idle();
    const run = (await (await send(`/api/runs/${id}`, { method: 'GET', token: read })).json()) as RunRecord;
    expect([run.status, run.trigger, run.stats.hosts]).toEqual(['done', 'manual', 2]);
    const { map } = (await (await send('/api/map', { method: 'GET', token: read })).json()) as { map: LifecycleMap };
    const ids = map.nodes.map((node) => node.id);
    expect(ids).toContain('node:node-1');
    expect(ids).not.toContain('node:worker-7');
    expect((await hostEvidence(server, read))['SS-CTL-H08']?.map((e) => e.line).filter((line) => line.includes('worker-7'))).toEqual([]);
  });

  it('documents the routes in OpenAPI, tagged hosts', async () => {
    const openapi = (await (await send('/openapi.json', { method: 'GET', token: read })).json()) as {
      paths: Record<string, Record<string, { tags?: string[]; summary?: string }>>;
    };
    expect(Object.keys(openapi.paths['/api/hosts'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(openapi.paths['/api/hosts/{name}'] ?? {}).sort()).toEqual(['delete', 'get']);
    for (const operation of [...Object.values(openapi.paths['/api/hosts'] ?? {}), ...Object.values(openapi.paths['/api/hosts/{name}'] ?? {})]) {
      expect(operation.tags).toEqual(['hosts']);
      expect(operation.summary).toBeTruthy();
    }
  });
});

describe("shipshape serve: the config's hostReports files", () => {
  it("assesses the config's report files with the reports received, a received one replacing a file's of the same host", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'shipshape-hosts-'));
    const file = path.join(dir, 'file-host.json');
    await writeFile(file, await scannedHost(dir, 'file-host'));
    const server = await startTestServer({ ...(await estateWithoutRegistry()), hostReports: [file] });
    try {
      const write = await server.token('write');
      const hostsOfRun = async (): Promise<[number | undefined, string[]]> => {
        await server.queue.idle();
        const done = (await server.store.listRuns({ limit: 1 })).items[0];
        const found = await server.store.getDocument(done?.id);
        const nodes = (found?.document as { map: LifecycleMap }).map.nodes
          .map((node) => node.id)
          .filter((id) => /^(node|container):(file|sent)-host\b/.test(id));
        return [done?.stats.hosts, nodes.sort()];
      };
      await server.queue.enqueue('manual');
      expect(await hostsOfRun()).toEqual([1, ['container:file-host/web', 'node:file-host']]);
      const post = (name: string, body: string) =>
        fetch(`${server.url}/api/hosts?name=${name}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${write}`, 'content-type': 'application/json' },
          body,
        });
      expect((await post('file-host', await scannedHost(dir, 'elsewhere', 'api'))).status).toBe(202);
      expect(await hostsOfRun()).toEqual([1, ['container:file-host/api', 'node:file-host']]);
      expect((await post('sent-host', await scannedHost(dir, 'sent'))).status).toBe(202);
      expect(await hostsOfRun()).toEqual([2, ['container:file-host/api', 'container:sent-host/web', 'node:file-host', 'node:sent-host']]);
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('shipshape serve on PostgreSQL: hosts reports', skipWhen(postgresMissing()), () => {
  let postgres: RunningPostgres;
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shipshape-hosts-'));
    postgres = await startPostgres();
    server = await startTestServer(await estateWithoutRegistry(), { db: await postgres.createDatabase('hosts') });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await postgres?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps a report and assesses it in the run it queues', async () => {
    const write = await server.token('write');
    const response = await fetch(`${server.url}/api/hosts?name=${clusterNode}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${write}`, 'content-type': 'application/json' },
      body: await scannedHost(dir, 'pg-host'),
    });
    expect(response.status).toBe(202);
    await server.queue.idle();
    const evidence = await hostEvidence(server, write);
    for (const id of ['SS-CTL-H06', 'SS-CTL-H07', 'SS-CTL-H08']) expect(evidence[id], id).toContainEqual(judged(clusterNode)[id]);
    expect((await server.store.hostReports()).map((stored) => [stored.name, stored.report.host.hostname])).toEqual([[clusterNode, 'pg-host']]);
  });
});
