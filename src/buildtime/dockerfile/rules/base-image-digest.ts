import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-001',
  title: 'Base image not pinned by digest',
  severity: 'LOW',
  rationale: 'A tag can be moved to different content at any time (or by an attacker with registry access); only a digest names immutable content.',
  remediation: 'Pin the base image as `image:tag@sha256:<digest>` and update the digest deliberately (e.g. with Renovate or Dependabot).',
  references: ['CIS Docker Benchmark 4.2', 'NIST SP 800-190 4.1.5'],
  cis: '4.2',
};

/** SS-DF-001: an external base image should be pinned by digest, so rebuilds use the same bits. */
export const baseImageDigest: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM debian:12\nUSER app\n', 'ARG V=3.19\nFROM alpine:${V}\n'],
    good: [
      'FROM debian:12@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n',
      'FROM scratch\n',
      'FROM golang:1.22@sha256:aaaa AS build\nFROM build\n',
      'ARG BASE\nFROM ${BASE}\n',
    ],
  },
  check(dockerfile) {
    return dockerfile.stages
      .filter((s) => s.parent === undefined && !s.digest && !s.unresolved && s.imageName !== '' && s.imageName.toLowerCase() !== 'scratch')
      .map((s) => findingAt(meta, dockerfile, s.from, `base image \`${s.image}\` is not pinned by digest`));
  },
};
