import type { VersionScheme } from '../scheme.js';
import { compareNuget } from './compare.js';
import { parseNuget, type NugetVersion } from './version.js';

export { type NugetVersion } from './version.js';

/** NuGet (`NuGetVersion`, `VersionComparer.Default`): SemVer 2.0 with a fourth number. */
export const nugetScheme: VersionScheme<NugetVersion> = {
  id: 'nuget',
  description: 'NuGet SemVer 2.0 with 4-part versions; labels case-insensitive, metadata ignored',
  parse: parseNuget,
  compare: compareNuget,
};
