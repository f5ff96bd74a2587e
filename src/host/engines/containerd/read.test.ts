import { readFileSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineFound, HostContainer } from '../../model.js';
import { HostRoot } from '../../root.js';
import { goTime, protobufAny, uvarint } from './decode.js';
import { readContainerdState } from './read.js';
import { RawBucket } from '../test-bolt-writer.js';
import {
  anyBytes,
  backendKey,
  containerBucket,
  containerdRoot,
  containerdState,
  criSpec,
  goTimeBytes,
  metaDb,
  overlayDir,
  overlayfsDb,
  put,
  snapshotDirectories,
  uvarintBytes,
  type ContainerRecord,
  type OverlaySnapshot,
} from './test-containerd-layout.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function hostDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'shipshape-containerd-'));
  dirs.push(dir);
  return dir;
}

const hexId = (prefix: string): string => prefix.padEnd(64, '0');
const ids = { sandbox: hexId('5a4d'), agent: hexId('3f2a'), web: hexId('7b1c'), job: hexId('9c3e') };
const metaPath = `${containerdRoot}/io.containerd.metadata.v1.bolt/meta.db`;
const taskDir = `${containerdState}/io.containerd.runtime.v2.task`;
const statusPath = (id: string): string => `${containerdRoot}/io.containerd.grpc.v1.cri/containers/${id}/status`;
const fs = (id: number): string => `${overlayDir}/snapshots/${id}/fs`;
const agentDigest = 'sha256:1d2c3b4a5f6e7d8c9b0a1d2c3b4a5f6e7d8c9b0a1d2c3b4a5f6e7d8c9b0a1d2c';

const pod = { namespace: 'kube-system', name: 'node-agent-x7k2p' };
const agentSpec = criSpec({
  pod,
  container: 'agent',
  image: 'docker.io/library/agent:1.0',
  sandboxId: ids.sandbox,
  privileged: true,
  hostNetwork: true,
  mounts: [{ source: '/var/run/containerd/containerd.sock', destination: '/var/run/containerd/containerd.sock' }],
});
const webSpec = criSpec({
  pod: { namespace: 'shop', name: 'web-5d8f7' },
  container: 'web',
  image: 'registry.example/web:2.3',
  sandboxId: hexId('6e6e'),
  user: { uid: 1000, gid: 1000 },
  bounding: ['CAP_NET_BIND_SERVICE'],
  readonlyRoot: true,
  mounts: [
    {
      source: '/var/lib/kubelet/pods/p1/volumes/kubernetes.io~projected/kube-api-access-x',
      destination: '/var/run/secrets/kubernetes.io/serviceaccount',
      readOnly: true,
    },
  ],
});
const jobSpec = criSpec({
  pod: { namespace: 'batch', name: 'report-28371' },
  container: 'report',
  image: 'registry.example/report:1',
  sandboxId: hexId('7a7a'),
});
const criLabels = (kind: 'sandbox' | 'container', podName = pod.name, podNamespace = pod.namespace): Record<string, string> => ({
  'io.cri-containerd.kind': kind,
  'io.kubernetes.pod.name': podName,
  'io.kubernetes.pod.namespace': podNamespace,
});

/** A Kubernetes node's containerd: a pod sandbox, a privileged host-network agent, a restricted web container, a job known only by its bundle's spec, and a plain containerd container. */
function nodeContainers(): ContainerRecord[] {
  return [
    {
      id: ids.sandbox,
      labels: criLabels('sandbox'),
      spec: criSpec({ pod, container: 'POD', image: 'registry.k8s.io/pause:3.10', sandboxId: ids.sandbox, kind: 'sandbox' }),
    },
    {
      id: ids.agent,
      labels: criLabels('container'),
      spec: agentSpec,
      criMetadata: { ImageRef: 'sha256:aaaabbbbccccdddd', ImageName: 'docker.io/library/agent:1.0' },
    },
    { id: ids.web, labels: criLabels('container', 'web-5d8f7', 'shop'), spec: webSpec, created: new Date('2026-03-02T08:30:00Z') },
    { id: ids.job, labels: { ...criLabels('container', 'report-28371', 'batch'), 'io.kubernetes.container.name': 'report' } },
  ];
}

const layers: OverlaySnapshot[] = [
  { key: 'k8s.io/1/sha256:base', id: 1 },
  { key: 'k8s.io/2/sha256:mid', id: 2, parent: 'k8s.io/1/sha256:base' },
  { key: 'k8s.io/3/sha256:top', id: 3, parent: 'k8s.io/2/sha256:mid' },
];

function activeSnapshots(namespace: string, entries: [string, number][]): OverlaySnapshot[] {
  return entries.map(([id, snapshot]) => ({ key: backendKey(namespace, id), id: snapshot, parent: 'k8s.io/3/sha256:top', kind: 2 }));
}

interface Layout {
  meta?: Buffer | undefined;
  overlay?: Buffer | undefined;
  bundles?: Record<string, object | string>;
  statuses?: Record<string, object>;
  snapshotIds?: number[];
}

function defaultLayout(): Required<Layout> {
  return {
    meta: metaDb({
      'k8s.io': { containers: nodeContainers(), images: { 'docker.io/library/agent:1.0': agentDigest } },
      default: {
        containers: [
          {
            id: 'redis',
            image: 'docker.io/library/redis:7',
            snapshotter: 'native',
            spec: {
              process: { user: { uid: 999, gid: 999 }, capabilities: { bounding: ['CAP_CHOWN'] } },
              root: { path: 'rootfs' },
              linux: { namespaces: [{ type: 'network' }] },
            },
          },
        ],
        images: { 'docker.io/library/redis:7': 'sha256:7e57e57e57e57e57e57e57e57e57e57e57e57e57e57e57e57e57e57e57e57e57e' },
      },
    }),
    overlay: overlayfsDb([
      ...layers,
      ...activeSnapshots('k8s.io', [
        [ids.agent, 4],
        [ids.web, 5],
        [ids.job, 6],
      ]),
    ]),
    bundles: { [`k8s.io/${ids.agent}`]: agentSpec, [`k8s.io/${ids.job}`]: jobSpec },
    statuses: {
      [ids.agent]: { Version: 'v1', Pid: 4242, CreatedAt: 1772445600000000000, StartedAt: 1772445601500000000, FinishedAt: 0, ExitCode: 0 },
      [ids.web]: { Version: 'v1', Pid: 0, CreatedAt: 1772440200000000000, StartedAt: 1772440201000000000, FinishedAt: 1772440500000000000, ExitCode: 1 },
    },
    snapshotIds: [1, 2, 3, 4, 5, 6],
  };
}

async function writeLayout(layout: Layout): Promise<string> {
  const dir = await hostDir();
  if (layout.meta !== undefined) await put(dir, metaPath, layout.meta);
  if (layout.overlay !== undefined) await put(dir, `${overlayDir}/metadata.db`, layout.overlay);
  for (const [key, spec] of Object.entries(layout.bundles ?? {}))
    await put(dir, `${taskDir}/${key}/config.json`, typeof spec === 'string' ? spec : JSON.stringify(spec));
  for (const [id, status] of Object.entries(layout.statuses ?? {})) await put(dir, statusPath(id), JSON.stringify(status));
  await snapshotDirectories(dir, layout.snapshotIds ?? []);
  return dir;
}

async function read(layout: Layout, options?: Parameters<typeof readContainerdState>[1]): Promise<EngineFound> {
  const found = await readContainerdState(new HostRoot(await writeLayout(layout)), options);
  if (found === undefined) throw new Error('containerd not found');
  return found;
}

const byId = (found: EngineFound, id: string): HostContainer | undefined => found.containers.find((container) => container.id === id);

describe('containerd state of a Kubernetes node', () => {
  it('reads each workload container from meta.db, its layers from the overlayfs snapshotter, its state from bundles and CRI', async () => {
    const found = await read(defaultLayout());
    expect(found.problems).toEqual([]);
    expect(found.kind).toBe('containerd');
    expect(found.stateDir).toBe(containerdRoot);
    expect(found.version).toBeUndefined();
    // The pause sandbox is left out; every other container is read.
    expect(found.containers.map((container) => container.id).sort()).toEqual([ids.agent, ids.web, ids.job, 'redis'].sort());

    expect(byId(found, ids.agent)).toEqual({
      id: ids.agent,
      name: 'agent',
      engine: 'containerd',
      image: { reference: 'docker.io/library/agent:1.0', digest: agentDigest, id: 'sha256:aaaabbbbccccdddd' },
      created: '2026-03-01T10:00:00.000Z',
      started: '2026-03-02T10:00:01.500Z',
      state: 'running',
      privileged: true,
      user: '0:0',
      capabilities: {
        added: [
          ...[
            'AUDIT_CONTROL',
            'AUDIT_READ',
            'BLOCK_SUSPEND',
            'BPF',
            'CHECKPOINT_RESTORE',
            'DAC_READ_SEARCH',
            'IPC_LOCK',
            'IPC_OWNER',
            'LEASE',
            'LINUX_IMMUTABLE',
          ],
          ...['MAC_ADMIN', 'MAC_OVERRIDE', 'NET_ADMIN', 'NET_BROADCAST', 'PERFMON', 'SYSLOG', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_MODULE', 'SYS_NICE', 'SYS_PACCT'],
          ...['SYS_PTRACE', 'SYS_RAWIO', 'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'WAKE_ALARM'],
        ],
        dropped: [],
      },
      mounts: [{ source: '/var/run/containerd/containerd.sock', destination: '/var/run/containerd/containerd.sock', type: 'bind', readOnly: false }],
      networkMode: 'host',
      readOnlyRootfs: false,
      pod: { namespace: 'kube-system', name: 'node-agent-x7k2p', container: 'agent' },
      layers: { kind: 'overlay', lower: [fs(1), fs(2), fs(3)], upper: fs(4) },
    });
  });

  it('a restricted container: its own user, capabilities dropped, read-only root, the pod network, a read-only token; exited per CRI', async () => {
    const web = byId(await read(defaultLayout()), ids.web);
    expect(web).toMatchObject({
      name: 'web',
      image: { reference: 'registry.example/web:2.3', digest: undefined },
      created: '2026-03-02T08:30:00.000Z',
      started: '2026-03-02T08:30:01.000Z',
      state: 'exited',
      privileged: false,
      user: '1000:1000',
      networkMode: 'pod',
      readOnlyRootfs: true,
      pod: { namespace: 'shop', name: 'web-5d8f7', container: 'web' },
      layers: { kind: 'overlay', lower: [fs(1), fs(2), fs(3)], upper: fs(5) },
    });
    expect(web?.capabilities).toEqual({
      added: [],
      dropped: ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_RAW', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'],
    });
    // CRI's own /etc/hostname and /dev/shm from the sandbox's directory are not the workload's mounts.
    expect(web?.mounts).toEqual([
      {
        source: '/var/lib/kubelet/pods/p1/volumes/kubernetes.io~projected/kube-api-access-x',
        destination: '/var/run/secrets/kubernetes.io/serviceaccount',
        type: 'bind',
        readOnly: true,
      },
    ]);
  });

  it('a container whose record has no spec is read from its task bundle, and is running', async () => {
    const job = byId(await read(defaultLayout()), ids.job);
    expect(job).toMatchObject({
      name: 'report',
      state: 'running',
      privileged: false,
      user: '0:0',
      networkMode: 'pod',
      image: { reference: 'registry.example/report:1' },
    });
    expect(job?.pod).toEqual({ namespace: 'batch', name: 'report-28371', container: 'report' });
    expect(job?.layers).toEqual({ kind: 'overlay', lower: [fs(1), fs(2), fs(3)], upper: fs(6) });
  });

  it('a plain containerd container: its own network namespace, another snapshotter (layers unknown, said why)', async () => {
    const redis = byId(await read(defaultLayout()), 'redis');
    expect(redis).toMatchObject({
      name: 'redis',
      image: { reference: 'docker.io/library/redis:7', digest: 'sha256:7e57e57e57e57e57e57e57e57e57e57e57e57e57e57e57e57e57e57e57e57e57e' },
      networkMode: 'private',
      user: '999:999',
      pod: undefined,
      state: undefined,
      layers: 'its snapshotter is "native", not overlayfs',
    });
  });

  it('without /run captured, CRI says running; with task bundles listed but none for it, "running" is stale', async () => {
    const layout = defaultLayout();
    const withoutRun = await read({ ...layout, bundles: {} });
    expect(byId(withoutRun, ids.agent)?.state).toBe('running');
    const stale = await read({ ...layout, bundles: { [`k8s.io/${ids.job}`]: jobSpec } });
    expect(byId(stale, ids.agent)?.state).toBe('unknown');
  });

  it('undefined when neither directory exists; nothing and no problem when containerd has no database yet', async () => {
    expect(await readContainerdState(new HostRoot(await hostDir()))).toBeUndefined();
    const dir = await hostDir();
    await put(dir, `${containerdRoot}/io.containerd.content.v1.content/ingest/.keep`, '');
    expect(await readContainerdState(new HostRoot(dir))).toEqual({ kind: 'containerd', stateDir: containerdRoot, containers: [], problems: [] });
  });

  it('other root and state directories', async () => {
    const dir = await writeLayout({});
    const layout = defaultLayout();
    await put(dir, `/data/containerd/io.containerd.metadata.v1.bolt/meta.db`, layout.meta);
    const found = await readContainerdState(new HostRoot(dir), { root: '/data/containerd', state: '/run/k3s/containerd' });
    expect(found?.stateDir).toBe('/data/containerd');
    expect(found?.containers).toHaveLength(4);
  });
});

describe('containerd state that is damaged or hostile', () => {
  it('a truncated meta.db is a problem; the containers of task bundles are still read', async () => {
    const layout = defaultLayout();
    const found = await read({ ...layout, meta: layout.meta.subarray(0, 5 * 4096 + 100) });
    expect(found.problems[0]).toMatch(
      /^containerd \/var\/lib\/containerd\/io\.containerd\.metadata\.v1\.bolt\/meta\.db: .*(past the end of the file|cut short)/,
    );
    expect(found.containers.map((container) => container.id).sort()).toEqual([ids.agent, ids.job].sort());
    expect(byId(found, ids.agent)).toMatchObject({ privileged: true, state: 'running', layers: 'no snapshotter recorded for it' });
    expect(found.problems).toContain(`containerd k8s.io/3f2a00000000…: not in containerd's metadata database: read from its task bundle alone`);
  });

  it('two containers where one record points at a page past the end: that one is a problem, the other is read', async () => {
    const broken = Buffer.alloc(16);
    broken.writeBigUInt64LE(999_999n, 0);
    const web = nodeContainers()[2] as ContainerRecord;
    const withBroken = metaDb({
      'k8s.io': { containers: [web], extra: { containers: { [ids.agent]: new RawBucket(broken), [ids.web]: containerBucket(web) } } },
    });
    const found = await read({ ...defaultLayout(), meta: withBroken, bundles: {} });
    expect(found.containers.map((container) => container.id)).toEqual([ids.web]);
    expect(found.problems).toEqual([expect.stringMatching(/^containerd k8s\.io\/3f2a00000000…: .*points at page 999999, outside the database's pages/)]);
  });

  it('a snapshot id that is not a number builds no path: the layers say why', async () => {
    const layout = defaultLayout();
    const overlay = overlayfsDb([
      ...layers,
      { key: backendKey('k8s.io', ids.agent), id: Buffer.from('../../../etc'), parent: 'k8s.io/3/sha256:top', kind: 2 },
      { key: backendKey('k8s.io', ids.web), id: Buffer.alloc(11, 0xff), parent: 'k8s.io/3/sha256:top', kind: 2 },
      { key: backendKey('k8s.io', ids.job), id: 6, parent: 'k8s.io/9/sha256:gone', kind: 2 },
    ]);
    const found = await read({ ...layout, overlay });
    expect(byId(found, ids.agent)?.layers).toMatch(/snapshot ".*" id: 11 bytes after its varint/);
    expect(byId(found, ids.web)?.layers).toMatch(/a varint overflows 64 bits/);
    expect(byId(found, ids.job)?.layers).toBe('its parent snapshot "k8s.io/9/sha256:gone" is missing');
    expect(JSON.stringify(found)).not.toContain('etc/fs');
  });

  it('a snapshot directory that is missing, and a snapshot chain that loops', async () => {
    const layout = defaultLayout();
    const loop = overlayfsDb([
      { key: 'k8s.io/7/sha256:a', id: 7, parent: 'k8s.io/8/sha256:b' },
      { key: 'k8s.io/8/sha256:b', id: 8, parent: 'k8s.io/7/sha256:a' },
      ...layers,
      ...activeSnapshots('k8s.io', [
        [ids.agent, 4],
        [ids.web, 5],
      ]),
      { key: backendKey('k8s.io', ids.job), id: 6, parent: 'k8s.io/7/sha256:a', kind: 2 },
    ]);
    const found = await read({ ...layout, overlay: loop, snapshotIds: [2, 3, 4, 5, 6, 7, 8] });
    expect(byId(found, ids.agent)?.layers).toBe(`the snapshot directory ${fs(1)} is missing`);
    expect(byId(found, ids.job)?.layers).toBe('snapshot "k8s.io/7/sha256:a" is its own ancestor');
  });

  it('no overlayfs snapshotter database: the layers say so', async () => {
    const found = await read({ ...defaultLayout(), overlay: undefined });
    expect(byId(found, ids.web)?.layers).toBe(`no overlayfs snapshotter database (${overlayDir}/metadata.db)`);
  });

  it('a spec that is not JSON, or not a protobuf Any: the container is kept with what is known, and the problem said', async () => {
    const containers = nodeContainers();
    (containers[2] as ContainerRecord).spec = anyBytes('types.containerd.io/opencontainers/runtime-spec/1/Spec', '{"process": {not json');
    const found = await read({ ...defaultLayout(), meta: metaDb({ 'k8s.io': { containers } }) });
    expect(byId(found, ids.web)).toMatchObject({
      privileged: undefined,
      user: undefined,
      mounts: [],
      pod: { namespace: 'shop', name: 'web-5d8f7' },
      layers: { upper: fs(5) },
    });
    expect(found.problems).toEqual([expect.stringMatching(/^containerd k8s\.io\/7b1c00000000…: its OCI runtime spec is not JSON: /)]);

    (containers[2] as ContainerRecord).spec = Buffer.from([0x12, 0xff, 0xff, 0x03]);
    const notAny = await read({ ...defaultLayout(), meta: metaDb({ 'k8s.io': { containers } }) });
    expect(notAny.problems).toEqual([expect.stringMatching(/^containerd k8s\.io\/7b1c00000000…: its spec: a protobuf field runs past the end/)]);
  });

  it("a bundle's config.json that is not JSON, and a CRI status that is not one", async () => {
    const layout = defaultLayout();
    const found = await read({
      ...layout,
      bundles: { [`k8s.io/${ids.job}`]: '{"process":', [`k8s.io/${ids.agent}`]: agentSpec },
      statuses: { [ids.web]: { Version: 'v9' } },
    });
    expect(byId(found, ids.job)).toMatchObject({ privileged: undefined, state: 'running' });
    expect(byId(found, ids.web)?.state).toBeUndefined();
    expect(found.problems.sort()).toEqual([
      expect.stringMatching(/^containerd k8s\.io\/7b1c00000000…: its CRI status: not a version 1 CRI status$/),
      expect.stringMatching(/^containerd k8s\.io\/9c3e00000000…: its task bundle's config\.json: its OCI runtime spec is not JSON/),
    ]);
  });

  it('names containerd never writes, in the database and in the task directory, are not read', async () => {
    const meta = metaDb({
      'k8s.io': {
        containers: [
          { id: '../../etc', spec: webSpec },
          { id: 'ok', spec: webSpec },
        ],
      },
      'bad\u001b[31mns': { containers: [{ id: 'x' }] },
    });
    const found = await read({ meta, bundles: { 'k8s.io/..x': jobSpec } });
    expect(found.containers.map((container) => container.id)).toEqual(['ok']);
    expect(found.problems).toEqual([
      'containerd metadata: a namespace named "bad\\u001b[31mns", which containerd never writes: not read',
      'containerd k8s.io: a container record named "../../etc" that containerd never writes: not read',
    ]);
  });

  it('a meta.db that is a symbolic link out of the root is followed inside it only', async () => {
    const dir = await writeLayout({});
    await put(dir, `${containerdRoot}/io.containerd.metadata.v1.bolt/.keep`, '');
    await symlink('/etc/passwd', join(dir, metaPath));
    expect(await readContainerdState(new HostRoot(dir))).toEqual({ kind: 'containerd', stateDir: containerdRoot, containers: [], problems: [] });
  });

  it('no more containers than the bound, and a problem that says so', async () => {
    const found = await read(defaultLayout(), { maxContainers: 2 });
    expect(found.containers.length).toBeLessThanOrEqual(2);
    expect(found.problems).toContain('containerd metadata: more than 2 containers; the rest were not read');
  });
});

describe('containerd values', () => {
  it('Go uvarints, Go binary times and protobuf Any, and their malformed forms', () => {
    expect(uvarint(uvarintBytes(300), 'id')).toBe(300);
    expect(uvarint(uvarintBytes(Number.MAX_SAFE_INTEGER), 'id')).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => uvarint(Buffer.from([0x80]), 'id')).toThrow(/cut short/);
    expect(() => uvarint(Buffer.alloc(0), 'id')).toThrow(/cut short/);
    expect(() => uvarint(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), 'id')).toThrow(/too large/);
    expect(goTime(goTimeBytes(new Date('2026-03-01T10:00:00.250Z')), 'createdat')).toBe('2026-03-01T10:00:00.250Z');
    // Version 2 carries the zone offset's seconds; the instant is the same.
    expect(goTime(Buffer.concat([Buffer.from([2]), goTimeBytes(new Date('1999-12-31T23:59:59Z')).subarray(1), Buffer.from([30])]), 'createdat')).toBe(
      '1999-12-31T23:59:59.000Z',
    );
    expect(() => goTime(Buffer.from([1, 2, 3]), 'createdat')).toThrow(/not a Go binary time/);
    const farFuture = goTimeBytes(new Date(0));
    farFuture.writeBigInt64BE(0x7fffffffffffffffn, 1);
    expect(() => goTime(farFuture, 'createdat')).toThrow(/out of range/);
    expect(protobufAny(anyBytes('t', 'v'), 'spec')).toEqual({ typeUrl: 't', value: Buffer.from('v') });
    expect(() => protobufAny(Buffer.from([0x0b]), 'spec')).toThrow(/wire type 3/);
    expect(() => protobufAny(Buffer.from([0x09, 1, 2]), 'spec')).toThrow(/runs past the end/);
  });
});

const testdata = fileURLToPath(new URL('./testdata/', import.meta.url));

describe('the state of a real containerd', () => {
  // Made with Debian's containerd 1.6.20 and ctr (namespace k8s.io, overlayfs): an OCI image of two
  // layers imported as example.com/app:1.0; `ctr c create --privileged --net-host --mount
  // type=bind,src=/tmp/ctd/containerd.sock,dst=/var/run/containerd/containerd.sock,options=rbind:ro`
  // with pod labels (priv0123456789abcdef); `--read-only --cap-add CAP_NET_ADMIN --cap-drop CAP_NET_RAW`
  // (restricted01, its task started so that its bundle's config.json was kept); one labelled as a CRI
  // sandbox (sandbox01); one created and removed again (gone01). That containerd ran without
  // CAP_SYS_RESOURCE, so its privileged container has 40 capabilities, not 41.
  it('reads its containers, images and overlay layers', async () => {
    const dir = await writeLayout({
      meta: gunzipSync(readFileSync(join(testdata, 'containerd-1.6.20-meta.db.gz'))),
      overlay: gunzipSync(readFileSync(join(testdata, 'containerd-1.6.20-overlayfs-metadata.db.gz'))),
      bundles: { 'k8s.io/restricted01': readFileSync(join(testdata, 'containerd-1.6.20-restricted01-config.json'), 'utf8') },
      snapshotIds: [1, 2, 3, 4, 5],
    });
    const found = await readContainerdState(new HostRoot(dir));
    const digest = 'sha256:92b367c42a3ad4417f168934816bd21cc22b0c2ec3e0ba9fc2a798b762dde57d';
    expect(found?.problems).toEqual([]);
    expect(found?.containers.map((container) => container.id)).toEqual(['priv0123456789abcdef', 'restricted01']);
    expect(byId(found as EngineFound, 'priv0123456789abcdef')).toMatchObject({
      name: 'agent',
      image: { reference: 'example.com/app:1.0', digest },
      created: '2026-12-07T23:47:34.109Z',
      privileged: true,
      user: '1000:0',
      networkMode: 'host',
      pod: { namespace: 'kube-system', name: 'agent-x', container: 'agent' },
      layers: { kind: 'overlay', lower: [fs(1), fs(2)], upper: fs(3) },
    });
    expect(byId(found as EngineFound, 'priv0123456789abcdef')?.mounts).toContainEqual({
      source: '/tmp/ctd/containerd.sock',
      destination: '/var/run/containerd/containerd.sock',
      type: 'bind',
      readOnly: true,
    });
    expect(byId(found as EngineFound, 'restricted01')).toMatchObject({
      state: 'running',
      privileged: false,
      capabilities: { added: ['NET_ADMIN'], dropped: ['NET_RAW'] },
      networkMode: 'private',
      readOnlyRootfs: true,
      layers: { kind: 'overlay', lower: [fs(1), fs(2)], upper: fs(5) },
    });
  });
});
