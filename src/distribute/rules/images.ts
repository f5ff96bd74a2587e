import type { SeverityLevel } from '../../core/severity.js';
import type { RegistryRule } from './rule.js';
import { imageName, imageTarget, nist, platformImages } from './rule.js';

const label = (name: string, platform: string): string => (platform ? `${name} (${platform})` : name);

export const staleImage: RegistryRule = {
  meta: {
    id: 'SS-REG-012',
    title: 'Stale image',
    severity: 'LOW',
    rationale: 'Old images miss every fix published since they were built; if still deployed they run known vulnerabilities.',
    remediation: 'Rebuild images regularly from updated parents, and prune images no workload runs.',
    references: [nist('4.2.2', 'Stale images in registries'), 'CIS Docker Benchmark 4.4'],
  },
  check: ({ report, maxImageAgeDays }) =>
    [...platformImages(report)]
      .filter(({ image, platform }) => image.tags.length > 0 && platform.ageDays !== undefined && platform.ageDays > maxImageAgeDays)
      .map(({ repository, image, platform }) => ({
        message: `${label(imageName(repository, image), platform.platform)} was built ${platform.ageDays ?? 0} days ago (${platform.created ?? ''}), more than ${maxImageAgeDays}`,
        target: imageTarget(repository, image, platform.digest),
      })),
};

export const endOfLifeOs: RegistryRule = {
  meta: {
    id: 'SS-REG-013',
    title: 'Image based on an end-of-life OS release',
    severity: 'HIGH',
    rationale: 'An OS release past its end of support gets no security fixes: its vulnerabilities stay open for good.',
    remediation: 'Move the image to a supported release of its base (or a minimal/distroless base) and rebuild.',
    references: [nist('4.1.1', 'Image vulnerabilities'), 'CIS Docker Benchmark 4.3'],
  },
  check: ({ report }) =>
    [...platformImages(report)]
      .filter(({ platform }) => platform.os?.endOfLife === true)
      .map(({ repository, image, platform }) => ({
        message: `${label(imageName(repository, image), platform.platform)} runs ${platform.os?.name ?? ''} ${platform.os?.version ?? ''}, out of support since ${platform.os?.eolDate ?? ''}`,
        target: imageTarget(repository, image, platform.digest),
      })),
};

const severe: readonly SeverityLevel[] = ['CRITICAL', 'HIGH'];

export const vulnerableImage: RegistryRule = {
  meta: {
    id: 'SS-REG-014',
    title: 'Stored image has critical or high vulnerabilities',
    severity: 'HIGH',
    rationale: 'Images in the production registry are what gets deployed; known critical flaws there are one deploy away from running.',
    remediation: 'Rebuild with fixed packages (`shipshape scan image <ref>` lists them), and gate pushes on a vulnerability scan.',
    references: [nist('4.2.1', 'Image vulnerabilities'), nist('4.1.1', 'Image vulnerabilities')],
  },
  check: ({ report }) =>
    [...platformImages(report)].flatMap(({ repository, image, platform }) => {
      const counts = platform.vulnerabilities;
      const worst = severe.find((level) => (counts?.[level] ?? 0) > 0);
      if (!counts || !worst) return [];
      const summary = severe.map((level) => `${counts[level] ?? 0} ${level.toLowerCase()}`).join(', ');
      return [
        {
          message: `${label(imageName(repository, image), platform.platform)} has ${summary} vulnerabilities`,
          target: imageTarget(repository, image, platform.digest),
          severity: worst,
        },
      ];
    }),
};

export const uncheckedImage: RegistryRule = {
  meta: {
    id: 'SS-REG-018',
    title: 'Stored image not fully checked for vulnerabilities',
    severity: 'HIGH',
    rationale:
      'The advisory database holds no advisories for some of the image’s OS release or language ecosystems: its packages there were not checked, so "no vulnerabilities" means "no data", and critical ones may hide there.',
    remediation:
      'Fetch the advisories the message names (`shipshape db update --ecosystem …`, or `db import` of an OSV dump) and scan again; for an OS with no advisory source, move to a base whose distribution publishes one.',
    references: [nist('4.1.1', 'Image vulnerabilities'), nist('4.2.1', 'Image vulnerabilities')],
  },
  check: ({ report }) =>
    [...platformImages(report)].flatMap(({ repository, image, platform }) => {
      const gaps = platform.coverage?.ecosystems.filter((e) => !e.covered) ?? [];
      if (gaps.length === 0) return [];
      const what = gaps.map((e) => `${e.packages} ${e.ecosystem} packages (${e.reason}${e.fix ? `; ${e.fix}` : ''})`).join(', ');
      return [
        {
          message: `${label(imageName(repository, image), platform.platform)}: ${what} not checked for vulnerabilities`,
          target: imageTarget(repository, image, platform.digest),
          identity: [platform.digest, ...gaps.map((e) => e.ecosystem)],
        },
      ];
    }),
};

export const secretInImage: RegistryRule = {
  meta: {
    id: 'SS-REG-016',
    title: 'Secret stored in an image',
    severity: 'CRITICAL',
    rationale: 'Everyone who can pull the image can read the secret, also from layers where a later step deleted it.',
    remediation: 'Revoke the secret, rebuild without it (build secrets: `RUN --mount=type=secret`), and delete the old image and its tags.',
    references: [nist('4.1.3', 'Embedded clear text secrets'), 'CIS Docker Benchmark 4.10'],
  },
  check: ({ report }) =>
    [...platformImages(report)].flatMap(({ repository, image, platform }) =>
      (platform.secrets ?? []).map((secret) => ({
        message: `${label(imageName(repository, image), platform.platform)}: ${secret.title}${secret.path ? ` in ${secret.path}` : ''}${secret.layer !== undefined ? ` (layer ${secret.layer})` : ''}`,
        target: imageTarget(repository, image, platform.digest),
        identity: [platform.digest, secret.ruleId, secret.path, secret.layer],
      })),
    ),
};

export const rootImage: RegistryRule = {
  meta: {
    id: 'SS-REG-017',
    title: 'Stored image runs as root',
    severity: 'MEDIUM',
    rationale: 'A container whose process runs as root turns any escape or misconfiguration into root on the host.',
    remediation: 'Add a non-root `USER` to the Dockerfile (or run with `runAsNonRoot` in Kubernetes).',
    references: [nist('4.4.3', 'Container runtime'), 'CIS Docker Benchmark 4.1'],
  },
  check: ({ report }) =>
    [...platformImages(report)]
      .filter(({ image, platform }) => image.tags.length > 0 && platform.runsAsRoot === true)
      .map(({ repository, image, platform }) => ({
        message: `${label(imageName(repository, image), platform.platform)} runs as root (no USER)`,
        target: imageTarget(repository, image, platform.digest),
      })),
};
