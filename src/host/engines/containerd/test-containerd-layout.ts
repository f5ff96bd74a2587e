/**
 * Test only: containerd's state as it lays it out on a host, under a directory standing for `/`:
 * meta.db (core/metadata/buckets.go), the overlayfs snapshotter's metadata.db and snapshot directories
 * (core/snapshots/storage/bolt.go, plugins/snapshots/overlay), task bundles and CRI status files.
 * Values are encoded as containerd encodes them: Go binary times, protobuf Any, Go uvarints.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { defaultCapabilities } from './spec.js';
import { writeBolt, type BoltTree } from '../test-bolt-writer.js';

export const containerdRoot = '/var/lib/containerd';
export const containerdState = '/run/containerd';
export const overlayDir = `${containerdRoot}/io.containerd.snapshotter.v1.overlayfs`;

/** A Go uvarint (encoding/binary PutUvarint). */
export function uvarintBytes(value: number): Buffer {
  const bytes: number[] = [];
  let rest = BigInt(value);
  while (rest >= 0x80n) {
    bytes.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  bytes.push(Number(rest));
  return Buffer.from(bytes);
}

/** Go's time.MarshalBinary of a UTC time (version 1, zone offset -1). */
export function goTimeBytes(date: Date): Buffer {
  const bytes = Buffer.alloc(15);
  bytes[0] = 1;
  const milliseconds = BigInt(date.getTime());
  const seconds = milliseconds / 1000n - (milliseconds % 1000n < 0n ? 1n : 0n);
  bytes.writeBigInt64BE(seconds + 62_135_596_800n, 1);
  bytes.writeUInt32BE(Number(milliseconds - seconds * 1000n) * 1_000_000 + 123, 9);
  bytes.writeInt16BE(-1, 13);
  return bytes;
}

/** A protobuf Any (type_url = 1, value = 2), with an unknown varint field first, as a newer writer might add. */
export function anyBytes(typeUrl: string, value: string | Buffer): Buffer {
  const field = (number: number, bytes: Buffer): Buffer => Buffer.concat([Buffer.from([(number << 3) | 2]), uvarintBytes(bytes.length), bytes]);
  return Buffer.concat([Buffer.from([(9 << 3) | 0, 1]), field(1, Buffer.from(typeUrl)), field(2, Buffer.from(value))]);
}

const specType = 'types.containerd.io/opencontainers/runtime-spec/1/Spec';
const allCapabilities = [
  ...[
    'CHOWN',
    'DAC_OVERRIDE',
    'DAC_READ_SEARCH',
    'FOWNER',
    'FSETID',
    'KILL',
    'SETGID',
    'SETUID',
    'SETPCAP',
    'LINUX_IMMUTABLE',
    'NET_BIND_SERVICE',
    'NET_BROADCAST',
  ],
  ...['NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER', 'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE'],
  ...[
    'SYS_RESOURCE',
    'SYS_TIME',
    'SYS_TTY_CONFIG',
    'MKNOD',
    'LEASE',
    'AUDIT_WRITE',
    'AUDIT_CONTROL',
    'SETFCAP',
    'MAC_OVERRIDE',
    'MAC_ADMIN',
    'SYSLOG',
    'WAKE_ALARM',
  ],
  ...['BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF', 'CHECKPOINT_RESTORE'],
].map((name) => `CAP_${name}`);
const defaultBounding = defaultCapabilities.map((name) => `CAP_${name}`);
const maskedPaths = [
  '/proc/acpi',
  '/proc/asound',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/sys/firmware',
];
const readonlyPaths = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

interface CriSpecOptions {
  pod: { namespace: string; name: string; uid?: string };
  container: string;
  image: string;
  sandboxId: string;
  kind?: 'container' | 'sandbox';
  user?: { uid: number; gid: number };
  /** Bounding capabilities (with `CAP_`); containerd's defaults when not given. */
  bounding?: string[];
  privileged?: boolean;
  hostNetwork?: boolean;
  readonlyRoot?: boolean;
  mounts?: { source: string; destination: string; readOnly?: boolean }[];
}

/** An OCI runtime spec as CRI writes it (internal/cri/server/container_create_linux.go, pkg/oci). */
export function criSpec(options: CriSpecOptions): object {
  const bounding = options.privileged ? allCapabilities : (options.bounding ?? defaultBounding);
  const namespaces = [
    { type: 'pid' },
    { type: 'ipc', path: `/proc/4242/ns/ipc` },
    { type: 'uts', path: `/proc/4242/ns/uts` },
    { type: 'mount' },
    ...(options.hostNetwork ? [] : [{ type: 'network', path: `/var/run/netns/cni-${options.sandboxId.slice(0, 8)}` }]),
  ];
  return {
    ociVersion: '1.1.0',
    process: {
      user: options.user ?? { uid: 0, gid: 0 },
      args: ['/app'],
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', `HOSTNAME=${options.pod.name}`],
      cwd: '/',
      capabilities: { bounding, effective: bounding, permitted: bounding },
      noNewPrivileges: !options.privileged,
      oomScoreAdj: 1000,
    },
    root: { path: 'rootfs', readonly: options.readonlyRoot === true },
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      {
        destination: '/etc/hostname',
        type: 'bind',
        source: `${containerdRoot}/io.containerd.grpc.v1.cri/sandboxes/${options.sandboxId}/hostname`,
        options: ['rbind', 'rprivate', 'rw'],
      },
      {
        destination: '/dev/shm',
        type: 'bind',
        source: `${containerdState}/io.containerd.grpc.v1.cri/sandboxes/${options.sandboxId}/shm`,
        options: ['rbind', 'rprivate', 'rw'],
      },
      ...(options.mounts ?? []).map((mount) => ({
        destination: mount.destination,
        type: 'bind',
        source: mount.source,
        options: ['rbind', 'rprivate', mount.readOnly ? 'ro' : 'rw'],
      })),
    ],
    annotations: {
      'io.kubernetes.cri.container-type': options.kind ?? 'container',
      'io.kubernetes.cri.sandbox-id': options.sandboxId,
      'io.kubernetes.cri.sandbox-namespace': options.pod.namespace,
      'io.kubernetes.cri.sandbox-name': options.pod.name,
      'io.kubernetes.cri.sandbox-uid': options.pod.uid ?? '6a1c0d52-0000-4000-8000-000000000001',
      ...(options.kind === 'sandbox' ? {} : { 'io.kubernetes.cri.container-name': options.container, 'io.kubernetes.cri.image-name': options.image }),
    },
    linux: {
      resources: { devices: [{ allow: options.privileged === true, access: 'rwm' }] },
      cgroupsPath: `kubepods-besteffort-pod.slice:cri-containerd:${options.container}`,
      namespaces,
      ...(options.privileged ? {} : { maskedPaths, readonlyPaths }),
    },
  };
}

export interface ContainerRecord {
  id: string;
  labels?: Record<string, string>;
  /** An OCI spec (encoded as CRI does), raw bytes for the `spec` value, or none. */
  spec?: object | Buffer | undefined;
  image?: string;
  snapshotter?: string;
  snapshotKey?: string;
  created?: Date;
  /** CRI's container metadata extension fields (ImageRef, ImageName...). */
  criMetadata?: Record<string, string>;
}

/** A container's bucket (core/metadata/containers.go writeContainer). */
export function containerBucket(record: ContainerRecord): BoltTree {
  const created = goTimeBytes(record.created ?? new Date('2026-03-01T10:00:00Z'));
  const spec = record.spec === undefined ? undefined : Buffer.isBuffer(record.spec) ? record.spec : anyBytes(specType, JSON.stringify(record.spec));
  return {
    createdat: created,
    updatedat: created,
    ...(spec === undefined ? {} : { spec }),
    image: record.image ?? '',
    snapshotter: record.snapshotter ?? 'overlayfs',
    snapshotKey: record.snapshotKey ?? record.id,
    runtime: { name: 'io.containerd.runc.v2', options: anyBytes('containerd.runc.v1.Options', '') },
    sandboxid: '',
    labels: record.labels ?? {},
    ...(record.criMetadata === undefined
      ? {}
      : {
          extensions: {
            'io.cri-containerd.container.metadata': anyBytes(
              'github.com/containerd/cri/pkg/store/container/Metadata',
              JSON.stringify({ Version: 'v1', Metadata: { ID: record.id, Name: 'x', ...record.criMetadata } }),
            ),
          },
        }),
  };
}

/** A snapshot of the overlayfs snapshotter: its backend key, directory id, parent key and kind (1 view, 2 active, 3 committed). */
export interface OverlaySnapshot {
  key: string;
  id: number | Buffer;
  parent?: string;
  kind?: 1 | 2 | 3;
}

/** The overlayfs snapshotter's metadata.db (core/snapshots/storage/bolt.go). */
export function overlayfsDb(snapshots: OverlaySnapshot[]): Buffer {
  const tree: BoltTree = {};
  const parents: BoltTree = {};
  for (const snapshot of snapshots) {
    const id = typeof snapshot.id === 'number' ? uvarintBytes(snapshot.id) : snapshot.id;
    tree[snapshot.key] = {
      id,
      kind: Buffer.from([snapshot.kind ?? 3]),
      createdat: goTimeBytes(new Date('2026-03-01T09:00:00Z')),
      updatedat: goTimeBytes(new Date('2026-03-01T09:00:00Z')),
      inodes: Buffer.from([0]),
      size: Buffer.from([0]),
      ...(snapshot.parent === undefined ? {} : { parent: snapshot.parent }),
    };
    const parent = snapshots.find((candidate) => candidate.key === snapshot.parent);
    if (parent !== undefined && typeof parent.id === 'number' && typeof snapshot.id === 'number') {
      parents[Buffer.concat([uvarintBytes(parent.id), Buffer.from([0]), uvarintBytes(snapshot.id)]).toString('latin1')] = snapshot.key;
    }
  }
  return writeBolt({ v1: { snapshots: tree, parents } }, { sequences: { 'v1/snapshots': snapshots.length } });
}

/** An image record (core/metadata/images.go). */
function imageBucket(digest: string): BoltTree {
  return {
    createdat: goTimeBytes(new Date('2026-02-01T00:00:00Z')),
    updatedat: goTimeBytes(new Date('2026-02-01T00:00:00Z')),
    target: { digest, mediatype: 'application/vnd.oci.image.index.v1+json', size: uvarintBytes(1609) },
    labels: { 'io.cri-containerd.image': 'managed' },
  };
}

/** The overlayfs snapshotter's key of a container's snapshot, as meta.db names it (`<ns>/<sequence>/<key>`, core/metadata/snapshot.go createKey). */
export function backendKey(namespace: string, key: string): string {
  return `${namespace}/7/${key}`;
}

/** meta.db holding namespaces of containers, images and snapshot references (see `backendKey`). */
export function metaDb(namespaces: Record<string, { containers: ContainerRecord[]; images?: Record<string, string>; extra?: BoltTree }>): Buffer {
  const v1: BoltTree = { version: uvarintBytes(3) };
  for (const [namespace, { containers, images, extra }] of Object.entries(namespaces)) {
    const snapshots: Record<string, BoltTree> = {};
    for (const record of containers) {
      const snapshotter = record.snapshotter ?? 'overlayfs';
      const byKey = (snapshots[snapshotter] ??= {});
      byKey[record.snapshotKey ?? record.id] = { name: backendKey(namespace, record.snapshotKey ?? record.id), parent: 'sha256:top' };
    }
    const containerBuckets: BoltTree = {};
    for (const record of containers) containerBuckets[record.id] = containerBucket(record);
    const imageBuckets: BoltTree = {};
    for (const [name, digest] of Object.entries(images ?? {})) imageBuckets[name] = imageBucket(digest);
    v1[namespace] = { containers: containerBuckets, images: imageBuckets, snapshots, leases: {}, ...extra };
  }
  return writeBolt({ v1 });
}

/** Writes a file (and its directories) at a host path under `dir`. */
export async function put(dir: string, hostPath: string, content: string | Buffer): Promise<void> {
  const path = join(dir, hostPath);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
}

/** `snapshots/<id>/fs` directories of the overlayfs snapshotter, each with one file. */
export async function snapshotDirectories(dir: string, ids: number[]): Promise<void> {
  for (const id of ids) await put(dir, `${overlayDir}/snapshots/${id}/fs/layer-${id}.txt`, `layer ${id}\n`);
}
