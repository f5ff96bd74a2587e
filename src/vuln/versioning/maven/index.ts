import type { VersionScheme } from '../scheme.js';
import { compareMaven } from './compare.js';
import { parseMaven, type MavenVersion } from './version.js';

export { type MavenVersion } from './version.js';

/**
 * Maven: `ComparableVersion` order as the POM reference's version order specification states it
 * (and osv-scalibr implements it): tokens split at `.`, `-` and digit/letter transitions, trailing
 * nulls trimmed before each `-`, the shorter version padded with nulls. Maven releases disagree
 * with each other at the edges; this follows the vectors, generated with maven-artifact 3.8.6.
 * Where they differ:
 * - Maven 3.8.7 and later (MNG-7559) read `1.0.0.RC1` as `1.0.0-RC1`; here, as in 3.8.6 and the
 *   specification, `1.0.0.RC1` > `1.0.0-RC2` (a `.0` is kept before a `.qualifier`);
 * - `1-ga-1` = `1-1` (the specification's example; Maven's nested lists put it below);
 * - a `.`-prefixed qualifier against the padding compares as against the release, as in Maven
 *   (osv-scalibr compares it with `0` as text: `1.ga.1` < `1` there, > here and in Maven).
 */
export const mavenScheme: VersionScheme<MavenVersion> = {
  id: 'maven',
  description: 'Maven ComparableVersion order (POM reference version order specification)',
  parse: parseMaven,
  compare: compareMaven,
};
