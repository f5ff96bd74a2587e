import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-002',
  title: 'Base image uses `latest` or no tag',
  severity: 'MEDIUM',
  rationale: 'Without a version tag the build silently picks up whatever `latest` points to today, including major upgrades and untested content.',
  remediation: 'Name an explicit version tag (and preferably a digest): `FROM node:20.11-bookworm-slim@sha256:…`.',
  references: ['hadolint DL3006', 'hadolint DL3007', 'CIS Docker Benchmark 4.2'],
  hadolint: 'DL3006, DL3007',
  cis: '4.2',
};

/** SS-DF-002: `latest` or no tag at all (hadolint DL3006, DL3007). */
export const baseImageTag: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM ubuntu\n', 'FROM ubuntu:latest\n', 'ARG TAG=latest\nFROM node:${TAG}\n', 'FROM registry.example.com:5000/team/app\n'],
    good: [
      'FROM ubuntu:22.04\n',
      'FROM scratch\n',
      'FROM ubuntu@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n',
      'FROM node:20 AS build\nFROM build\n',
      'ARG BASE\nFROM ${BASE}\n',
    ],
  },
  check(dockerfile) {
    return dockerfile.stages.flatMap((s) => {
      if (s.parent !== undefined || s.unresolved || s.imageName === '' || s.imageName.toLowerCase() === 'scratch') return [];
      if (s.tag === 'latest') return [findingAt(meta, dockerfile, s.from, `base image \`${s.image}\` uses the \`latest\` tag`)];
      if (s.tag === undefined && s.digest === undefined)
        return [findingAt(meta, dockerfile, s.from, `base image \`${s.image}\` has no tag (implicitly \`latest\`)`)];
      return [];
    });
  },
};
