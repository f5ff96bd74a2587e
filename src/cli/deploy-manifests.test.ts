import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { sha256, writeDockerContainer, writeHostFile } from '../host/engines/docker/test-docker-layout.js';
import { parseShipshapeConfig } from '../lifecycle/config.js';
import type { PodSecurityResult } from '../runtime/pod-security.js';
import type { RuleFinding } from '../rules/rule.js';
import { estateWithoutRegistry, startTestServer } from '../serve/test-server.js';
import { runCli } from '../test-support/cli.js';

/**
 * The Kustomize base of `deploy/` (server, workers, Redis, PostgreSQL, the host scanner) as Shipshape
 * itself judges it: every workload of the `shipshape` namespace admitted at the restricted Pod
 * Security Standard, the host scanner (namespace `shipshape-host`, privileged) taking no more than
 * reading the node needs, no workload rule finding above LOW but the scanner's host path, and
 * nothing applied that `k8s check` did not see.
 */

const deploy = fileURLToPath(new URL('../../deploy/kustomize/', import.meta.url));
const base = path.join(deploy, 'base');

/** LOW findings the base keeps on purpose: its images are tags, to be pinned by digest in an overlay (README). */
const acceptedLow = new Set(['SS-K8S-001', 'SS-K8S-014']);

/** The host scanner: the one workload outside `shipshape`, in the one file that holds all it needs. */
const scannerFile = 'host-scanner.yaml';
const scanner = 'DaemonSet/shipshape-host-scanner';
/**
 * The scanner's own findings, kept on purpose: it mounts the node's / (read-only: reading the host is
 * its work), and it has no probe (it serves nothing; its loop reports a failed scan and tries again).
 */
const acceptedForScanner = new Set(['SS-K8S-009', 'SS-K8S-008']);

interface Report {
  results: PodSecurityResult[];
  findings: RuleFinding[];
  summary: { objects: number; allowed: number; denied: number };
  diagnostics: unknown[];
}

type Json = Record<string, unknown>;

function yamlFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** The documents of a file, parsed strictly (unique keys; any error or warning fails). */
function documentsOf(file: string): Json[] {
  return parseAllDocuments(readFileSync(file, 'utf8'), { uniqueKeys: true, prettyErrors: true }).map((document) => {
    expect([...document.errors, ...document.warnings].map((problem) => `${file}: ${problem.message}`)).toEqual([]);
    return document.toJS({ maxAliasCount: 0 }) as Json;
  });
}

const baseObjects = yamlFiles(base)
  .filter((file) => path.basename(file) !== 'kustomization.yaml')
  .flatMap(documentsOf);

async function check(args: string[]): Promise<Report> {
  const { code, stdout, stderr } = await runCli(['k8s', 'check', base, '-f', 'json', '-q', ...args]);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(stdout) as Report;
}

/** The pod templates of the base's workloads, with their kind/name, namespace and labels. */
function podSpecs(): { name: string; namespace: string; labels: Json; spec: Json }[] {
  return baseObjects.flatMap((object) => {
    const template = (object.spec as Json | undefined)?.template as Json | undefined;
    const spec = template?.spec as Json | undefined;
    const metadata = object.metadata as Json;
    const labels = (template?.metadata as Json | undefined)?.labels as Json;
    return spec === undefined ? [] : [{ name: `${String(object.kind)}/${String(metadata.name)}`, namespace: String(metadata.namespace), labels, spec }];
  });
}

/** The base's objects of a kind by `namespace/name` (a pod uses its own namespace's only). */
function byName(kind: string): Map<string, Json> {
  return new Map(baseObjects.filter((o) => o.kind === kind).map((o) => [`${String((o.metadata as Json).namespace)}/${String((o.metadata as Json).name)}`, o]));
}

/** Whether a `matchLabels` selector picks these labels. */
const selects = (selector: Json | undefined, labels: Json | undefined): boolean =>
  Object.entries((selector?.matchLabels ?? {}) as Json).every(([key, value]) => labels?.[key] === value);

/** The host scanner's pod and its one container. */
function scannerPod(): { namespace: string; labels: Json; spec: Json; container: Json } {
  const pod = podSpecs().find((p) => p.name === scanner);
  const container = (pod?.spec.containers as Json[] | undefined)?.[0];
  if (pod === undefined || container === undefined) throw new Error(`${scanner} is not in the base`);
  return { ...pod, container };
}

/** The value after `flag` in `args`. */
const flagValue = (args: string[], flag: string): string | undefined => args[args.indexOf(flag) + 1];

describe('deploy/kustomize', () => {
  it('parses: every YAML file, with unique keys and no aliases', () => {
    const files = yamlFiles(deploy);
    expect(files.length).toBeGreaterThan(8);
    for (const file of files) documentsOf(file);
  });

  it("the base's kustomization lists exactly the files of its folder, and only resources", () => {
    const [kustomization] = documentsOf(path.join(base, 'kustomization.yaml'));
    // namespace:, labels:, patches… would change what is applied without `k8s check` seeing it
    expect(Object.keys(kustomization ?? {}).sort()).toEqual(['apiVersion', 'kind', 'resources']);
    const inFolder = readdirSync(base)
      .filter((name) => name !== 'kustomization.yaml')
      .sort();
    expect([...(kustomization?.resources as string[])].sort()).toEqual(inFolder);
  });

  it('has no CronJob anywhere: the server schedules', () => {
    for (const file of yamlFiles(deploy)) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/kind:\s*["']?CronJob/);
      for (const object of documentsOf(file)) expect(object?.kind, file).not.toBe('CronJob');
    }
  });

  it('every namespaced object is in the shipshape namespace, which enforces restricted; only the host scanner is in shipshape-host, privileged', () => {
    const namespaces = byName('Namespace');
    expect([...namespaces.keys()].sort()).toEqual(['undefined/shipshape', 'undefined/shipshape-host']);
    expect((namespaces.get('undefined/shipshape')?.metadata as Json).labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
    expect((namespaces.get('undefined/shipshape-host')?.metadata as Json).labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'privileged',
      'pod-security.kubernetes.io/audit': 'baseline',
    });
    const scannerObjects = documentsOf(path.join(base, scannerFile)).map((o) => `${String(o.kind)}/${String((o.metadata as Json).name)}`);
    for (const object of baseObjects) {
      if (object.kind === 'Namespace') continue;
      const metadata = object.metadata as Json;
      const where = `${String(object.kind)}/${String(metadata.name)}`;
      expect(['shipshape', 'shipshape-host'], where).toContain(metadata.namespace);
      if (metadata.namespace === 'shipshape-host') expect(scannerObjects, where).toContain(where);
    }
    expect(
      podSpecs()
        .filter((p) => p.namespace !== 'shipshape')
        .map((p) => p.name),
    ).toEqual([scanner]);
  });

  it('shipshape k8s check --level restricted: every workload allowed but the host scanner, no finding above LOW but its host path', async () => {
    const report = await check(['--level', 'restricted']);
    expect(report.diagnostics).toEqual([]);
    expect(report.results.map((r) => `${r.kind}/${r.name}`).sort()).toEqual([
      scanner,
      'Deployment/shipshape-server',
      'Deployment/shipshape-worker',
      'StatefulSet/postgres',
      'StatefulSet/redis',
    ]);
    const denied = report.results.filter((r) => !r.allowed).map((r) => `${r.kind}/${r.name}: ${r.violations.map((v) => v.check).join(', ')}`);
    // the node's / (a hostPath), root, and DAC_READ_SEARCH: what reading the host takes
    expect(denied, 'denied at restricted').toEqual([`${scanner}: restrictedVolumes, runAsNonRoot, runAsUser, capabilities_restricted`]);
    const unexpected = report.findings
      .filter((f) => !(f.severity === 'LOW' && acceptedLow.has(f.ruleId)))
      .filter((f) => !(path.basename(f.location.file ?? '') === scannerFile && acceptedForScanner.has(f.ruleId)))
      .map((f) => `${f.severity} ${f.ruleId} ${f.location.file}:${f.location.startLine ?? ''} ${f.message}`);
    expect(unexpected, 'findings above LOW, or LOW findings other than the image-pinning reminders').toEqual([]);
    expect(report.findings.filter((f) => f.severity !== 'LOW').map((f) => `${f.ruleId} ${f.message}`)).toEqual([
      'SS-K8S-009 DaemonSet shipshape-host/shipshape-host-scanner volume "host" mounts host path "/" (the host root filesystem)',
    ]);
  });

  it('the host scanner at baseline: denied for the host path and DAC_READ_SEARCH only (no host namespace, no privileged container, no escalation)', async () => {
    const report = await check(['--level', 'baseline']);
    const denied = report.results.filter((r) => !r.allowed).map((r) => [`${r.kind}/${r.name}`, r.violations.map((v) => v.check).sort()]);
    expect(denied).toEqual([[scanner, ['capabilities_baseline', 'hostPathVolumes']]]);
  });

  it("without --level, each namespace's enforce label decides: restricted for every workload, privileged for the host scanner", async () => {
    const report = await check([]);
    expect(report.results).toHaveLength(5);
    expect(report.results.map((r) => [`${r.kind}/${r.name}`, r.level, r.allowed, r.policySource])).toEqual(
      report.results.map((r) =>
        `${r.kind}/${r.name}` === scanner
          ? [scanner, 'privileged', true, 'namespace shipshape-host enforce label']
          : [`${r.kind}/${r.name}`, 'restricted', true, 'namespace shipshape enforce label'],
      ),
    );
  });

  it('every pod has its own service account without a token, and every Secret, ConfigMap and $(VAR) it uses exists', () => {
    const secrets = byName('Secret');
    const configMaps = byName('ConfigMap');
    const accounts = byName('ServiceAccount');
    const pods = podSpecs();
    expect(pods).toHaveLength(5);
    for (const { name, namespace, spec } of pods) {
      const own = (ref: unknown): string => `${namespace}/${String(ref)}`;
      expect(spec.automountServiceAccountToken, name).toBe(false);
      expect(accounts.get(own(spec.serviceAccountName))?.automountServiceAccountToken, name).toBe(false);
      for (const volume of (spec.volumes ?? []) as Json[]) {
        if (volume.configMap !== undefined) expect(configMaps.has(own((volume.configMap as Json).name)), name).toBe(true);
        const secret = volume.secret as Json | undefined;
        if (secret !== undefined) {
          const data = secrets.get(own(secret.secretName))?.stringData as Json | undefined;
          for (const item of (secret.items ?? []) as Json[]) expect(data?.[item.key as string], `${name} ${String(item.key)}`).toBeTypeOf('string');
          expect(data, name).toBeDefined();
        }
      }
      for (const container of spec.containers as Json[]) {
        const env = (container.env ?? []) as Json[];
        for (const entry of env) {
          const ref = (entry.valueFrom as Json | undefined)?.secretKeyRef as Json | undefined;
          if (ref !== undefined)
            expect((secrets.get(own(ref.name))?.stringData as Json | undefined)?.[ref.key as string], `${name} ${String(entry.name)}`).toBeTypeOf('string');
        }
        const defined = new Set(env.map((entry) => entry.name));
        for (const [, variable] of ((container.args ?? []) as string[]).join(' ').matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g))
          expect(defined.has(variable), `${name} uses $(${variable})`).toBe(true);
      }
    }
  });

  it("the ConfigMap's shipshape.yaml is a valid config with a schedule and the webhook secret from the environment", () => {
    const configMap = baseObjects.find((o) => o.kind === 'ConfigMap' && (o.metadata as Json).name === 'shipshape-config');
    const config = parseShipshapeConfig((configMap?.data as Json)['shipshape.yaml'] as string, '/etc/shipshape/shipshape.yaml');
    expect(config.server.schedule).toBe('0 */6 * * *');
    expect(config.server.webhookSecretFrom).toEqual({ env: 'SHIPSHAPE_WEBHOOK_SECRET' });
    const server = podSpecs().find((p) => p.name === 'Deployment/shipshape-server');
    const env = ((server?.spec.containers as Json[])[0]?.env ?? []) as Json[];
    expect(env.map((e) => e.name)).toContain('SHIPSHAPE_WEBHOOK_SECRET');
  });

  it('the workers scale on shipshape_queue_depth', () => {
    const hpa = baseObjects.find((o) => o.kind === 'HorizontalPodAutoscaler');
    expect(hpa).toMatchObject({
      apiVersion: 'autoscaling/v2',
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'shipshape-worker' },
        minReplicas: 1,
        maxReplicas: 20,
        metrics: [{ type: 'External', external: { metric: { name: 'shipshape_queue_depth' }, target: { type: 'AverageValue' } } }],
      },
    });
  });

  it("the host scanner runs on every node with the node's / read-only, as root with DAC_READ_SEARCH alone, and reports to the server as its node", () => {
    const { spec, container } = scannerPod();
    // every taint of the effects that keep pods off (control-plane nodes' included), whatever its key
    expect(spec.tolerations).toEqual(
      expect.arrayContaining([
        { operator: 'Exists', effect: 'NoSchedule' },
        { operator: 'Exists', effect: 'NoExecute' },
      ]),
    );
    for (const namespace of ['hostPID', 'hostNetwork', 'hostIPC']) expect(spec[namespace], namespace).not.toBe(true);
    expect(spec.securityContext).toMatchObject({ runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toEqual({
      runAsNonRoot: false,
      runAsUser: 0,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'], add: ['DAC_READ_SEARCH'] },
    });
    expect(container.resources).toMatchObject({
      requests: { cpu: expect.any(String), memory: expect.any(String) },
      limits: { cpu: expect.any(String), memory: expect.any(String) },
    });

    const volumes = new Map(((spec.volumes ?? []) as Json[]).map((v) => [v.name, v]));
    const mounts = (container.volumeMounts ?? []) as Json[];
    const hostMount = mounts.find((m) => m.mountPath === '/host');
    expect(hostMount).toEqual({ name: 'host', mountPath: '/host', readOnly: true, mountPropagation: 'HostToContainer' });
    expect(volumes.get('host')?.hostPath).toEqual({ path: '/', type: 'Directory' });
    expect([...volumes.values()].filter((v) => v.hostPath !== undefined)).toHaveLength(1);

    const args = container.args as string[];
    expect(args.slice(0, 2)).toEqual(['host', 'scan']);
    expect(flagValue(args, '--root')).toBe('/host');
    expect(flagValue(args, '--every')).toBe('6h');
    expect(args).toContain('-q');
    // the token file is the Secret's key, mounted read-only
    const tokenFile = flagValue(args, '--token-file') ?? '';
    const tokenMount = mounts.find((m) => m.mountPath === path.dirname(tokenFile));
    expect(tokenMount?.readOnly).toBe(true);
    const tokenVolume = volumes.get(tokenMount?.name)?.secret as Json | undefined;
    expect(tokenVolume?.items).toEqual([{ key: 'token', path: path.basename(tokenFile) }]);
    expect(byName('Secret').get(`shipshape-host/${String(tokenVolume?.secretName)}`)).toBeDefined();
    // the report is named as the Kubernetes node it was read on
    expect((container.env as Json[]).find((e) => e.name === 'NODE_NAME')).toEqual({
      name: 'NODE_NAME',
      valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } },
    });

    // --report-to is the server's Service, by its cluster DNS name and port
    const target = new URL(flagValue(args, '--report-to') ?? '');
    const [serviceName, serviceNamespace, svc] = target.hostname.split('.');
    expect(svc).toBe('svc');
    const service = byName('Service').get(`${String(serviceNamespace)}/${String(serviceName)}`);
    const server = podSpecs().find((p) => p.name === 'Deployment/shipshape-server');
    expect(selects({ matchLabels: (service?.spec as Json).selector }, server?.labels)).toBe(true);
    expect(((service?.spec as Json).ports as Json[]).map((p) => p.port)).toContain(Number(target.port));
    if (target.protocol === 'http:') expect(args).toContain('--plain-http');
  });

  it("the host scanner's network: nothing reaches it; it reaches DNS and the server's port only, and the server admits it", () => {
    const { namespace, labels } = scannerPod();
    const server = podSpecs().find((p) => p.name === 'Deployment/shipshape-server');
    const serverPort = (((server?.spec.containers as Json[])[0]?.ports as Json[])[0] as Json).containerPort;
    const policies = baseObjects.filter((o) => o.kind === 'NetworkPolicy');
    const selecting = (ns: string, podLabels: Json | undefined): Json[] =>
      policies.filter((p) => (p.metadata as Json).namespace === ns && selects((p.spec as Json).podSelector as Json, podLabels)).map((p) => p.spec as Json);

    const own = selecting(namespace, labels);
    expect(own.flatMap((p) => p.policyTypes as string[]).sort()).toEqual(['Egress', 'Ingress']);
    expect(own.flatMap((p) => (p.ingress ?? []) as Json[])).toEqual([]);
    const egress = own.flatMap((p) => (p.egress ?? []) as Json[]);
    // rules without `to` are DNS alone
    for (const rule of egress.filter((r) => r.to === undefined)) expect((rule.ports as Json[]).map((p) => p.port)).toEqual([53, 53]);
    const toPeers = egress.filter((r) => r.to !== undefined);
    expect(toPeers).toHaveLength(1);
    expect(toPeers[0]?.ports).toEqual([{ protocol: 'TCP', port: serverPort }]);
    const [peer] = toPeers[0]?.to as Json[];
    expect(selects(peer?.namespaceSelector as Json, { 'kubernetes.io/metadata.name': server?.namespace })).toBe(true);
    expect(selects(peer?.podSelector as Json, server?.labels)).toBe(true);

    // a policy of the server's namespace admits the scanner's pods, by their namespace and labels, to the server's port
    const admitting = selecting(String(server?.namespace), server?.labels)
      .flatMap((p) => (p.ingress ?? []) as Json[])
      .filter((rule) =>
        ((rule.from ?? []) as Json[]).some(
          (from) =>
            selects(from.namespaceSelector as Json, { 'kubernetes.io/metadata.name': namespace }) &&
            from.podSelector !== undefined &&
            selects(from.podSelector as Json, labels),
        ),
      );
    expect(admitting.map((rule) => rule.ports)).toEqual([[{ protocol: 'TCP', port: serverPort }]]);
  });

  it("the host scanner's command, run once against a real server, keeps the node's report under its Kubernetes node name", async () => {
    const { container } = scannerPod();
    const dir = await mkdtemp(path.join(tmpdir(), 'shipshape-daemonset-'));
    const server = await startTestServer(await estateWithoutRegistry());
    try {
      const root = path.join(dir, 'host');
      writeHostFile(root, '/etc/hostname', 'worker-7\n');
      writeHostFile(root, '/etc/os-release', 'ID=debian\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n');
      writeDockerContainer(root, { id: sha256('web'), name: 'web', image: 'nginx:1.27', layers: [{ files: { 'bin/sh': 'sh' } }] });
      const tokenFile = path.join(dir, 'token');
      await writeFile(tokenFile, `${await server.token('write')}\n`);
      // the pod's command as written, but once (no --every), on this test's root, server and token
      const args = [...(container.args as string[])];
      expect(args.splice(args.indexOf('--every'), 2)).toEqual(['--every', '6h']);
      const swap = (flag: string, value: string): void => void args.splice(args.indexOf(flag) + 1, 1, value);
      swap('--root', root);
      swap('--report-to', server.url);
      swap('--token-file', tokenFile);
      const { code, stderr } = await runCli(args, { env: { NODE_NAME: 'ip-10-20-1-17.eu-west-1.compute.internal' } });
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      const stored = await server.store.hostReports();
      expect(stored.map((host) => [host.name, host.report.host.hostname, host.report.containers.map((c) => c.name)])).toEqual([
        ['ip-10-20-1-17.eu-west-1.compute.internal', 'worker-7', ['web']],
      ]);
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
