import type { RegistryScanReport, RepositoryReport, StoredImage, TagReport } from '../../../distribute/model.js';
import type { ImageReference } from '../../../image/reference.js';
import { parseReference } from '../../../image/reference.js';
import type { EstateEvidence } from '../../estate-model.js';
import type { Policy } from '../policy.js';

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

/** Registries anyone can push public images to, or that serve other organisations' images. */
const publicRegistries = new Set(['docker.io', 'ghcr.io', 'quay.io', 'gcr.io', 'public.ecr.aws', 'mcr.microsoft.com', 'registry.k8s.io', 'k8s.gcr.io', 'registry.gitlab.com', 'cgr.dev', 'docker.elastic.co', 'nvcr.io', 'registry.access.redhat.com', 'registry.redhat.io']);

export function isPublicRegistry(host: string): boolean {
  return publicRegistries.has(host.toLowerCase());
}

/** Whether an allow-list entry (`registry.example.com`, `ghcr.io/acme/`, `docker.io/library/*`) admits an image. */
export function allowedBy(entries: readonly string[], registry: string, repository: string): string | undefined {
  const full = `${registry}/${repository}`.toLowerCase();
  return entries.find((raw) => {
    const entry = raw.toLowerCase().replace(/^[a-z]+:\/\//, '');
    if (entry.includes('*')) {
      const pattern = new RegExp(`^${entry.split('*').map(escapeRegExp).join('.*')}$`);
      return pattern.test(full) || pattern.test(registry.toLowerCase());
    }
    const prefix = entry.replace(/\/+$/, '');
    return full === prefix || full.startsWith(`${prefix}/`);
  });
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** How far an image's source is trusted: by the allow-list, or (without one) by being one of the estate's own registries. */
export type RegistryTrust = { trusted: boolean; why: string };

export function registryTrust(policy: Policy, evidence: EstateEvidence, registry: string, repository: string): RegistryTrust {
  if (policy.allowedRegistries.length > 0) {
    const entry = allowedBy(policy.allowedRegistries, registry, repository);
    return entry === undefined ? { trusted: false, why: `${registry} is not in the policy's allowedRegistries` } : { trusted: true, why: `allowed by ${entry}` };
  }
  if (evidence.registries.some((report) => sameRegistry(report.registry, registry))) return { trusted: true, why: `${registry} is one of the estate's own registries` };
  if (isPublicRegistry(registry)) return { trusted: false, why: `${registry} is a public registry and the policy has no allowedRegistries to vouch for it` };
  return { trusted: false, why: `${registry} is neither allow-listed (the policy has no allowedRegistries) nor one of the registries scanned` };
}

export function sameRegistry(a: string, b: string): boolean {
  const norm = (host: string): string => {
    const lower = host.toLowerCase().replace(/^[a-z]+:\/\//, '').replace(/\/+$/, '');
    return lower === 'index.docker.io' || lower === 'registry-1.docker.io' ? 'docker.io' : lower;
  };
  return norm(a) === norm(b);
}

/** A stored image found in the registry scans, with where it was found. */
export interface StoredHit {
  report: RegistryScanReport;
  repository: RepositoryReport;
  tag: TagReport | undefined;
  image: StoredImage | undefined;
}

/** Finds an image (by digest, else by tag) in the registry scans. */
export function findStored(registries: readonly RegistryScanReport[], registry: string, repository: string, tag: string | undefined, digest: string | undefined): StoredHit | undefined {
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
export function nameOf(text: string): string {
  const withoutDigest = text.split('@')[0] ?? text;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > lastSlash ? withoutDigest.slice(0, colon) : withoutDigest;
}

/** `registry/repository[:tag]` in the normalised form. */
export function displayRef(ref: Pick<ImageReference, 'registry' | 'repository' | 'tag' | 'digest'>): string {
  return `${ref.registry}/${ref.repository}${ref.digest ? `@${ref.digest}` : ref.tag ? `:${ref.tag}` : ''}`;
}

/** The command that prints a tag's digest, for when no registry scan knows it. */
export function digestCommand(reference: string): string {
  return `skopeo inspect docker://${reference} --format '{{.Digest}}'`;
}

/** Stored images that are real images (not signature / attestation manifests stored under cosign tags). */
export function realImages(repository: RepositoryReport): StoredImage[] {
  return repository.images.filter((image) => !image.tags.some((tag) => /^sha256-[0-9a-f]{64}(\.(sig|att|sbom))?$/.test(tag)) && image.platforms.length > 0);
}
