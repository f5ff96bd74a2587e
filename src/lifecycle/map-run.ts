import type { RegistryScanReport, RepositoryReport } from '../distribute/model.js';
import { isPublicRegistry, normaliseRegistryHost } from '../image/registry-hosts.js';
import type { K8sObject } from '../runtime/manifests/load.js';
import { isRecord } from '../core/records.js';
import { isPodBearing } from '../runtime/manifests/pods.js';
import type { WorkloadImage } from '../runtime/manifests/images.js';
import type { RunEvidence } from './estate-model.js';
import { type GraphBuilder, whereOf } from './graph.js';
import { imageId, imageNode } from './map-build.js';
import { imageKey, variablesIn } from './references.js';

/**
 * The distribute and run phases of the map: registries with what their scans say about each image
 * repository, and clusters running workloads that pull images, hosted on nodes.
 */

/** What a registry scan knows about one repository, when a scan covers it. */
export interface RepositoryEvidence {
  report: RegistryScanReport;
  /** undefined: the scan covers the repository's name but did not find it. */
  repository: RepositoryReport | undefined;
}

/** The scan covering `registry/repository` (the registry's prefix, if any, must cover the name). */
export function repositoryEvidence(reports: readonly RegistryScanReport[], registry: string, repository: string): RepositoryEvidence | undefined {
  for (const report of reports) {
    if (normaliseRegistryHost(report.registry) !== registry) continue;
    const prefix = report.prefix?.replace(/\/+$/, '');
    if (prefix !== undefined && prefix !== '' && repository !== prefix && !repository.startsWith(`${prefix}/`)) continue;
    return { report, repository: report.repositories.find((r) => r.name === repository) };
  }
  return undefined;
}

/** Whether a digest is stored in the repository: as an image (manifest or index) or one of an index's platform manifests. */
export function isStored(repository: RepositoryReport, digest: string): boolean {
  return repository.images.some((image) => image.digest === digest || image.platforms.some((p) => p.digest === digest));
}

/** Whether a tag points at `digest` (or at the index holding it): an untagged manifest is left behind by a moved tag. */
export function isTagged(repository: RepositoryReport, digest: string): boolean {
  return repository.images.some((image) => image.tags.length > 0 && (image.digest === digest || image.platforms.some((p) => p.digest === digest)));
}

/** Whether `digest` is what `tagDigest` points at, or one of its platform manifests. */
export function sameImage(repository: RepositoryReport, tagDigest: string, digest: string): boolean {
  if (tagDigest === digest) return true;
  return repository.images.some((image) => image.digest === tagDigest && image.platforms.some((p) => p.digest === digest));
}

export function addRegistryReports(graph: GraphBuilder, reports: readonly RegistryScanReport[]): void {
  for (const report of reports) {
    const host = normaliseRegistryHost(report.registry);
    graph.node(
      `registry:${host}`,
      'registry',
      'registry',
      host,
      `registry scan ${report.registry}${report.prefix ? `/${report.prefix}` : ''} at ${report.scannedAt}`,
      {
        host,
        public: isPublicRegistry(host),
        scanned: true,
        scannedAt: report.scannedAt,
        prefix: report.prefix,
        repositories: report.repositories.length,
        scheme: report.access.scheme,
        authScheme: report.access.authScheme,
        anonymousPull: report.access.anonymousPull,
      },
    );
  }
}

/** The repositories a registry scan found that no pipeline, Dockerfile or workload names: they are on the map too. */
export function addStoredImages(graph: GraphBuilder, reports: readonly RegistryScanReport[]): void {
  for (const report of reports) {
    const host = normaliseRegistryHost(report.registry);
    for (const repository of report.repositories) {
      const id = `image:${host}/${repository.name}`;
      if (graph.nodes.has(id)) continue;
      graph.node(id, 'image', 'registry', `${host}/${repository.name}`, `registry scan ${report.registry} at ${report.scannedAt}`, {
        registry: host,
        repository: repository.name,
        public: isPublicRegistry(host),
      });
    }
  }
}

/** Each image repository: `stored-in` its registry, with the tags and digests its scan knows. */
export function connectImagesToRegistries(graph: GraphBuilder, reports: readonly RegistryScanReport[]): void {
  for (const node of [...graph.nodes.values()]) {
    if (node.kind !== 'image') continue;
    const registry = String(node.attributes.registry);
    const repository = String(node.attributes.repository);
    const registryId = `registry:${registry}`;
    graph.node(registryId, 'registry', 'registry', registry, node.evidence[0], { host: registry, public: isPublicRegistry(registry), scanned: false });
    const evidence = repositoryEvidence(reports, registry, repository);
    graph.edge(node.id, registryId, 'stored-in', {
      where: evidence ? `registry scan ${evidence.report.registry} at ${evidence.report.scannedAt}` : node.evidence[0],
      scanned: evidence !== undefined,
    });
    const tags: Record<string, string | null> = {};
    const digests = new Set<string>();
    for (const tag of evidence?.repository?.tags ?? []) tags[tag.tag] = tag.digest;
    for (const image of evidence?.repository?.images ?? []) digests.add(image.digest);
    for (const edge of graph.edges) {
      if (edge.to !== node.id || edge.kind === 'copied-from') continue;
      const tag = edge.attributes.tag;
      if (typeof tag === 'string' && variablesIn(tag).length === 0 && !(tag in tags)) tags[tag] = null;
      const digest = edge.attributes.digest;
      if (typeof digest === 'string') digests.add(digest);
    }
    node.attributes.tags = tags;
    node.attributes.digests = [...digests].sort();
    node.attributes.scanned = evidence !== undefined;
    node.attributes.inRegistry = evidence === undefined ? undefined : evidence.repository !== undefined;
  }
}

/** Clusters, the workloads they run and the images those pull, and the nodes that host them. */
export function addRunPhase(graph: GraphBuilder, run: RunEvidence, reports: readonly RegistryScanReport[]): void {
  const clusterId = `cluster:${run.cluster}`;
  graph.node(clusterId, 'cluster', 'orchestrator', run.cluster, run.sources.join(', '), { sources: run.sources, nodes: run.nodes.length });
  const owners = new OwnerIndex(run.objects);
  const running = runningDigests(run.objects, owners);
  for (const image of run.images) {
    const object = owners.objectOf(image);
    // A Pod or ReplicaSet a Deployment (…) controls is that workload: its images come from the owner's template.
    if (object !== undefined && owners.topOwner(object) !== object) continue;
    const id = workloadId(image);
    const objectWhere = whereOf(image.file, object?.line ?? image.line);
    graph.node(id, 'workload', 'orchestrator', `${image.kind}/${image.workload ?? '(unnamed)'}`, objectWhere, {
      namespace: image.namespace ?? 'default',
      kind: image.kind,
      name: image.workload,
      file: image.file,
      line: object?.line ?? image.line,
    });
    graph.edge(clusterId, id, 'runs', { where: objectWhere });
    addPull(graph, id, image, running.get(`${id}\0${image.container ?? ''}`), reports);
  }
  run.nodes.forEach((info) => {
    graph.node(`node:${info.name}`, 'node', 'host', info.name, run.cluster, {
      osImage: info.osImage,
      operatingSystem: info.operatingSystem,
      kernelVersion: info.kernelVersion,
      containerRuntimeVersion: info.containerRuntimeVersion,
      kubeletVersion: info.kubeletVersion,
      architecture: info.architecture,
      cloud: info.cloud?.provider,
      instanceId: info.cloud?.instanceId,
      instanceType: info.instanceType,
      region: info.region,
      zone: info.zone,
    });
    graph.edge(clusterId, `node:${info.name}`, 'hosted-on', { where: run.sources[0] ?? run.cluster });
  });
}

function workloadId(image: Pick<WorkloadImage, 'namespace' | 'kind' | 'workload'>): string {
  return `workload:${image.namespace ?? 'default'}/${image.kind}/${image.workload ?? '(unnamed)'}`;
}

function addPull(graph: GraphBuilder, workload: string, image: WorkloadImage, running: string[] | undefined, reports: readonly RegistryScanReport[]): void {
  const where = whereOf(image.file, image.line);
  const key = imageKey(image.image);
  if (image.parseError !== undefined || !key.ok || key.tagVariables.length > 0) {
    const reason = image.parseError ?? (key.ok ? 'unresolved tag' : key.reason);
    graph.unknown({
      node: workload,
      value: image.image,
      variables: variablesIn(image.image),
      where,
      reason: `container ${image.container ?? '(unnamed)'}: ${reason}`,
    });
    return;
  }
  imageNode(graph, key, where);
  const evidence = repositoryEvidence(reports, key.registry, key.repository);
  const stored = evidence?.repository;
  // The registry's tags for the pinned digest: `api@sha256:…` is release 1.4.2.
  const registryTags =
    key.digest === undefined || stored === undefined ? undefined : stored.tags.filter((t) => sameImage(stored, t.digest, key.digest ?? '')).map((t) => t.tag);
  graph.edge(workload, imageId(key), 'pulled-from', {
    container: image.container,
    containerType: image.containerType,
    tag: key.tag,
    digest: key.digest,
    registryTags: registryTags?.length ? registryTags : undefined,
    runningDigests: running?.length ? running : undefined,
    where,
  });
}

/** Which object a workload image was read from, and who controls it (`ownerReferences`). */
class OwnerIndex {
  private readonly byName = new Map<string, K8sObject>();

  constructor(private readonly objects: readonly K8sObject[]) {
    for (const object of objects)
      if (isPodBearing(object) && object.name !== undefined) this.byName.set(this.key(object.namespace, object.kind, object.name), object);
  }

  objectOf(image: WorkloadImage): K8sObject | undefined {
    return this.objects.find((o) => o.file === image.file && o.kind === image.kind && o.name === image.workload && o.namespace === image.namespace);
  }

  /** Follows controller owner references while the owner is a pod-bearing object that was read. */
  topOwner(object: K8sObject): K8sObject {
    let current = object;
    for (let hops = 0; hops < 8; hops++) {
      const owner = this.controllerOf(current);
      if (owner === undefined) break;
      current = owner;
    }
    return current;
  }

  private controllerOf(object: K8sObject): K8sObject | undefined {
    const metadata = isRecord(object.raw.metadata) ? object.raw.metadata : {};
    const references = Array.isArray(metadata.ownerReferences) ? metadata.ownerReferences : [];
    const controller = references.find((r): r is Record<string, unknown> => isRecord(r) && r.controller === true);
    if (controller === undefined || typeof controller.kind !== 'string' || typeof controller.name !== 'string') return undefined;
    return this.byName.get(this.key(object.namespace, controller.kind, controller.name));
  }

  private key(namespace: string | undefined, kind: string, name: string): string {
    return `${namespace ?? 'default'}\0${kind}\0${name}`;
  }
}

/**
 * The digests pods actually run (`status.containerStatuses[].imageID`), per top-level workload and
 * container: what the node pulled, whatever tag the spec names.
 */
function runningDigests(objects: readonly K8sObject[], owners: OwnerIndex): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const object of objects) {
    if (object.kind !== 'Pod') continue;
    const status = isRecord(object.raw.status) ? object.raw.status : {};
    const top = owners.topOwner(object);
    for (const list of ['initContainerStatuses', 'containerStatuses']) {
      const statuses = Array.isArray(status[list]) ? (status[list] as unknown[]) : [];
      for (const s of statuses) {
        if (!isRecord(s) || typeof s.imageID !== 'string' || typeof s.name !== 'string') continue;
        const digest = /(sha256:[0-9a-f]{64})$/.exec(s.imageID)?.[1];
        if (digest === undefined) continue;
        const key = `${workloadId({ namespace: top.namespace, kind: top.kind, workload: top.name })}\0${s.name}`;
        const list_ = result.get(key) ?? [];
        if (!list_.includes(digest)) list_.push(digest);
        result.set(key, list_);
      }
    }
  }
  return result;
}
