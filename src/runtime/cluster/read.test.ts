// These tests talk to a loopback HTTP server of our own (127.0.0.1, ephemeral port) that replays
// recorded-realistic API server responses from ./testdata; it is NOT a real cluster. No
// kube-apiserver can run here; the fixtures follow the real list/Status response shapes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { collectEstate, readEstateCluster, type ClusterRead } from '../../lifecycle/collect.js';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, NetworkError, NotFoundError, TlsError, UsageError } from '../../core/errors.js';
import { clusterResources, collectionPath } from './kinds.js';
import { readCluster } from './read.js';
import { runCli } from '../../test-support/cli.js';

const testdata = fileURLToPath(new URL('./testdata/', import.meta.url));
const fixture = (name: string): string => readFileSync(join(testdata, name), 'utf8');
const token = 'sst-9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const firstContinue = (JSON.parse(fixture('pods-page1.json')) as { metadata: { continue: string } }).metadata.continue;

interface List {
  kind: string;
  apiVersion: string;
  metadata: Record<string, unknown>;
  items: { metadata: { namespace?: string } }[];
}
const namespaceList = JSON.parse(fixture('namespaces.json')) as List;

/** The recorded pods of namespace `default` only, as one complete page. */
function defaultPods(): string {
  const list = JSON.parse(fixture('pods-page1.json')) as List;
  const items = list.items.filter((item) => item.metadata.namespace === 'default');
  return JSON.stringify({ ...list, metadata: { resourceVersion: '48213' }, items });
}

interface Seen {
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
}

type Route = (query: URLSearchParams) => [number, string];

/** The recorded answers, by path; kinds without a fixture answer an empty list of the right kind. */
function routes(overrides: Record<string, Route> = {}, namespaces: string[] = []): Map<string, Route> {
  const map = new Map<string, Route>();
  for (const resource of clusterResources) {
    const empty = JSON.stringify({ kind: `${resource.kind}List`, apiVersion: resource.apiVersion, metadata: { resourceVersion: '48213' }, items: [] });
    map.set(collectionPath(resource), () => [200, empty]);
    // Like the real API server, a namespaced list in a namespace that does not exist is empty, not 404.
    for (const ns of resource.namespaced ? namespaces : []) map.set(collectionPath(resource, ns), () => [200, empty]);
  }
  map.set('/api/v1/pods', (query) => {
    const next = query.get('continue');
    if (next === null) return [200, fixture('pods-page1.json')];
    if (next === firstContinue) return [200, fixture('pods-page2.json')];
    return [410, JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410 })];
  });
  map.set('/apis/apps/v1/deployments', () => [200, fixture('deployments.json')]);
  map.set('/api/v1/namespaces', () => [200, fixture('namespaces.json')]);
  map.set('/apis/rbac.authorization.k8s.io/v1/clusterroles', () => [403, fixture('clusterroles-forbidden.json')]);
  map.set('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', () => [200, fixture('clusterrolebindings.json')]);
  map.set('/apis/networking.k8s.io/v1/networkpolicies', () => [200, fixture('networkpolicies.json')]);
  map.set('/api/v1/nodes', () => [200, fixture('nodes.json')]);
  for (const [path, route] of Object.entries(overrides)) map.set(path, route);
  // A namespace that is not there: the single GET is a NotFound Status.
  for (const ns of namespaces) {
    if (!map.has(`/api/v1/namespaces/${ns}`)) {
      const message = `namespaces "${ns}" not found`;
      map.set(`/api/v1/namespaces/${ns}`, () => [
        404,
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message,
          reason: 'NotFound',
          details: { name: ns, kind: 'namespaces' },
          code: 404,
        }),
      ]);
    }
  }
  return map;
}

let dir: string;
let server: Server | undefined;
let seen: Seen[] = [];
let unknown: string[] = [];

async function serve(table: Map<string, Route>): Promise<string> {
  seen = [];
  unknown = [];
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    seen.push({ path: url.pathname, query: url.searchParams, authorization: req.headers.authorization });
    const route = table.get(url.pathname);
    if (route === undefined) {
      unknown.push(url.pathname);
      console.log(`loopback API server: unknown path ${req.url ?? ''}`);
    }
    const [status, body] = route?.(url.searchParams) ?? [
      404,
      JSON.stringify({
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        message: 'the server could not find the requested resource',
        reason: 'NotFound',
        code: 404,
      }),
    ];
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A kubeconfig with a bearer-token user; plain HTTP needs insecure-skip-tls-verify in client-node. */
function writeKubeconfig(serverUrl: string, tlsLines: string[] = ['    insecure-skip-tls-verify: true']): string {
  const path = join(dir, 'config');
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: test',
      'clusters:',
      '- name: loopback',
      '  cluster:',
      `    server: ${serverUrl}`,
      ...tlsLines,
      'users:',
      '- name: scanner',
      '  user:',
      `    token: ${token}`,
      'contexts:',
      '- name: test',
      '  context: {cluster: loopback, user: scanner}',
      '',
    ].join('\n'),
  );
  return path;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'shipshape-cluster-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = undefined;
});

describe('readCluster against a loopback server with recorded responses', () => {
  it('reads every kind with kind and apiVersion set, following pagination', async () => {
    const kubeconfig = writeKubeconfig(await serve(routes()));
    const result = await readCluster({ kubeconfig });
    expect(unknown).toEqual([]);
    expect(seen.every((s) => s.authorization === `Bearer ${token}`)).toBe(true);

    const pods = result.objects.filter((o) => o.kind === 'Pod');
    expect(pods.map((p) => `${p.namespace}/${p.name}`)).toEqual([
      'default/web-6d4cf56db6-x7r2q',
      'kube-system/coredns-5d78c9869d-q8x7m',
      'kube-system/kube-proxy-7xq9d',
    ]);
    const podRequests = seen.filter((s) => s.path === '/api/v1/pods');
    expect(podRequests.map((s) => s.query.get('continue'))).toEqual([null, firstContinue]);
    expect(podRequests.every((s) => s.query.get('limit') === '500')).toBe(true);

    const pod = pods[0];
    expect(pod?.raw['apiVersion']).toBe('v1');
    expect(pod?.raw['kind']).toBe('Pod');
    expect(pod?.file).toBe('cluster:test');
    expect(pod?.line).toBe(0);
    expect(pod?.lineOf(['spec', 'containers', 0, 'image'])).toBe(0);
    expect(pod?.raw['metadata']).not.toHaveProperty('managedFields');
    expect(pod?.raw['spec']).toMatchObject({ containers: [{ securityContext: { privileged: true } }] });

    const kinds = new Set(result.objects.map((o) => `${o.apiVersion} ${o.kind}`));
    expect(kinds).toEqual(
      new Set(['v1 Namespace', 'v1 Pod', 'apps/v1 Deployment', 'rbac.authorization.k8s.io/v1 ClusterRoleBinding', 'networking.k8s.io/v1 NetworkPolicy']),
    );
    expect(result.source).toBe('cluster:test');
  });

  it("is plain data a fleet's cluster job can file: the estate read from it is the estate read live", async () => {
    const kubeconfig = writeKubeconfig(await serve(routes()));
    const config = { sources: [], manifests: [], registryReports: [], cluster: { kubeconfig, inPod: false }, gitlab: undefined };
    const live = await collectEstate(config);
    const filed = JSON.parse(JSON.stringify(await readEstateCluster(config.cluster))) as ClusterRead;
    const fromJob = await collectEstate(config, {}, { cluster: filed });
    const plain = (evidence: typeof live): unknown => JSON.parse(JSON.stringify({ ...evidence, dockerfileTexts: undefined }));
    expect(plain(fromJob)).toEqual(plain(live));
    expect(fromJob.run?.objects.length).toBeGreaterThan(0);
  });

  it('turns a 403 on ClusterRoles into a diagnostic and loads the rest', async () => {
    const kubeconfig = writeKubeconfig(await serve(routes()));
    const result = await readCluster({ kubeconfig });
    const forbidden = result.diagnostics.filter((d) => d.code === 'cluster.forbidden');
    expect(forbidden).toHaveLength(1);
    // the admin-binding check reads ClusterRoles: not seeing them is not a pass
    expect(forbidden[0]?.level).toBe('error');
    expect(forbidden[0]?.message).toContain('clusterroles');
    expect(forbidden[0]?.message).toContain('system:serviceaccount:shipshape:scanner');
    expect(forbidden[0]?.where).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/apis\/rbac\.authorization\.k8s\.io\/v1\/clusterroles$/);
    expect(result.objects.some((o) => o.kind === 'ClusterRoleBinding')).toBe(true);
    expect(result.diagnostics.map((d) => d.code)).toContain('cluster.insecure-transport');
    expect(JSON.stringify(result.diagnostics)).not.toContain(token);
  });

  it('parses nodes, AWS providerID included', async () => {
    const kubeconfig = writeKubeconfig(await serve(routes()));
    const { nodes } = await readCluster({ kubeconfig });
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toMatchObject({
      name: 'ip-10-0-1-23.ec2.internal',
      osImage: 'Amazon Linux 2',
      kernelVersion: '5.10.213-201.855.amzn2.x86_64',
      containerRuntimeVersion: 'containerd://1.7.11',
      kubeletVersion: 'v1.29.0-eks-5e0fdde',
      architecture: 'amd64',
      operatingSystem: 'linux',
      providerId: 'aws:///us-east-1a/i-0abc1234def567890',
      cloud: { provider: 'aws', zone: 'us-east-1a', instanceId: 'i-0abc1234def567890' },
      instanceType: 'm5.large',
      region: 'us-east-1',
      zone: 'us-east-1a',
    });
  });

  it('reads only the selected namespaces, and reports one that does not exist', async () => {
    const kubeconfig = writeKubeconfig(
      await serve(
        routes(
          {
            '/api/v1/namespaces/default/pods': () => [200, defaultPods()],
            '/api/v1/namespaces/default': () => [200, JSON.stringify(namespaceList.items[0])],
          },
          ['default', 'gone'],
        ),
      ),
    );
    const result = await readCluster({ kubeconfig, namespaces: ['default', 'gone'] });
    expect(unknown).toEqual([]);
    const paths = new Set(seen.map((s) => s.path));
    expect(paths.has('/api/v1/pods')).toBe(false);
    expect(paths.has('/api/v1/namespaces/gone/pods')).toBe(true);
    expect(paths.has('/apis/apps/v1/namespaces/default/deployments')).toBe(true);
    expect(result.objects.filter((o) => o.kind === 'Namespace').map((o) => o.name)).toEqual(['default']);
    expect(result.objects.filter((o) => o.kind === 'Pod').map((o) => o.name)).toEqual(['web-6d4cf56db6-x7r2q']);
    const notFound = result.diagnostics.filter((d) => d.code === 'cluster.namespace-not-found');
    expect(notFound).toHaveLength(1);
    expect(notFound[0]?.message).toContain('namespaces "gone" not found');
    await expect(readCluster({ kubeconfig, namespaces: ['../etc'] })).rejects.toBeInstanceOf(UsageError);
  });

  it('fails with an AuthError naming the server, never the token, on 401', async () => {
    const url = await serve(routes({ '/api/v1/pods': () => [401, fixture('unauthorized.json')] }));
    const error: unknown = await readCluster({ kubeconfig: writeKubeconfig(url) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(String(error)).toContain(url);
    expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain(token);
  });

  it('fails with a NetworkError naming the server when the connection is refused', async () => {
    const url = await serve(routes());
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    const error: unknown = await readCluster({ kubeconfig: writeKubeconfig(url) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).message).toContain(url);
    expect((error as NetworkError).message).toContain('ECONNREFUSED');
    expect(`${String(error)} ${(error as NetworkError).hint ?? ''}`).not.toContain(token);
  });

  it('fails with a TlsError when the server does not speak TLS to an https:// kubeconfig', async () => {
    const url = (await serve(routes())).replace('http:', 'https:');
    const error: unknown = await readCluster({ kubeconfig: writeKubeconfig(url, []) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsError);
    expect((error as TlsError).message).toContain(url);
    expect((error as TlsError).message).toMatch(/TLS failed: .*(wrong version number|packet length|SSL)/i);
    expect(String(error)).not.toContain(token);
  });

  it('keeps what it read when a continue token has expired (410)', async () => {
    const kubeconfig = writeKubeconfig(
      await serve(routes({ '/api/v1/pods': (query) => (query.get('continue') === null ? [200, fixture('pods-page1.json')] : [410, fixture('expired.json')]) })),
    );
    const result = await readCluster({ kubeconfig });
    expect(result.objects.filter((o) => o.kind === 'Pod')).toHaveLength(2);
    expect(result.diagnostics.find((d) => d.code === 'cluster.list-expired')?.message).toContain('continue parameter is too old');
  });

  it('rejects an unparsable kubeconfig without quoting it', async () => {
    const path = join(dir, 'broken');
    writeFileSync(path, `users:\n- name: x\n  user: {token: ${token}\n`);
    const error: unknown = await readCluster({ kubeconfig: path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(String(error)).not.toContain(token);
    expect((error as UsageError).cause).toBeUndefined();
  });

  it('rejects unknown contexts and missing kubeconfigs with typed errors', async () => {
    const kubeconfig = writeKubeconfig('http://127.0.0.1:1');
    await expect(readCluster({ kubeconfig, context: 'prod' })).rejects.toBeInstanceOf(UsageError);
    await expect(readCluster({ kubeconfig: join(dir, 'missing') })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('honours an aborted signal', async () => {
    const kubeconfig = writeKubeconfig(await serve(routes()));
    const controller = new AbortController();
    controller.abort();
    await expect(readCluster({ kubeconfig, signal: controller.signal })).rejects.toMatchObject({ code: 'E_ABORTED' });
  });
});

const emptyList =
  (kind: string, apiVersion: string): Route =>
  () => [200, JSON.stringify({ kind, apiVersion, metadata: { resourceVersion: '48213' }, items: [] })];
const forbiddenStatus =
  (what: string): Route =>
  () => [
    403,
    JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      message: `${what} is forbidden: User "system:serviceaccount:shipshape:scanner" cannot list resource`,
      reason: 'Forbidden',
      code: 403,
    }),
  ];
const readableClusterRoles = { '/apis/rbac.authorization.k8s.io/v1/clusterroles': emptyList('ClusterRoleList', 'rbac.authorization.k8s.io/v1') };

describe('shipshape k8s check --cluster (against the same loopback server)', () => {
  it('checks the live objects and lists the nodes, workloads located by namespace/kind/name', async () => {
    const kubeconfig = writeKubeconfig(await serve(routes(readableClusterRoles)));
    const { code, stdout, stderr } = await runCli(['k8s', 'check', '--cluster', '--kubeconfig', kubeconfig, '-f', 'json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { results: { file: string; kind: string; namespace: string; name: string }[]; nodes: { provider?: string }[] };
    expect(report.results.length).toBeGreaterThan(0);
    expect(report.results.every((r) => r.file.startsWith('cluster:'))).toBe(true);
    expect(report.results.map((r) => `${r.kind}/${r.namespace}/${r.name}`)).toContain('Pod/default/web-6d4cf56db6-x7r2q');
    expect(report.nodes).toHaveLength(1);
    expect(stdout).not.toContain(token);
  });
  it('fails closed, naming the kind, when a kind a check reads could not be listed, whatever --exit-code says', async () => {
    const cases: [string, Route][] = [
      ['/apis/rbac.authorization.k8s.io/v1/clusterroles', forbiddenStatus('clusterroles.rbac.authorization.k8s.io')],
      [
        '/apis/apps/v1/deployments',
        () => [500, JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'etcdserver: request timed out', code: 500 })],
      ],
      ['/apis/networking.k8s.io/v1/networkpolicies', () => [200, 'not json']],
      ['/api/v1/pods', (query) => (query.get('continue') === null ? [200, fixture('pods-page1.json')] : [410, fixture('expired.json')])],
    ];
    for (const [path, route] of cases) {
      const kubeconfig = writeKubeconfig(await serve(routes({ ...readableClusterRoles, [path]: route })));
      for (const exitCode of ['0', '1']) {
        const { code, stdout, stderr } = await runCli(['k8s', 'check', '--cluster', '--kubeconfig', kubeconfig, '-f', 'json', '--exit-code', exitCode]);
        expect(code, path).toBe(2);
        expect(stderr, path).toContain(`shipshape: error: http://127.0.0.1:`);
        expect(stderr, path).toContain(path);
        const plural = path.split('/').at(-1) ?? '';
        expect(stderr, path).toMatch(new RegExp(`${plural} \\(`));
        expect((JSON.parse(stdout) as { results: unknown[] }).results.length, path).toBeGreaterThan(0);
      }
      await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
      server = undefined;
    }
  });

  it('passes without the nodes (no workload check reads them) and says nothing on stderr', async () => {
    const kubeconfig = writeKubeconfig(await serve(routes({ ...readableClusterRoles, '/api/v1/nodes': forbiddenStatus('nodes') })));
    const { code, stdout, stderr } = await runCli(['k8s', 'check', '--cluster', '--kubeconfig', kubeconfig, '-f', 'json']);
    expect([code, stderr]).toEqual([0, '']);
    const report = JSON.parse(stdout) as { nodes: unknown[]; diagnostics: { level: string; code: string }[] };
    expect(report.nodes).toEqual([]);
    expect(report.diagnostics.filter((d) => d.code === 'cluster.forbidden').map((d) => d.level)).toEqual(['warning']);
  });
});
