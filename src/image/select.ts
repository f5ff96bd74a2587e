import { NotFoundError, UnsupportedError } from '../core/errors.js';
import { defaultPlatform, formatPlatform, platformMatches, type Platform } from './platform.js';
import type { Descriptor, ImageIndex } from './schema.js';

/** Annotations that name an image in an index (OCI, then containerd / docker save). */
const refNameAnnotations = ['org.opencontainers.image.ref.name', 'io.containerd.image.name'] as const;

/** BuildKit attestation manifests sit in indexes with platform unknown/unknown: never an image to scan. */
export function isAttestation(descriptor: Descriptor): boolean {
  return (
    descriptor.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' ||
    (descriptor.platform?.os === 'unknown' && descriptor.platform.architecture === 'unknown')
  );
}

/**
 * Picks the entry of an index for the wanted platform. Entries without a platform are accepted
 * only when they are the single candidate. Throws NotFoundError listing what the index offers.
 */
export function selectByPlatform(what: string, index: ImageIndex, wanted: Platform = defaultPlatform): Descriptor {
  const candidates = index.manifests.filter((d) => !isAttestation(d));
  const matching = candidates.filter((d) => d.platform !== undefined && platformMatches(wanted, d.platform));
  const chosen = matching[0] ?? (candidates.length === 1 && !candidates[0]?.platform ? candidates[0] : undefined);
  if (chosen) return chosen;
  const offered = candidates.map((d) => (d.platform ? formatPlatform(d.platform) : '(no platform)')).join(', ');
  throw new NotFoundError(`${what} has no image for platform ${formatPlatform(wanted)}; it offers: ${offered || 'nothing'}`, {
    hint: 'choose one with --platform os/arch[/variant]',
  });
}

/**
 * A single-platform image (no index to choose from) must be the platform the user asked for, when
 * they asked for one: reading amd64 for `--platform linux/arm64` would report on an image that does
 * not run there. Without a wanted platform the image is read as it is, as docker and trivy do.
 */
export function requirePlatform(what: string, image: Platform, wanted: Platform | undefined): void {
  if (wanted === undefined || platformMatches(wanted, image)) return;
  throw new NotFoundError(`${what} has no image for platform ${formatPlatform(wanted)}; it is a single-platform ${formatPlatform(image)} image`, {
    hint: 'leave out --platform to read it as it is',
  });
}

/** The name an index entry carries, if any. */
export function refNameOf(descriptor: Descriptor): string | undefined {
  for (const key of refNameAnnotations) {
    const value = descriptor.annotations?.[key];
    if (value) return value;
  }
  return undefined;
}

/**
 * Whether an entry's ref name answers to what the user asked for. `bullseye-app:latest` answers to
 * itself, and a full reference (`docker.io/library/app:1`) to its tag-less short forms too.
 */
export function refNameMatches(refName: string, wanted: string): boolean {
  if (refName === wanted) return true;
  const withoutDomain = refName.replace(/^[^/]+\.[^/]+\//, '').replace(/^library\//, '');
  return withoutDomain === wanted || withoutDomain === `${wanted}:latest`;
}

/**
 * Picks one entry of a top-level index (an OCI layout's `index.json`): by ref name when `wanted`
 * is given, then by platform among what is left. An index with several differently named images
 * and no `wanted` is ambiguous and refused with the list of names.
 */
export function selectFromLayoutIndex(what: string, index: ImageIndex, wanted: string | undefined, platform: Platform | undefined): Descriptor {
  let entries = index.manifests;
  if (entries.length === 0) throw new NotFoundError(`${what} holds no images`);
  if (wanted !== undefined) {
    entries = entries.filter((d) => {
      const name = refNameOf(d);
      return name !== undefined && refNameMatches(name, wanted);
    });
    if (entries.length === 0) {
      throw new NotFoundError(`${what} has no image named ${JSON.stringify(wanted)}; it has: ${namesIn(index.manifests)}`);
    }
  } else if (new Set(entries.map(refNameOf)).size > 1) {
    throw new UnsupportedError(`${what} holds ${entries.length} images; choose one with --image NAME (${namesIn(entries)})`);
  }
  const only = entries[0];
  if (entries.length === 1 && only) return only;
  return selectByPlatform(what, { ...index, manifests: entries }, platform);
}

function namesIn(entries: Descriptor[]): string {
  const names = entries.map((d) => refNameOf(d) ?? d.digest);
  return [...new Set(names)].join(', ') || 'nothing';
}
