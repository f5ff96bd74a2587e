/**
 * Tags of a parent image's repository read as versions, and which of them belong to the same line
 * as the tag a Dockerfile names: same variant suffix (`-slim`, `-alpine3.19`, `-slim-bookworm`),
 * same major version. Pure: no registry is asked.
 */

/** A tag read as a version: `12.5-slim` → numbers `[12, 5]`, variant `slim`. */
export interface TagVersion {
  tag: string;
  /** `v` when the tag writes one (`v1.2.3`): such tags form their own lines. */
  prefix: '' | 'v';
  /** The dotted numbers, then a `_N` build number (`21.0.2_13` → `[21, 0, 2, 13]`). */
  numbers: number[];
  /** What follows the version after its first `-` (`slim-bookworm`, `alpine3.19`, `jre-jammy`); `''` for none. */
  variant: string;
}

// A version starts the tag and ends it or is followed by `-variant`: `3.13.0rc1`, `8u402`, `jammy-20240227` are not versions.
const versionPattern = /^(v?)(\d{1,15}(?:\.\d{1,15})*)(?:_(\d{1,15}))?(?:-(.+))?$/;

/**
 * `3.19.1`, `12.5-slim`, `1.22-alpine3.19`, `21.0.2_13-jre-jammy`, `v1.2`; undefined for tags that
 * are not versions: `latest`, `bookworm-slim`, pre-releases (`3.13.0rc1-slim`), dates after a name.
 */
export function parseTagVersion(tag: string): TagVersion | undefined {
  const match = versionPattern.exec(tag);
  if (!match) return undefined;
  const [, prefix, dotted, build, variant] = match;
  const numbers = (dotted ?? '').split('.').map(Number);
  if (build !== undefined) numbers.push(Number(build));
  return { tag, prefix: prefix === 'v' ? 'v' : '', numbers, variant: variant ?? '' };
}

/**
 * Orders two versions: negative when `a` is older. Numbers compare one by one; when one is the
 * start of the other the shorter is older (`3.19` before `3.19.1`: a floating tag sorts below the
 * releases it stands for); equal numbers fall back to the tags' text, so the order is total.
 */
export function compareTagVersions(a: TagVersion, b: TagVersion): number {
  const length = Math.min(a.numbers.length, b.numbers.length);
  for (let i = 0; i < length; i++) {
    const difference = (a.numbers[i] ?? 0) - (b.numbers[i] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  if (a.numbers.length !== b.numbers.length) return Math.sign(a.numbers.length - b.numbers.length);
  return a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0;
}

/**
 * Whether `candidateTag` is in the line of `currentTag`: both versions with the same prefix, the
 * same variant suffix exactly (`-slim` is not `-slim-bookworm`, `-alpine3.19` not `-alpine3.20`)
 * and the same major version. A current tag that is not a version (`latest`, `bookworm`) is in
 * line with itself only: there is no order to move along.
 */
export function sameLine(currentTag: string, candidateTag: string): boolean {
  const current = parseTagVersion(currentTag);
  if (current === undefined) return candidateTag === currentTag;
  const candidate = parseTagVersion(candidateTag);
  return candidate !== undefined && candidate.prefix === current.prefix && candidate.variant === current.variant && candidate.numbers[0] === current.numbers[0];
}

/**
 * The tags worth reading as replacements of `currentTag`: in its line, not older than it (a
 * downgrade is no advice) and not itself, newest first, at most `max` of them.
 */
export function lineCandidates(currentTag: string, tags: readonly string[], max: number): string[] {
  const current = parseTagVersion(currentTag);
  if (current === undefined) return [];
  return tags
    .filter((tag) => tag !== currentTag && sameLine(currentTag, tag))
    .map((tag) => parseTagVersion(tag) as TagVersion)
    .filter((candidate) => compareTagVersions(candidate, current) >= 0)
    .sort((a, b) => compareTagVersions(b, a))
    .slice(0, Math.max(0, max))
    .map((candidate) => candidate.tag);
}
