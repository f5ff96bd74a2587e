import { describe, expect, it } from 'vitest';
import type { BaseImageAdvice, BaseParent, ScannedBaseImage } from '../../../distribute/base-advice.js';
import { parseReference } from '../../../image/reference.js';
import { readDockerfile } from '../../dockerfiles.js';
import { applyEdits } from '../apply.js';
import { trustedParentImages } from '../controls/b01-trusted-parent-images.js';
import { context, digestOf, estate, mapOf, registry, stored } from '../test-evidence.js';
import { baseAdviceChanges, baseAdviceControlId, baseParentsOf, mergeBaseAdviceChanges } from './base-advice-changes.js';

const file = 'apps/api/Dockerfile';
const text = [
  'ARG GO=golang:1.22-bookworm',
  'FROM --platform=linux/amd64 debian:11.6-slim AS base',
  'RUN true',
  'FROM base AS app',
  'FROM ${GO} AS tools',
  'FROM docker.io/library/debian:11.6-slim',
  'FROM scratch',
  '',
].join('\n');

const newDebian = digestOf('debian 11.7-slim');
const newGo = digestOf('golang 1.23.1-bookworm');

function scan(seed: string, fixableCriticalHigh: number, fixableCriticalHighMedium: number): ScannedBaseImage {
  return {
    state: 'scanned',
    digest: digestOf(seed),
    platformDigest: digestOf(`${seed} amd64`),
    platform: 'linux/amd64',
    vulnerabilities: {},
    fixable: {},
    fixableCriticalHigh,
    fixableCriticalHighMedium,
  };
}

/** Advice for a parent moving it to `tag` (digest `digest`), 2/3 fixable before, 0/0 after. */
function upgrade(parent: BaseParent, tag: string, digest: string): BaseImageAdvice {
  const ref = parseReference(parent.reference);
  const after = { ...scan(tag, 0, 0), digest };
  return {
    parent: parent.reference,
    registry: ref.registry,
    repository: ref.repository,
    tag: ref.tag,
    pinned: ref.digest,
    platform: parent.platform ?? 'linux/amd64',
    uses: parent.uses,
    current: scan(parent.reference, 2, 3),
    candidates: [{ tag, scan: after }],
    recommendation: { tag, reference: `${ref.registry}/${ref.repository}:${tag}@${digest}`, scan: after },
    verdict: 'upgrade',
    why: 'fewer',
    diagnostics: [],
  };
}

describe('baseParentsOf', () => {
  it('groups the FROMs by the parent as resolved and the platform asked for, leaving out stages and scratch', () => {
    const parents = baseParentsOf([readDockerfile(file, text, '.')]);
    expect(parents).toEqual([
      {
        reference: 'docker.io/library/debian:11.6-slim',
        platform: 'linux/amd64',
        uses: [{ file, line: 2, written: 'debian:11.6-slim', literal: true, platform: 'linux/amd64', stageName: 'base' }],
      },
      {
        reference: 'docker.io/library/golang:1.22-bookworm',
        platform: undefined,
        uses: [{ file, line: 5, written: '${GO}', literal: false, platform: undefined, stageName: 'tools' }],
      },
      {
        reference: 'docker.io/library/debian:11.6-slim',
        platform: undefined,
        uses: [{ file, line: 6, written: 'docker.io/library/debian:11.6-slim', literal: true, platform: undefined, stageName: undefined }],
      },
    ]);
  });

  it('reads a build platform variable as no platform, and skips FROMs whose ARG has no default', () => {
    const parents = baseParentsOf([readDockerfile(file, 'ARG BASE\nFROM ${BASE}\nFROM --platform=$BUILDPLATFORM alpine:3.19.1\n', '.')]);
    expect(parents.map((p) => [p.reference, p.platform, p.uses[0]?.platform])).toEqual([['docker.io/library/alpine:3.19.1', undefined, '$BUILDPLATFORM']]);
  });
});

describe('baseAdviceChanges', () => {
  const dockerfile = readDockerfile(file, text, '.');
  const [debianWithPlatform, go, debian] = baseParentsOf([dockerfile]) as [BaseParent, BaseParent, BaseParent];
  const advice = [upgrade(debianWithPlatform, '11.7-slim', newDebian), upgrade(go, '1.23.1-bookworm', newGo), upgrade(debian, '11.7-slim', newDebian)];
  const map = mapOf([`dockerfile:${file}`, 'image:docker.io/library/debian']);

  it(`rewrites each literal FROM to the recommended tag pinned by digest, keeping --platform and AS, for ${baseAdviceControlId}`, () => {
    const changes = baseAdviceChanges(advice, map);
    expect(changes.map((c) => c.line)).toEqual([2, 5, 6]);
    expect(changes[0]).toEqual({
      summary: `move the parent to library/debian:11.7-slim, pinned by digest (fixable critical/high 2 → 0, with medium 3 → 0): replace line 2 of ${file}`,
      file,
      line: 2,
      snippet: `FROM --platform=linux/amd64 debian:11.7-slim@${newDebian} AS base`,
      edits: [{ kind: 'substitute', file, line: 2, find: 'debian:11.6-slim', replace: `debian:11.7-slim@${newDebian}` }],
      nodes: [`dockerfile:${file}`, 'image:docker.io/library/debian'],
      rules: ['SS-DF-001'],
    });
    expect(changes[2]?.edits).toEqual([
      { kind: 'substitute', file, line: 6, find: 'docker.io/library/debian:11.6-slim', replace: `docker.io/library/debian:11.7-slim@${newDebian}` },
    ]);

    // applied, the estate reader sees the new parents, with their platform and stage
    const patched = readDockerfile(
      file,
      applyEdits(
        text,
        file,
        changes.flatMap((c) => c.edits),
      ),
      '.',
    );
    expect(patched.froms.map((f) => [f.line, f.resolved, f.platform, f.stageName])).toEqual([
      [2, `debian:11.7-slim@${newDebian}`, 'linux/amd64', 'base'],
      [4, 'base', undefined, 'app'],
      [5, 'golang:1.22-bookworm', undefined, 'tools'],
      [6, `docker.io/library/debian:11.7-slim@${newDebian}`, undefined, undefined],
      [7, 'scratch', undefined, undefined],
    ]);
    expect(patched.findings.filter((f) => f.ruleId === 'SS-DF-001').map((f) => f.location.startLine)).toEqual([5]);
  });

  it('says what to set for a parent named through an ARG, and edits nothing', () => {
    const change = baseAdviceChanges(advice, map)[1];
    expect(change?.edits).toEqual([]);
    expect(change?.rules).toBeUndefined();
    expect(change?.summary).toBe(
      `move the parent to library/golang:1.23.1-bookworm, pinned by digest (fixable critical/high 2 → 0, with medium 3 → 0): line 5 of ${file} names it through ARGs, set them so that it reads docker.io/library/golang:1.23.1-bookworm@${newGo}`,
    );
    expect(change?.snippet).toBe(`FROM docker.io/library/golang:1.23.1-bookworm@${newGo} AS tools`);
    expect(change?.nodes).toEqual([`dockerfile:${file}`]);
  });

  it('proposes nothing for advice that recommends nothing', () => {
    const stay: BaseImageAdvice[] = advice.map((a, index) => ({
      ...a,
      recommendation: undefined,
      verdict: (['already-best', 'unknown', 'nothing-in-line'] as const)[index] ?? 'unknown',
    }));
    expect(baseAdviceChanges(stay, map)).toEqual([]);
  });
});

describe('mergeBaseAdviceChanges', () => {
  it("replaces SS-CTL-B01's pin of the current tag on the lines the advice rewrites, keeping its other changes", () => {
    const internal = 'registry.example.com';
    const current = digestOf('base 1.4');
    const better = digestOf('base 1.6');
    const source = `FROM ${internal}/platform/base:1.4 AS build\nRUN make\nFROM alpine:3.19.1\n`;
    const dockerfile = readDockerfile(file, source, '.');
    const evidence = estate({ dockerfiles: [dockerfile], registries: [registry(internal, [{ name: 'platform/base', images: [stored(current, ['1.4'])] }])] });
    const b01 = trustedParentImages.evaluate(context(evidence));
    // b01 pins line 1 to the digest 1.4 has now; alpine (line 3) gets its own changes
    expect(b01.changes.find((c) => c.line === 1)?.edits).toEqual([
      { kind: 'substitute', file, line: 1, find: `${internal}/platform/base:1.4`, replace: `${internal}/platform/base:1.4@${current}` },
    ]);
    const [base] = baseParentsOf([dockerfile]);
    const adviceChanges = baseAdviceChanges([upgrade(base as BaseParent, '1.6', better)], mapOf());

    const merged = mergeBaseAdviceChanges(b01.changes, adviceChanges);
    expect(merged.filter((c) => c.line === 1)).toEqual(adviceChanges);
    expect(merged.filter((c) => c.line === 3)).toEqual(b01.changes.filter((c) => c.line === 3));
    const patched = applyEdits(
      source,
      file,
      merged.flatMap((c) => c.edits),
    );
    expect(readDockerfile(file, patched, '.').froms[0]?.resolved).toBe(`${internal}/platform/base:1.6@${better}`);
  });
});
