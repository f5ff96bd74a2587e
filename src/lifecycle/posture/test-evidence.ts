/**
 * Terse builders of estate evidence and lifecycle maps for the posture tests (excluded from the
 * build: `test-*.ts`). Everything is built by hand, the way the scanners would fill it.
 */
import type {
  CiSystem,
  CiValue,
  ImageBuildStep,
  ImagePushStep,
  Pipeline,
  PipelineStep,
  SecurityStep,
  SecurityStepKind,
  BuildTool,
} from '../../buildtime/ci/model.js';
import type {
  AttestationEvidence,
  PlatformImage,
  RegistryAccess,
  RegistryChanges,
  RegistryScanReport,
  SignatureEvidence,
  StoredImage,
  TagReport,
} from '../../distribute/model.js';
import type { RuleFinding } from '../../rules/rule.js';
import type { NodeInfo } from '../../runtime/cluster/nodes.js';
import { unreadPlatformImage } from '../../distribute/image-facts.js';
import { imageReferences } from '../../runtime/manifests/images.js';
import { loadManifests } from '../../runtime/manifests/load.js';
import type { SeverityLevel } from '../../core/severity.js';
import type { HostReport } from '../../host/scan.js';
import type { DockerfileInfo, EstateEvidence, RunEvidence } from '../estate-model.js';
import type { LifecycleMap, LifecycleNodeKind } from '../model.js';
import type { ControlContext } from './controls/control.js';
import type { Policy } from './policy.js';
import { defaultPolicy } from './policy.js';

export const testNow = new Date('2026-11-29T12:00:00Z');

function ci(raw: string): CiValue {
  const unknowns = [...raw.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1] as string);
  return { raw, resolved: raw, unknowns };
}

export function build(
  order: number,
  line: number,
  tags: string[],
  options: { pushes?: boolean; tool?: BuildTool; file?: string; step?: string } = {},
): ImageBuildStep {
  return {
    kind: 'build',
    order,
    location: { file: options.file ?? 'Jenkinsfile', line, step: options.step },
    tool: options.tool ?? 'docker',
    dockerfile: ci('Dockerfile'),
    context: ci('.'),
    tags: tags.map(ci),
    pushes: options.pushes ?? false,
  };
}

export function push(order: number, line: number, image: string, options: { file?: string; step?: string } = {}): ImagePushStep {
  return { kind: 'push', order, location: { file: options.file ?? 'Jenkinsfile', line, step: options.step }, tool: 'docker', image: ci(image) };
}

export function security(
  kind: SecurityStepKind,
  order: number,
  line: number,
  options: { tool?: string; gating?: boolean; image?: string; file?: string } = {},
): SecurityStep {
  return {
    kind: 'security',
    order,
    location: { file: options.file ?? 'Jenkinsfile', line, step: undefined },
    securityKind: kind,
    tool: options.tool ?? 'trivy',
    image: options.image ? ci(options.image) : undefined,
    gating: options.gating,
  };
}

export function pipeline(system: CiSystem, file: string, steps: PipelineStep[]): Pipeline {
  return { id: `${system}:${file}`, system, file, repository: '.', name: undefined, steps, unknownVariables: [], diagnostics: [] };
}

export function finding(ruleId: string, line: number, severity: SeverityLevel = 'HIGH', message = `${ruleId} finding`, file = 'Dockerfile'): RuleFinding {
  return { ruleId, title: `${ruleId} title`, severity, message, location: { file, startLine: line }, fingerprint: `${ruleId}-${line}`.padEnd(32, '0') };
}

/** A Dockerfile from `[line, FROM text]` pairs (the last one is the final stage). */
export function dockerfile(file: string, froms: [number, string, string?][], findings: RuleFinding[] = []): DockerfileInfo {
  return {
    file,
    repository: '.',
    froms: froms.map(([line, text, stageName]) => ({
      line,
      raw: text,
      resolved: text,
      unknowns: [...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1] as string),
      stageName,
      stageRef: undefined,
      platform: undefined,
    })),
    finalChain: [froms.length - 1],
    findings,
  };
}

/** What a scan records when the advisory database held advisories for every package of the image. */
const fullCoverage: PlatformImage['coverage'] = {
  complete: true,
  ecosystems: [{ ecosystem: 'Debian:11', kind: 'os', covered: true, advisories: 410, packages: 96, reason: undefined, fix: undefined }],
};

/** A platform image; one with vulnerability counts was fully covered unless `coverage` says otherwise. */
export function platform(digest: string, fields: Partial<PlatformImage> = {}): PlatformImage {
  return {
    ...unreadPlatformImage('linux/amd64', digest),
    coverage: fields.vulnerabilities ? fullCoverage : undefined,
    ...fields,
  };
}

export function stored(
  digest: string,
  tags: string[],
  fields: { signatures?: SignatureEvidence[]; attestations?: AttestationEvidence[]; platform?: Partial<PlatformImage> } = {},
): StoredImage {
  return {
    digest,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    tags,
    platforms: [platform(digest, fields.platform)],
    signatures: fields.signatures ?? [],
    attestations: fields.attestations ?? [],
  };
}

export function signature(verified: boolean | undefined, verifyError?: string): SignatureEvidence {
  return { format: 'cosign', source: 'cosign-tag', manifestDigest: digestOf('sig'), verified, verifyError };
}

export function digestOf(seed: string): string {
  let hex = '';
  for (let i = 0; hex.length < 64; i++) hex += ((seed.charCodeAt(i % seed.length) * 31 + i * 7) % 256).toString(16).padStart(2, '0');
  return `sha256:${hex.slice(0, 64)}`;
}

export function registry(
  host: string,
  repositories: { name: string; images: StoredImage[] }[],
  fields: { access?: Partial<RegistryAccess>; changes?: RegistryChanges } = {},
): RegistryScanReport {
  return {
    schema: 'shipshape/registry-scan@1',
    registry: host,
    prefix: undefined,
    scannedAt: testNow.toISOString(),
    access: { scheme: 'https', authScheme: 'bearer', anonymousPull: false, anonymousCatalog: false, tls: undefined, ...fields.access },
    repositories: repositories.map(({ name, images }) => ({
      name,
      images,
      tags: images.flatMap((image) => image.tags.map((tag): TagReport => ({ tag, digest: image.digest, mediaType: image.mediaType, movedFrom: undefined }))),
    })),
    changes: fields.changes,
    findings: [],
    diagnostics: [],
    stats: { repositories: repositories.length, tags: 0, images: 0, platformImages: 0, layers: { read: 0, fromDiskCache: 0, shared: 0 }, durationMs: 0 },
  };
}

export function node(name: string, fields: Partial<NodeInfo> = {}): NodeInfo {
  return {
    name,
    osImage: 'Bottlerocket OS 1.20.0 (aws-k8s-1.35)',
    operatingSystem: 'linux',
    kernelVersion: '6.1.119',
    containerRuntimeVersion: 'containerd://2.2.0',
    kubeletVersion: 'v1.35.2',
    architecture: 'amd64',
    providerId: undefined,
    cloud: undefined,
    instanceType: undefined,
    region: undefined,
    zone: undefined,
    labels: {},
    ...fields,
  };
}

/** Run evidence from manifests (YAML text, documents separated by ---), read as the CLI would. */
export function run(yaml: string, fields: Partial<RunEvidence> = {}, file = 'deploy.yaml'): RunEvidence {
  const { objects, diagnostics } = loadManifests([{ name: file, text: yaml }]);
  if (diagnostics.length > 0) throw new Error(`test manifests do not load: ${JSON.stringify(diagnostics)}`);
  return { sources: [file], cluster: 'manifests', objects, podSecurity: [], findings: [], images: imageReferences(objects), nodes: [], ...fields };
}

export function estate(
  fields: { pipelines?: Pipeline[]; dockerfiles?: DockerfileInfo[]; registries?: RegistryScanReport[]; run?: RunEvidence; hosts?: HostReport[] } = {},
): EstateEvidence {
  return {
    build: { sources: ['.'], repositories: ['.'], pipelines: fields.pipelines ?? [], dockerfiles: fields.dockerfiles ?? [] },
    registries: fields.registries ?? [],
    run: fields.run,
    ...(fields.hosts ? { hosts: fields.hosts } : {}),
  };
}

/** A host scan report: its containers (name → drift: an object, or `undefined` for not read) and its findings as `ruleId@container:severity`. */
export function hostReport(
  hostname: string,
  fields: { containers?: Record<string, { drift?: boolean }>; findings?: string[]; problems?: string[]; configFiles?: string[] } = {},
): HostReport {
  const emptyDrift = {
    added: [],
    modified: [],
    deleted: [],
    executables: [],
    packages: { installed: [], removed: [] },
    secrets: [],
    etc: [],
    bytes: 0,
    warnings: [],
  };
  const containers = Object.entries(fields.containers ?? {}).map(([name, { drift = true }]) => ({
    id: digestOf(name).slice(7),
    name,
    engine: 'docker' as const,
    image: { reference: `registry.example.com/${name}:1` },
    privileged: false,
    mounts: [],
    drift: drift ? emptyDrift : undefined,
    ...(drift ? {} : { driftUnknown: 'its mount-id is missing' }),
  }));
  const findings = (fields.findings ?? []).map((text) => {
    const [ruleId = '', rest = ''] = text.split('@');
    const [container, severity = 'HIGH'] = rest.split(':');
    const found = containers.find((c) => c.name === container);
    return {
      ruleId,
      title: ruleId,
      severity: severity as SeverityLevel,
      message: `${container || 'host'}: ${ruleId}`,
      container: found ? { id: found.id, name: found.name } : undefined,
      location: {},
      fingerprint: digestOf(text),
    };
  });
  return {
    host: {
      hostname,
      root: '/',
      os: undefined,
      kernel: undefined,
      engines: [{ kind: 'docker', version: '24.0.7', containers: containers.length }],
      configFiles: fields.configFiles ?? ['/etc/docker/daemon.json'],
      problems: fields.problems ?? [],
    },
    containers,
    findings,
  };
}

/** A map holding just these node ids (kind from the prefix); `[]` is a map with no nodes. */
export function mapOf(ids: string[] = []): LifecycleMap {
  return {
    schema: 'shipshape/lifecycle-map@1',
    generatedAt: testNow.toISOString(),
    inputs: { sources: [], registries: [], unscannedRegistries: [], workloads: [], config: null },
    nodes: ids.map((id) => ({ id, kind: id.split(':')[0] as LifecycleNodeKind, stage: 'build', label: id, evidence: [], attributes: {} })),
    edges: [],
    findings: [],
    unknowns: [],
    diagnostics: [],
  };
}

export function context(
  evidence: EstateEvidence,
  fields: { map?: LifecycleMap; policy?: Partial<Policy>; advisories?: ControlContext['advisories']; now?: Date } = {},
): ControlContext {
  return { evidence, map: fields.map ?? mapOf(), policy: { ...defaultPolicy, ...fields.policy }, now: fields.now ?? testNow, advisories: fields.advisories };
}
