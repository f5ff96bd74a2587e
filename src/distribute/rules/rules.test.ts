import { describe, expect, it } from 'vitest';
import type { PlatformImage, RegistryScanReport, StoredImage } from '../model.js';
import { checkRegistry } from './check.js';
import { registryRules } from './registry.js';

const now = new Date('2026-11-29T00:00:00Z');
const digest = (n: number): string => `sha256:${String(n).repeat(64).slice(0, 64)}`;

function platform(overrides: Partial<PlatformImage> = {}): PlatformImage {
  return {
    platform: 'linux/amd64',
    digest: digest(1),
    created: '2026-11-01T00:00:00Z',
    ageDays: 28,
    os: { id: 'debian', name: 'Debian GNU/Linux', version: '12', eolDate: '2028-06-10', endOfLife: false },
    vulnerabilities: { LOW: 2 },
    fixable: { LOW: 1 },
    vulnerabilityList: [],
    coverage: {
      complete: true,
      ecosystems: [{ ecosystem: 'Debian:12', kind: 'os', covered: true, advisories: 900, packages: 88, reason: undefined, fix: undefined }],
    },
    baseName: undefined,
    baseDigest: undefined,
    source: undefined,
    revision: undefined,
    runsAsRoot: false,
    secrets: [],
    ...overrides,
  };
}

function image(overrides: Partial<StoredImage> = {}): StoredImage {
  return {
    digest: digest(1),
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    tags: ['1.0'],
    platforms: [platform()],
    signatures: [{ format: 'cosign', source: 'cosign-tag', manifestDigest: digest(9), verified: true, verifyError: undefined }],
    attestations: [
      { kind: 'provenance', predicateType: 'https://slsa.dev/provenance/v1', source: 'cosign-tag', manifestDigest: digest(8), signed: true },
      { kind: 'sbom', predicateType: 'https://spdx.dev/Document', source: 'cosign-tag', manifestDigest: digest(8), signed: true },
    ],
    ...overrides,
  };
}

/** A registry scan where everything is as it should be. */
function clean(): Omit<RegistryScanReport, 'findings'> {
  return {
    schema: 'shipshape/registry-scan@1',
    registry: 'registry.example',
    prefix: undefined,
    scannedAt: now.toISOString(),
    access: {
      scheme: 'https',
      authScheme: 'bearer',
      anonymousPull: false,
      anonymousCatalog: false,
      tls: {
        subject: 'registry.example',
        issuer: 'Example CA',
        validFrom: '2026-01-01T00:00:00Z',
        validTo: '2027-06-01T00:00:00Z',
        daysLeft: 184,
        trusted: true,
        error: undefined,
        selfSigned: false,
      },
    },
    repositories: [
      {
        name: 'team/app',
        tags: [{ tag: '1.0', digest: digest(1), mediaType: 'application/vnd.oci.image.manifest.v1+json', movedFrom: undefined }],
        images: [image()],
      },
    ],
    changes: undefined,
    diagnostics: [],
    stats: { repositories: 1, tags: 1, images: 1, platformImages: 1, layers: { read: 1, fromDiskCache: 0, shared: 0 }, durationMs: 1 },
  };
}

const options = { now, maxImageAgeDays: 180, keysGiven: true, previous: undefined };
const ruleIds = (report: Omit<RegistryScanReport, 'findings'>, keysGiven = true): string[] =>
  checkRegistry(report, { ...options, keysGiven }).map((f) => f.ruleId);

describe('SS-REG rules', () => {
  it('ids are unique and in order', () => {
    const ids = registryRules.map((r) => r.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const rule of registryRules) expect(rule.meta.references.length).toBeGreaterThan(0);
  });

  it('a clean registry has no findings', () => {
    expect(ruleIds(clean())).toEqual([]);
  });

  const cases: [string, (r: Omit<RegistryScanReport, 'findings'>) => void][] = [
    [
      'SS-REG-001',
      (r) => {
        r.access.scheme = 'http';
        r.access.tls = undefined;
      },
    ],
    [
      'SS-REG-002',
      (r) => {
        r.access.anonymousPull = true;
      },
    ],
    [
      'SS-REG-003',
      (r) => {
        r.access.anonymousCatalog = true;
      },
    ],
    [
      'SS-REG-004',
      (r) => {
        if (r.access.tls) Object.assign(r.access.tls, { trusted: false, selfSigned: true, error: 'self-signed certificate' });
      },
    ],
    [
      'SS-REG-005',
      (r) => {
        if (r.access.tls) r.access.tls.daysLeft = 10;
      },
    ],
    [
      'SS-REG-006',
      (r) => {
        r.repositories[0]!.images[0]!.signatures = [];
      },
    ],
    [
      'SS-REG-007',
      (r) => {
        r.repositories[0]!.images[0]!.signatures[0]!.verified = false;
      },
    ],
    [
      'SS-REG-008',
      (r) => {
        r.repositories[0]!.images[0]!.attestations = r.repositories[0]!.images[0]!.attestations.filter((a) => a.kind !== 'provenance');
      },
    ],
    [
      'SS-REG-009',
      (r) => {
        r.repositories[0]!.images[0]!.attestations = r.repositories[0]!.images[0]!.attestations.filter((a) => a.kind !== 'sbom');
      },
    ],
    [
      'SS-REG-010',
      (r) => {
        r.repositories[0]!.tags[0]!.movedFrom = digest(2);
      },
    ],
    [
      'SS-REG-011',
      (r) => {
        r.repositories[0]!.tags.push({ tag: 'latest', digest: digest(1), mediaType: '', movedFrom: undefined });
      },
    ],
    [
      'SS-REG-012',
      (r) => {
        r.repositories[0]!.images[0]!.platforms[0]!.ageDays = 400;
      },
    ],
    [
      'SS-REG-013',
      (r) => {
        r.repositories[0]!.images[0]!.platforms[0]!.os = { id: 'debian', name: 'Debian GNU/Linux', version: '10', eolDate: '2024-06-30', endOfLife: true };
      },
    ],
    [
      'SS-REG-014',
      (r) => {
        r.repositories[0]!.images[0]!.platforms[0]!.vulnerabilities = { CRITICAL: 1, HIGH: 3 };
      },
    ],
    [
      'SS-REG-015',
      (r) => {
        r.repositories[0]!.images.push(image({ digest: digest(3), tags: [] }));
      },
    ],
    [
      'SS-REG-016',
      (r) => {
        r.repositories[0]!.images[0]!.platforms[0]!.secrets = [{ ruleId: 'SS-SEC-001', title: 'AWS access key id', path: '/app/.env', layer: 3 }];
      },
    ],
    [
      'SS-REG-017',
      (r) => {
        r.repositories[0]!.images[0]!.platforms[0]!.runsAsRoot = true;
      },
    ],
  ];
  it.each(cases)('%s fires on its gap and nothing else does', (id, spoil) => {
    const report = clean();
    spoil(report);
    expect(ruleIds(report)).toEqual([id]);
  });

  it('a failed verification is not reported when no key was given, an expired certificate is high', () => {
    const report = clean();
    report.repositories[0]!.images[0]!.signatures[0]!.verified = false;
    expect(ruleIds(report, false)).toEqual([]);
    const expired = clean();
    expired.access.tls!.daysLeft = -3;
    const [finding] = checkRegistry(expired, options);
    expect(finding).toMatchObject({ ruleId: 'SS-REG-005', severity: 'HIGH' });
  });

  it('the vulnerability finding carries the worst severity found and a stable fingerprint', () => {
    const report = clean();
    report.repositories[0]!.images[0]!.platforms[0]!.vulnerabilities = { HIGH: 2, MEDIUM: 1 };
    const [first] = checkRegistry(report, options);
    expect(first).toMatchObject({
      ruleId: 'SS-REG-014',
      severity: 'HIGH',
      target: { registry: 'registry.example', repository: 'team/app', tag: '1.0', digest: digest(1) },
    });
    expect(first?.message).toContain('0 critical, 2 high');
    expect(checkRegistry(report, options)[0]?.fingerprint).toBe(first?.fingerprint);
  });
});
