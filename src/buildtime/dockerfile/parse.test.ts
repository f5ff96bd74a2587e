import { dedent } from '../../test-support/text.js';
import { describe, expect, it } from 'vitest';
import { lintDockerfile } from './lint.js';
import { parseDockerfile } from './parse.js';
import { commandsOf, pipelinesOf } from './shell.js';
import { substitute } from './substitute.js';

const parse = (content: string, buildArgs?: Record<string, string>) => parseDockerfile(content, { file: 'Dockerfile', buildArgs });
const ids = (content: string, hasDockerignore = true) =>
  lintDockerfile(content, { file: 'Dockerfile', hasDockerignore }).map((f) => `${f.ruleId}@${f.location.startLine}`);

describe('substitute', () => {
  const vars = new Map<string, string | undefined>([
    ['A', 'a'],
    ['EMPTY', ''],
    ['UNSET', undefined],
  ]);
  it.each([
    ['$A/${A}', 'a/a'],
    ['${A:-d}|${EMPTY:-d}|${NONE:-d}|${NONE-d}|${EMPTY-d}', 'a|d|d|d|'],
    ['${A:+x}|${EMPTY:+x}|${NONE:+x}|${A+x}|${EMPTY+x}', 'x|||x|x'],
    ['${UNSET}|$UNSET|${UNSET:-d}|$NONE', '${UNSET}|$UNSET|d|$NONE'],
    ['${NONE:-${A}}', 'a'],
    ['\\$A', '$A'],
  ])('%s → %s', (input, expected) => {
    expect(substitute(input, vars)).toBe(expected);
  });
});

describe('parseDockerfile', () => {
  it('models stages: image, tag, digest, name, platform, parent', () => {
    const df = parse(
      'ARG GO=1.22\nFROM --platform=$BUILDPLATFORM golang:${GO}-alpine AS Build\nFROM gcr.io/distroless/static:nonroot@sha256:abc AS final\nFROM build\n',
    );
    expect(df.stages.map((s) => [s.imageName, s.tag, s.digest, s.name, s.platform, s.parent])).toEqual([
      ['golang', '1.22-alpine', undefined, 'build', '$BUILDPLATFORM', undefined],
      ['gcr.io/distroless/static', 'nonroot', 'sha256:abc', 'final', undefined, undefined],
      ['build', undefined, undefined, undefined, undefined, 0],
    ]);
    expect(df.stages[1]?.from.range).toEqual({ startLine: 3, startColumn: 1, endLine: 3, endColumn: 58 });
  });

  it('resolves ARG/ENV, with build args overriding ARG defaults, and stage scoping of global ARGs', () => {
    const content = 'ARG V=1\nARG REG\nFROM ${REG:-docker.io}/node:${V}\nARG V\nENV APP=/srv/${V} X=${UNDEFINED:-fallback}\nWORKDIR ${APP}\n';
    const df = parse(content);
    expect(df.stages[0]?.image).toBe('docker.io/node:1');
    expect(df.instructions.at(-1)?.arguments).toEqual(['/srv/1']);
    expect(df.stages[0]?.variables.get('X')).toBe('fallback');
    const overridden = parse(content, { V: '2', REG: 'ghcr.io' });
    expect(overridden.stages[0]?.image).toBe('ghcr.io/node:2');
    expect(overridden.instructions.at(-1)?.arguments).toEqual(['/srv/2']);
    // a global ARG is not visible in a stage without `ARG V`
    expect(parse('ARG V=1\nFROM alpine:3\nWORKDIR /x/${V}\n').instructions.at(-1)?.arguments).toEqual(['/x/${V}']);
  });

  it('inherits ENV through FROM <stage>', () => {
    const df = parse('FROM alpine:3 AS base\nENV HOME_DIR=/home/app\nFROM base\nWORKDIR ${HOME_DIR}\n');
    expect(df.instructions.at(-1)?.arguments).toEqual(['/home/app']);
  });

  it('joins continuation lines, dropping comment lines inside them, and keeps flags apart', () => {
    const df = parse(
      'FROM debian:12\nRUN --mount=type=cache,target=/var/cache/apt apt-get update \\\n  # why: needed\n  && apt-get install -y \\\n     curl\n',
    );
    const run = df.instructions[1];
    expect(run?.command).toBe('apt-get update    && apt-get install -y       curl');
    expect(run?.flags).toEqual([{ name: 'mount', value: 'type=cache,target=/var/cache/apt' }]);
    expect(run?.range).toMatchObject({ startLine: 2, endLine: 5 });
    expect(commandsOf(run?.command ?? '')).toEqual([
      ['apt-get', 'update'],
      ['apt-get', 'install', '-y', 'curl'],
    ]);
  });

  it('includes heredoc bodies that feed a shell, not those that feed other programs', () => {
    const df = parse(
      dedent`
        FROM debian:12
        RUN <<EOF
        set -e
        apt-get install -y curl
        EOF
        RUN python3 <<PY
        import os
        PY
        COPY <<EOF /etc/app.conf
        key=value
        EOF
        RUN echo done
      `,
    );
    const [, shell, python, copy, last] = df.instructions;
    expect(shell?.command).toBe('set -e\napt-get install -y curl');
    expect(shell?.heredocs).toEqual([{ name: 'EOF', content: 'set -e\napt-get install -y curl' }]);
    expect(python?.command).toBe('python3');
    expect(copy?.heredocs[0]?.content).toBe('key=value');
    expect(last?.range.startLine).toBe(12);
    expect(ids('FROM debian:12@sha256:aa\nRUN <<EOF\ncurl -fsSL https://x.io | sh\nEOF\nUSER 1\nHEALTHCHECK CMD true\n')).toContain('SS-DF-018@2');
  });

  it('honours the escape directive (backtick) for continuations, leaving backslashes alone', () => {
    const df = parse('# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:\\app\nRUN powershell -Command `\n    Write-Host hi\n');
    expect(df.escape).toBe('`');
    expect(df.instructions[1]?.arguments).toEqual(['C:\\app']);
    expect(df.instructions[2]?.command).toBe('powershell -Command      Write-Host hi');
    expect(ids('# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:\\app\n')).not.toContain('SS-DF-025@3');
  });

  it('reads JSON-form instructions and flags', () => {
    const df = parse('FROM alpine:3 AS b\nFROM alpine:3\nCOPY --from=b --chmod=755 --link ["a b", "/c/"]\nCMD ["node", "server.js"]\n');
    const [, , copy, cmd] = df.instructions;
    expect(copy?.flags).toEqual([
      { name: 'from', value: 'b' },
      { name: 'chmod', value: '755' },
      { name: 'link', value: undefined },
    ]);
    expect(copy?.arguments).toEqual(['a b', '/c/']);
    expect(cmd?.json).toEqual(['node', 'server.js']);
  });

  it('splits shell pipelines, honouring quotes', () => {
    expect(pipelinesOf('curl -s \'a|b\' | sh -c "x && y" && echo ok; (cd /x)')).toEqual([
      [
        ['curl', '-s', 'a|b'],
        ['sh', '-c', 'x && y'],
      ],
      [['echo', 'ok']],
      [['cd', '/x']],
    ]);
  });
});

describe('lintDockerfile robustness', () => {
  it.each([
    '',
    '\n\n',
    'FROM',
    'RUN [\n',
    'FROM alpine\nRUN \\\n',
    'FROM alpine:3\nCOPY --from= a\nEXPOSE\nUSER\nWORKDIR\nENV\nARG\n',
    '\u0000\u0001garbage\n{{{',
    'FROM a AS\nFROM ${',
    'FROM alpine:3\nONBUILD RUN sudo x\n',
  ])('never throws (%j)', (content) => {
    expect(() => lintDockerfile(content, { file: 'Dockerfile' })).not.toThrow();
  });

  it('reports a malformed Dockerfile as a finding, and sorts by line with stable fingerprints', () => {
    const findings = lintDockerfile('RUN echo\nFROM alpine\n', { file: 'x/Dockerfile' });
    expect(findings[0]).toMatchObject({ ruleId: 'SS-DF-038', location: { file: 'x/Dockerfile', startLine: 1 } });
    const lines = findings.map((f) => f.location.startLine ?? 0);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(lintDockerfile('RUN echo\nFROM alpine\n', { file: 'x/Dockerfile' }).map((f) => f.fingerprint)).toEqual(findings.map((f) => f.fingerprint));
    expect(findings.every((f) => /^[0-9a-f]{32}$/.test(f.fingerprint))).toBe(true);
  });

  it('flags a secret given as build-arg default only where its ARG is', () => {
    expect(ids('FROM alpine:3@sha256:aa\nARG GITHUB_TOKEN\nRUN echo\nUSER 1\nHEALTHCHECK CMD true\n')).toEqual(['SS-DF-020@2']);
  });
});
