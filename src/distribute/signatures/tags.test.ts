import { describe, expect, it } from 'vitest';
import { cosignTag, isArtifactTag, referrersTag } from './tags.js';

const hex = '0123456789abcdef'.repeat(4);
const digest = `sha256:${hex}`;

describe('cosign and referrers tags', () => {
  it('maps a digest to cosign tags and the referrers fallback tag', () => {
    expect(cosignTag(digest, 'sig')).toBe(`sha256-${hex}.sig`);
    expect(cosignTag(digest, 'att')).toBe(`sha256-${hex}.att`);
    expect(cosignTag(digest, 'sbom')).toBe(`sha256-${hex}.sbom`);
    expect(referrersTag(digest)).toBe(`sha256-${hex}`);
  });

  it('truncates a sha512 digest to 64 characters in the referrers tag, as the spec says', () => {
    const long = `sha512:${'ab'.repeat(64)}`;
    expect(referrersTag(long)).toBe(`sha512-${'ab'.repeat(32)}`);
    expect(isArtifactTag(referrersTag(long))).toBe(true);
    expect(isArtifactTag(cosignTag(long, 'sig'))).toBe(true);
  });

  it('refuses to build a tag from a malformed digest', () => {
    expect(() => cosignTag('sha256:xyz', 'sig')).toThrow();
  });

  it('recognises artifact tags and nothing else', () => {
    for (const tag of [`sha256-${hex}.sig`, `sha256-${hex}.att`, `sha256-${hex}.sbom`, `sha256-${hex}`]) expect(isArtifactTag(tag)).toBe(true);
    for (const tag of [
      'latest',
      'v1.2.3',
      `sha256-${hex}.sig2`,
      `sha256-${hex.slice(1)}`,
      `sha256-${hex.toUpperCase()}`,
      `sha256-${hex}.SIG`,
      `x-sha256-${hex}`,
      `sha256-${hex}-dev`,
    ]) {
      expect(isArtifactTag(tag), tag).toBe(false);
    }
  });
});
