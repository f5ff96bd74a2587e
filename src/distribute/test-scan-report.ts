/** Reports of `registry scan` for tests: the scan history's and the store's. */

import { digestOf } from '../image/digest.js';
import type { RegistryFinding, RegistryScanReport } from './model.js';

const d = (name: string): string => digestOf(name);

/** A report with `repository → tag → digest name` and findings by fingerprint. */
export function scanReport(scannedAt: string, tags: Record<string, Record<string, string>>, fingerprints: string[], prefix?: string): RegistryScanReport {
  const repositories = Object.entries(tags).map(([name, byTag]) => {
    const digests = [...new Set(Object.values(byTag))];
    return {
      name,
      tags: Object.entries(byTag).map(([tag, digest]) => ({
        tag,
        digest: d(digest),
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        movedFrom: undefined,
      })),
      images: digests.map((digest) => ({
        digest: d(digest),
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        tags: Object.keys(byTag).filter((tag) => byTag[tag] === digest),
        platforms: [],
        signatures: [],
        attestations: [],
      })),
    };
  });
  const findings: RegistryFinding[] = fingerprints.map((fingerprint) => ({
    ruleId: 'SS-REG-001',
    title: 'unsigned image',
    severity: 'MEDIUM',
    message: `finding ${fingerprint}`,
    location: {},
    fingerprint,
    target: { registry: 'registry.example:5000', repository: 'team/app', tag: undefined, digest: d('a') },
  }));
  return {
    schema: 'shipshape/registry-scan@1',
    registry: 'registry.example:5000',
    prefix,
    scannedAt,
    access: { scheme: 'https', authScheme: 'bearer', anonymousPull: false, anonymousCatalog: false, tls: undefined },
    repositories,
    changes: undefined,
    findings,
    diagnostics: [],
    stats: {
      repositories: repositories.length,
      tags: repositories.reduce((n, r) => n + r.tags.length, 0),
      images: repositories.reduce((n, r) => n + r.images.length, 0),
      platformImages: 0,
      layers: { read: 0, fromDiskCache: 0, shared: 0 },
      durationMs: 0,
    },
  };
}
