import { dedent } from '../../test-support/text.js';
import { describe, expect, it } from 'vitest';
import { imageConfigOf, type InheritedConfig } from './image-config.js';
import { lintDockerfile } from './lint.js';
import { parseDockerfile } from './parse.js';

const configOf = (file: string, text: string, inherited?: InheritedConfig) => imageConfigOf({ ...parseDockerfile(text, { file }), inherited });

/** The parent image's config as the estate reads it from its Dockerfile. */
function parent(text: string, image = 'registry.example.com/platform/base:1'): InheritedConfig {
  const config = configOf('base/Dockerfile', text);
  if (config === undefined) throw new Error('the parent has no stage');
  return { image, config };
}

const lint = (text: string, inherited?: InheritedConfig) => lintDockerfile(text, { file: 'svc/Dockerfile', hasDockerignore: true, inherited });
const messages = (text: string, ruleId: string, inherited?: InheritedConfig) =>
  lint(text, inherited)
    .filter((f) => f.ruleId === ruleId)
    .map((f) => `${f.location.startLine}: ${f.message}`);

describe('imageConfigOf', () => {
  it('takes the last USER, HEALTHCHECK, ENTRYPOINT, CMD and every EXPOSE of the final chain, with their lines', () => {
    const config = configOf(
      'Dockerfile',
      dedent`
        FROM debian:12 AS base
        USER app
        EXPOSE 80
        FROM golang:1 AS build
        USER root
        FROM base
        EXPOSE 443/tcp 8080
        HEALTHCHECK CMD true
        ENTRYPOINT ["/app"]
      `,
    );
    expect(config).toMatchObject({
      user: { kind: 'set', value: 'app', file: 'Dockerfile', line: 2 },
      healthcheck: { kind: 'set', value: 'CMD true', line: 8 },
      entrypoint: { kind: 'set', value: '["/app"]', line: 9 },
      // the ENTRYPOINT reset whatever CMD the base gave
      cmd: { kind: 'unset' },
      exposeUnknownFrom: 'debian:12',
      files: ['Dockerfile'],
    });
    expect(config?.expose.map((p) => `${p.value}@${p.line}`)).toEqual(['80@3', '443/tcp@7', '8080@7']);
  });

  it('leaves what the file does not set to the unread base image, and knows scratch sets nothing', () => {
    expect(configOf('Dockerfile', 'FROM debian:12\nCMD ["sh"]\n')?.user).toEqual({ kind: 'unknown', parent: 'debian:12' });
    expect(configOf('Dockerfile', 'FROM scratch\nCOPY app /app\n')).toMatchObject({
      user: { kind: 'unset' },
      healthcheck: { kind: 'unset' },
      exposeUnknownFrom: undefined,
    });
    // a CMD set in the same stage before the ENTRYPOINT stays
    expect(configOf('Dockerfile', 'FROM debian:12\nCMD ["--help"]\nENTRYPOINT ["/app"]\n')?.cmd).toMatchObject({ kind: 'set', value: '["--help"]' });
  });

  it("applies the file over its estate parent: the parent's values with their lines, ports added, files chained", () => {
    const base = parent('FROM debian:12\nUSER app\nEXPOSE 22\nCMD ["serve"]\n');
    const config = configOf('svc/Dockerfile', 'FROM registry.example.com/platform/base:1\nEXPOSE 8080\nENTRYPOINT ["/svc"]\n', base);
    expect(config).toMatchObject({
      user: { kind: 'set', value: 'app', file: 'base/Dockerfile', line: 2 },
      healthcheck: { kind: 'unknown', parent: 'debian:12' },
      entrypoint: { kind: 'set', value: '["/svc"]', file: 'svc/Dockerfile', line: 3 },
      cmd: { kind: 'unset' },
      exposeUnknownFrom: 'debian:12',
      files: ['svc/Dockerfile', 'base/Dockerfile'],
    });
    expect(config?.expose.map((p) => `${p.file}:${p.line} ${p.value}`)).toEqual(['base/Dockerfile:3 22', 'svc/Dockerfile:2 8080']);
    // the parent's facts are not changed by the child
    expect(base.config.expose).toHaveLength(1);
  });
});

describe('the final-image rules through an estate parent', () => {
  const child = 'FROM registry.example.com/platform/base:1 AS runtime\nCOPY app /app\nFROM runtime\nCMD ["/app"]\n';

  it('SS-DF-003: no finding when the parent sets a non-root USER the child keeps', () => {
    expect(messages(child, 'SS-DF-003', parent('FROM debian:12\nRUN useradd app\nUSER app\n'))).toEqual([]);
  });

  it("SS-DF-003: fires, citing the parent's line, when the parent ends on USER root", () => {
    expect(messages(child, 'SS-DF-003', parent('FROM debian:12\nUSER app\nRUN make\nUSER root\n'))).toEqual([
      '3: the final stage sets no USER and its parent image registry.example.com/platform/base:1 runs as `root` (USER at base/Dockerfile:4)',
    ]);
  });

  it("SS-DF-003: the child's own USER wins over the parent's, either way", () => {
    expect(messages(`${child}USER root\n`, 'SS-DF-003', parent('FROM debian:12\nUSER app\n'))).toEqual(['5: the last USER of the final stage is `root`']);
    expect(messages(`${child}USER 10001\n`, 'SS-DF-003', parent('FROM debian:12\nUSER root\n'))).toEqual([]);
  });

  it('SS-DF-003: says which estate parents were read and which base was not', () => {
    expect(messages(child, 'SS-DF-003', parent('FROM debian:bookworm\nRUN apt-get update\n'))).toEqual([
      '3: no USER in the final stage or its estate parent (base/Dockerfile): the container runs as root unless the base image debian:bookworm (not read) sets one',
    ]);
    expect(messages(child, 'SS-DF-003', parent('FROM scratch\nCOPY x /x\n'))).toEqual([
      '3: the final stage sets no USER and the image starts FROM scratch: the container runs as root (uid 0)',
    ]);
  });

  it('SS-DF-003: standalone, the parent is not read and the message is as before', () => {
    expect(messages(child, 'SS-DF-003')).toEqual(['3: the final stage sets no USER: the container runs as root unless the base image sets a user']);
  });

  it("SS-DF-023: the parent's HEALTHCHECK counts; its HEALTHCHECK NONE is cited", () => {
    expect(messages(child, 'SS-DF-023', parent('FROM debian:12\nHEALTHCHECK CMD curl -f http://localhost/\n'))).toEqual([]);
    expect(messages(child, 'SS-DF-023', parent('FROM debian:12\nHEALTHCHECK CMD true\nHEALTHCHECK NONE\n'))).toEqual([
      '3: the final stage has no HEALTHCHECK and its parent image registry.example.com/platform/base:1 disables it (HEALTHCHECK NONE at base/Dockerfile:3)',
    ]);
    expect(messages(child, 'SS-DF-023', parent('FROM debian:12\nUSER app\n'))).toEqual([
      '3: no HEALTHCHECK in the final stage or its estate parent (base/Dockerfile); the base image debian:12 (not read) may define one',
    ]);
    expect(messages(child, 'SS-DF-023')).toEqual(['3: the final stage has no HEALTHCHECK instruction']);
  });

  it("SS-DF-022: port 22 the parent exposes is exposed by the child too, at the parent's line", () => {
    expect(messages(child, 'SS-DF-022', parent('FROM debian:12\nEXPOSE 80 22/tcp\n'))).toEqual([
      '3: the parent image registry.example.com/platform/base:1 exposes port 22 (SSH): EXPOSE 22/tcp at base/Dockerfile:2',
    ]);
    expect(messages(child, 'SS-DF-022', parent('FROM debian:12\nEXPOSE 80 2222\n'))).toEqual([]);
  });
});
