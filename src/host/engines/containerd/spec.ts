import { CorruptInputError, LimitExceededError, messageOf } from '../../../core/errors.js';
import { factsOfSpec, record, strings, type SpecFacts } from '../oci-spec.js';

/** What a containerd container's OCI runtime spec says: the facts every engine reads, and its annotations. */
export interface ContainerdSpec extends SpecFacts {
  annotations: Map<string, string>;
}

/** Most annotations read from one spec; real ones hold tens. */
const maxAnnotations = 10_000;

/** containerd's default capabilities (pkg/oci/spec.go defaultUnixCaps), which CRI containers start from too. */
export const defaultCapabilities = [
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'NET_RAW',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
];

/** Files CRI binds into every container of a pod from the sandbox's directory: the engine's, not the workload's choice. */
const sandboxFiles = ['/etc/hostname', '/etc/resolv.conf', '/dev/shm'];
const sandboxDirectory = /\/io\.containerd\.grpc\.v1\.cri\/sandboxes\/[^/]+\/[^/]+$/;

/** A spec's JSON text, read as every engine's spec is (../oci-spec.ts) with containerd's own readings; not a JSON object is a CorruptInputError. */
export function parseSpec(text: string): ContainerdSpec {
  let spec: unknown;
  try {
    spec = JSON.parse(text);
  } catch (error) {
    throw new CorruptInputError(`its OCI runtime spec is not JSON: ${messageOf(error)}`);
  }
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new CorruptInputError('its OCI runtime spec is not a JSON object');
  const facts = factsOfSpec(spec, defaultCapabilities);
  const annotations = annotationsOf(record(spec).annotations);
  // CRI writes these on every container it creates (internal/cri/annotations).
  const cri = annotations.has('io.kubernetes.cri.container-type') || annotations.has('io.kubernetes.cri.sandbox-id');
  return {
    ...facts,
    annotations,
    privileged: facts.capabilities === undefined ? undefined : criPrivileged(facts, spec),
    // A CRI container joins its pod sandbox's network namespace by path.
    networkMode: cri && facts.networkMode?.startsWith('namespace ') ? 'pod' : facts.networkMode,
    mounts: facts.mounts.filter((mount) => !(sandboxFiles.includes(mount.destination) && sandboxDirectory.test(mount.source))),
  };
}

function annotationsOf(value: unknown): Map<string, string> {
  const entries = Object.entries(record(value));
  if (entries.length > maxAnnotations) throw new LimitExceededError(`its OCI runtime spec has ${entries.length} annotations, more than ${maxAnnotations}`);
  return new Map(entries.filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/**
 * The spec does not say "privileged"; it says what CRI's privileged mode (pkg/oci WithPrivileged, as
 * Docker's and ctr's) did to it: the capabilities only "all of them" gives together (SYS_ADMIN and
 * SYS_MODULE, as ../oci-spec.ts checks), no maskedPaths, and also no readonlyPaths. Not "every
 * capability of the kernel": WithAllCurrentCapabilities grants the capabilities containerd itself
 * holds, fewer when it runs confined (a real containerd 1.6 lacking SYS_RESOURCE gave its privileged
 * container 40 of 41). `capabilities: add: [ALL]` alone keeps the masked paths, `procMount: Unmasked`
 * alone keeps the default capabilities: neither reads as privileged; both together do (and nearly are).
 */
function criPrivileged(facts: SpecFacts, spec: object): boolean {
  return facts.privileged === true && strings(record(record(spec).linux).readonlyPaths).length === 0;
}
