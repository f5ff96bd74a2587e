import { describe, expect, it } from 'vitest';
import { compareTagVersions, lineCandidates, parseTagVersion, sameLine, type TagVersion } from './base-tags.js';

describe('parseTagVersion', () => {
  it.each([
    ['3.19.1', '', [3, 19, 1], ''],
    ['12.5-slim', '', [12, 5], 'slim'],
    ['12', '', [12], ''],
    ['1.22-alpine3.19', '', [1, 22], 'alpine3.19'],
    ['3.12-slim-bookworm', '', [3, 12], 'slim-bookworm'],
    ['20-alpine3.19', '', [20], 'alpine3.19'],
    ['1.25.4-alpine-slim', '', [1, 25, 4], 'alpine-slim'],
    ['22.04', '', [22, 4], ''],
    ['21-jre-jammy', '', [21], 'jre-jammy'],
    ['21.0.2_13-jre-jammy', '', [21, 0, 2, 13], 'jre-jammy'],
    ['1.22-bookworm', '', [1, 22], 'bookworm'],
    ['v1.2.3', 'v', [1, 2, 3], ''],
    ['8.0.36-debian', '', [8, 0, 36], 'debian'],
  ] as const)('%s is a version', (tag, prefix, numbers, variant) => {
    expect(parseTagVersion(tag)).toEqual({ tag, prefix, numbers, variant });
  });

  it.each(['latest', 'bookworm', 'bookworm-slim', 'jammy-20240227', 'stable-slim', '3.13.0rc1-slim', '1.22rc2', '8u402-b06-jre', 'alpine', '12-', '.1', ''])(
    '%s is not a version',
    (tag) => {
      expect(parseTagVersion(tag)).toBeUndefined();
    },
  );
});

describe('compareTagVersions', () => {
  const v = (tag: string): TagVersion => parseTagVersion(tag) as TagVersion;

  it('compares the numbers one by one, not as text', () => {
    expect(compareTagVersions(v('3.9'), v('3.10'))).toBeLessThan(0);
    expect(compareTagVersions(v('1.25.10-alpine'), v('1.25.4-alpine'))).toBeGreaterThan(0);
    expect(compareTagVersions(v('12.5-slim'), v('12.5-slim'))).toBe(0);
  });

  it('puts a floating tag below the releases it stands for, and a build number after its version', () => {
    expect(compareTagVersions(v('3.19'), v('3.19.1'))).toBeLessThan(0);
    expect(compareTagVersions(v('11-slim'), v('11.6-slim'))).toBeLessThan(0);
    expect(compareTagVersions(v('21.0.2_13-jre-jammy'), v('21.0.2-jre-jammy'))).toBeGreaterThan(0);
    expect(compareTagVersions(v('21.0.2_13-jre-jammy'), v('21.0.3_9-jre-jammy'))).toBeLessThan(0);
  });

  it('orders equal numbers by their text, so sorting is stable', () => {
    expect(compareTagVersions(v('22.04'), v('22.4'))).toBeLessThan(0);
    expect(compareTagVersions(v('22.4'), v('22.04'))).toBeGreaterThan(0);
  });
});

describe('sameLine', () => {
  it.each([
    ['python:3.12-slim-bookworm', '3.12-slim-bookworm', '3.12.2-slim-bookworm'],
    ['python, a newer minor of the same major', '3.12-slim-bookworm', '3.13-slim-bookworm'],
    ['node:20-alpine3.19', '20-alpine3.19', '20.11.1-alpine3.19'],
    ['debian:12.5-slim', '12.5-slim', '12.4-slim'],
    ['alpine:3.19.1', '3.19.1', '3.20.0'],
    ['golang:1.22-bookworm', '1.22-bookworm', '1.23.1-bookworm'],
    ['nginx:1.25.4-alpine-slim', '1.25.4-alpine-slim', '1.27.0-alpine-slim'],
    ['ubuntu:22.04', '22.04', '22.10'],
    ['eclipse-temurin:21-jre-jammy', '21-jre-jammy', '21.0.2_13-jre-jammy'],
    ['a tag with a v', 'v1.2', 'v1.3.0'],
    ['a non-version tag, with itself', 'latest', 'latest'],
  ])('%s: %s and %s are one line', (_, current, candidate) => {
    expect(sameLine(current, candidate)).toBe(true);
  });

  const otherLines: [string, string, string][] = [
    ['another variant', '12.5-slim', '12.5'],
    ['no variant for a variant', '12.5', '12.5-slim'],
    ['a longer variant', '3.12-slim', '3.12-slim-bookworm'],
    ['another distribution release', '3.12-slim-bookworm', '3.12-slim-bullseye'],
    ['another alpine release', '20-alpine3.19', '20-alpine3.20'],
    ['a variant without its release', '20-alpine3.19', '20-alpine'],
    ['another major', '12.4-slim', '11.8-slim'],
    ['another node major', '20-alpine3.19', '22-alpine3.19'],
    ['another ubuntu release', '22.04', '24.04'],
    ['a jdk for a jre', '21-jre-jammy', '21-jdk-jammy'],
    ['nginx alpine-slim vs alpine', '1.25.4-alpine-slim', '1.25.5-alpine'],
    ['latest for a version', '12.5-slim', 'latest'],
    ['a codename for a version', '12.5-slim', 'bookworm-slim'],
    ['a pre-release', '3.12-slim', '3.13.0rc1-slim'],
    ['a v for none', '1.2', 'v1.3'],
    ['a version for a non-version', 'latest', '12.5'],
    ['another non-version', 'bookworm', 'bookworm-slim'],
  ];
  it.each(otherLines)('%s: %s and %s are not', (_, current, candidate) => {
    expect(sameLine(current, candidate)).toBe(false);
    expect(sameLine(candidate, current) && parseTagVersion(current) !== undefined && parseTagVersion(candidate) !== undefined).toBe(false);
  });
});

describe('lineCandidates', () => {
  const debian = [
    '11.6-slim',
    '11.7-slim',
    '11.8-slim',
    '11-slim',
    '11.8',
    '12.4-slim',
    '12.5-slim',
    '12.5',
    '12-slim',
    'latest',
    'bookworm-slim',
    '11.5-slim',
  ];

  it('keeps the line, newest first, nothing older than the current tag, not the tag itself', () => {
    expect(lineCandidates('11.6-slim', debian, 8)).toEqual(['11.8-slim', '11.7-slim']);
    expect(lineCandidates('12.4-slim', debian, 8)).toEqual(['12.5-slim']);
    expect(lineCandidates('12.5', debian, 8)).toEqual([]);
  });

  it('takes at most the newest N', () => {
    const tags = Array.from({ length: 20 }, (_, i) => `3.19.${i}`);
    expect(lineCandidates('3.19.0', tags, 3)).toEqual(['3.19.19', '3.19.18', '3.19.17']);
    expect(lineCandidates('3.19.0', tags, 0)).toEqual([]);
  });

  it('proposes nothing for a tag that is not a version', () => {
    expect(lineCandidates('latest', debian, 8)).toEqual([]);
    expect(lineCandidates('bookworm-slim', debian, 8)).toEqual([]);
  });

  it('reads real tag lists: node, python, temurin', () => {
    const node = [
      '20-alpine3.19',
      '20.11-alpine3.19',
      '20.11.1-alpine3.19',
      '20.12.0-alpine3.19',
      '20.12.0-alpine3.20',
      '22-alpine3.19',
      '20-alpine',
      '20.11.1',
    ];
    expect(lineCandidates('20.11-alpine3.19', node, 8)).toEqual(['20.12.0-alpine3.19', '20.11.1-alpine3.19']);
    const python = ['3.12-slim-bookworm', '3.12.1-slim-bookworm', '3.12.2-slim-bookworm', '3.12.2-slim-bullseye', '3.12.2-bookworm', '3.13.0rc1-slim-bookworm'];
    expect(lineCandidates('3.12.1-slim-bookworm', python, 8)).toEqual(['3.12.2-slim-bookworm']);
    const temurin = ['21-jre-jammy', '21.0.1_12-jre-jammy', '21.0.2_13-jre-jammy', '21.0.2_13-jdk-jammy', '17.0.10_7-jre-jammy'];
    expect(lineCandidates('21.0.1_12-jre-jammy', temurin, 8)).toEqual(['21.0.2_13-jre-jammy']);
  });
});
