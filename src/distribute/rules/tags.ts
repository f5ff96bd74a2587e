import type { RegistryRule } from './rule.js';
import { nist, storedImages } from './rule.js';

export const movedTag: RegistryRule = {
  meta: {
    id: 'SS-REG-010',
    title: 'Tag moved to another image since the previous scan',
    severity: 'MEDIUM',
    rationale: 'A mutable tag means two pulls of the same name can run different code; workloads pinned to the tag change without a deploy.',
    remediation: 'Make tags immutable in the registry (ECR IMMUTABLE, Harbor immutable-tag rules, ACR locks) and deploy by digest.',
    references: [nist('4.2.2', 'Stale images in registries'), 'CKV_AWS_51 (ECR image tag immutability)'],
  },
  check: ({ report }) =>
    report.repositories.flatMap((repository) =>
      repository.tags
        .filter((tag) => tag.movedFrom !== undefined)
        .map((tag) => ({
          message: `${repository.name}:${tag.tag} moved from ${tag.movedFrom ?? ''} to ${tag.digest} since the previous scan`,
          target: { repository: repository.name, tag: tag.tag, digest: tag.digest },
          identity: [tag.tag, tag.movedFrom, tag.digest],
        })),
    ),
};

export const latestTag: RegistryRule = {
  meta: {
    id: 'SS-REG-011',
    title: 'Repository has a latest tag',
    severity: 'LOW',
    rationale: '`latest` is the default tag and always moves: whatever pulls it gets an unknown version.',
    remediation: 'Tag releases with versions or commit ids and deploy by digest; stop pushing `latest` to production repositories.',
    references: [nist('4.2.2', 'Stale images in registries'), 'CIS Docker Benchmark 5.27'],
  },
  check: ({ report }) =>
    report.repositories
      .filter((repository) => repository.tags.some((tag) => tag.tag === 'latest'))
      // one finding per repository, wherever latest points
      .map((repository) => ({
        message: `${repository.name} has a latest tag`,
        target: { repository: repository.name, tag: 'latest', digest: repository.tags.find((t) => t.tag === 'latest')?.digest },
        identity: ['latest'],
      })),
};

export const untagged: RegistryRule = {
  meta: {
    id: 'SS-REG-015',
    title: 'Image stored with no tag pointing at it',
    severity: 'LOW',
    rationale: 'Untagged images are left behind by moved tags: they keep old vulnerabilities pullable by digest and are easily forgotten.',
    remediation: 'Prune untagged manifests (registry garbage collection, retention policies) unless a workload still runs them by digest.',
    references: [nist('4.2.2', 'Stale images in registries'), 'CKV_AZURE_167 (untagged manifest retention)'],
  },
  check: ({ report }) =>
    [...storedImages(report)]
      .filter(({ image }) => image.tags.length === 0)
      .map(({ repository, image }) => ({
        message: `${repository.name}@${image.digest} is stored but no tag points at it`,
        target: { repository: repository.name, tag: undefined, digest: image.digest },
      })),
};
