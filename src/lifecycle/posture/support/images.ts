import type { PlatformImage, RegistryScanReport, RepositoryReport, StoredImage, TagReport } from '../../../distribute/model.js';
import type { ImageReference } from '../../../image/reference.js';
import { parseReference } from '../../../image/reference.js';
import { allowListMatch, isPublicRegistry, sameRegistry } from '../../../image/registry-hosts.js';
import type { DockerfileInfo, EstateEvidence } from '../../estate-model.js';
import type { LifecycleMap } from '../../model.js';
import type { Policy } from '../policy.js';
import { shellCommand } from './quote.js';

/** Parses an image reference as `docker pull` would; undefined when it is not one (or still holds `${VARIABLES}`). */
export function parseImage(text: string): ImageReference | undefined {
  if (text === '' || text.includes('${') || text.includes('$(')) return undefined;
  try {
    return parseReference(text);
  } catch {
    // Not a reference (a variable, a typo): the caller reports the text as written.
    return undefined;
  }
}

/**
 * The repository an image reference names even when its tag is still a variable
 * (`registry.example.com/team/api:${BUILD_NUMBER}`): enough to name the image's map node.
 */
export function parseRepository(text: string): ImageReference | undefined {
  const exact = parseImage(text);
  if (exact !== undefined) return exact;
  const name = nameOf(text);
  if (name === text || name.includes('${') || name.includes('$(') || /^\$/.test(name)) return undefined;
  const parsed = parseImage(`${name}:tag`);
  return parsed === undefined ? undefined : { ...parsed, tag: undefined };
}

/** How far an image's source is trusted: by the allow-list, or (without one) by being one of the estate's own registries. */
export type RegistryTrust = { trusted: boolean; why: string };

export function registryTrust(policy: Policy, evidence: EstateEvidence, registry: string, repository: string): RegistryTrust {
  if (policy.allowedRegistries.length > 0) {
    const entry = allowListMatch(policy.allowedRegistries, registry, repository);
    return entry === undefined
      ? { trusted: false, why: `${registry} is not in the policy's allowedRegistries` }
      : { trusted: true, why: `allowed by ${entry}` };
  }
  if (evidence.registries.some((report) => sameRegistry(report.registry, registry)))
    return { trusted: true, why: `${registry} is one of the estate's own registries` };
  if (isPublicRegistry(registry)) return { trusted: false, why: `${registry} is a public registry and the policy has no allowedRegistries to vouch for it` };
  return { trusted: false, why: `${registry} is neither allow-listed (the policy has no allowedRegistries) nor one of the registries scanned` };
}

/** A stored image found in the registry scans, with where it was found. */
export interface StoredHit {
  report: RegistryScanReport;
  repository: RepositoryReport;
  tag: TagReport | undefined;
  image: StoredImage | undefined;
}

/** Finds an image (by digest, else by tag) in the registry scans. */
export function findStored(
  registries: readonly RegistryScanReport[],
  registry: string,
  repository: string,
  tag: string | undefined,
  digest: string | undefined,
): StoredHit | undefined {
  for (const report of registries) {
    if (!sameRegistry(report.registry, registry)) continue;
    const repo = report.repositories.find((r) => r.name === repository);
    if (!repo) continue;
    if (digest !== undefined) {
      const image = repo.images.find((i) => i.digest === digest || i.platforms.some((p) => p.digest === digest));
      return { report, repository: repo, tag: undefined, image };
    }
    const tagReport = repo.tags.find((t) => t.tag === (tag ?? 'latest'));
    if (!tagReport) return { report, repository: repo, tag: undefined, image: undefined };
    return { report, repository: repo, tag: tagReport, image: repo.images.find((i) => i.digest === tagReport.digest) };
  }
  return undefined;
}

/** The reference as written without its tag/digest, for `name@digest` rewrites: `alpine:3.19` → `alpine`. */
function nameOf(text: string): string {
  const withoutDigest = text.split('@')[0] ?? text;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > lastSlash ? withoutDigest.slice(0, colon) : withoutDigest;
}

/** `registry/repository[:tag]` in the normalised form. */
export function displayRef(ref: Pick<ImageReference, 'registry' | 'repository' | 'tag' | 'digest'>): string {
  return `${ref.registry}/${ref.repository}${ref.digest ? `@${ref.digest}` : ref.tag ? `:${ref.tag}` : ''}`;
}

/** The command that prints a tag's digest, for when no registry scan knows it (the reference quoted). */
export function digestCommand(reference: string): string {
  return shellCommand(['skopeo', 'inspect', `docker://${reference}`, '--format', '{{.Digest}}']);
}

/** Stored images that are real images (not signature / attestation manifests stored under cosign tags). */
export function realImages(repository: RepositoryReport): StoredImage[] {
  return repository.images.filter((image) => !image.tags.some((tag) => /^sha256-[0-9a-f]{64}(\.(sig|att|sbom))?$/.test(tag)) && image.platforms.length > 0);
}

/** A platform image read by a registry scan, with where it is. */
export interface ReadPlatform {
  /** `registry/repository@digest`. */
  place: string;
  /** Its image repository's map node. */
  node: string;
  platform: PlatformImage;
}

/**
 * The platform images a Dockerfile builds whose configuration a registry scan read: those stored in
 * the image repositories its map `builds` edges lead to (retags and promotions included).
 */
function builtPlatformsRead(map: LifecycleMap, registries: readonly RegistryScanReport[], dockerfile: string): ReadPlatform[] {
  const built = new Set(map.edges.filter((e) => e.kind === 'builds' && e.from === `dockerfile:${dockerfile}`).map((e) => e.to));
  const read: ReadPlatform[] = [];
  for (const node of map.nodes) {
    if (!built.has(node.id)) continue;
    const { registry, repository } = node.attributes;
    for (const report of registries) {
      if (typeof registry !== 'string' || !sameRegistry(report.registry, registry)) continue;
      for (const image of report.repositories.filter((r) => r.name === repository).flatMap(realImages)) {
        for (const platform of image.platforms)
          if (platform.runsAsRoot !== undefined) read.push({ place: `${report.registry}/${String(repository)}@${platform.digest}`, node: node.id, platform });
      }
    }
  }
  return read;
}

/**
 * Whether the images a Dockerfile builds are read and all run as a non-root user, when the
 * Dockerfile leaves the user to a base image that was not read: the image's configuration is then
 * the authority. The read platforms, or undefined when they do not settle it.
 */
export function nonRootByRegistry(map: LifecycleMap, registries: readonly RegistryScanReport[], dockerfile: DockerfileInfo): ReadPlatform[] | undefined {
  if (dockerfile.config?.user.kind !== 'unknown') return undefined;
  const read = builtPlatformsRead(map, registries, dockerfile.file);
  return read.length > 0 && read.every((r) => r.platform.runsAsRoot === false) ? read : undefined;
}
