import { describe, expect, it } from 'vitest';
import { lintDockerfile } from '../../../buildtime/dockerfile/lint.js';
import { readDockerfile } from '../../dockerfiles.js';
import type { DockerfileInfo } from '../../estate-model.js';
import { applyEdits } from '../apply.js';
import type { ControlContext } from '../controls/control.js';
import { context, estate, registry, stored, digestOf } from '../test-evidence.js';
import { dockerfileText, nonRootUserPlan, proveEdits } from './dockerfile-edits.js';

/** Dockerfiles read by the project's reader, with their texts at hand. */
function withTexts(files: Record<string, string>, fields: Parameters<typeof estate>[0] = {}): { context: ControlContext; infos: DockerfileInfo[] } {
  const infos = Object.entries(files).map(([file, text]) => readDockerfile(file, text, '.'));
  return { context: { ...context(estate({ ...fields, dockerfiles: infos })), dockerfileTexts: new Map(Object.entries(files)) }, infos };
}

/** The USER plan for one Dockerfile and the text it makes. */
function userPatch(text: string, fields: Parameters<typeof estate>[0] = {}): { plan: ReturnType<typeof nonRootUserPlan>; after: string } {
  const { context: ctx, infos } = withTexts({ 'app/Dockerfile': text }, fields);
  const plan = nonRootUserPlan(ctx, infos[0] as DockerfileInfo);
  return { plan, after: plan.kind === 'patch' ? applyEdits(text, 'app/Dockerfile', plan.edits) : text };
}

const ruleIds = (text: string): string[] => lintDockerfile(text, { file: 'app/Dockerfile' }).map((f) => f.ruleId);

describe('the Dockerfile text a control places its edits by', () => {
  it('is the text the evidence was read from, or none', () => {
    const text = 'FROM alpine:3.19\nRUN true\n';
    const { context: ctx, infos } = withTexts({ Dockerfile: text });
    const info = infos[0] as DockerfileInfo;
    expect(dockerfileText(ctx, info)?.lines).toEqual(['FROM alpine:3.19', 'RUN true', '']);
    expect(dockerfileText({ ...ctx, dockerfileTexts: undefined }, info)).toBeUndefined();
    // changed since it was read: its FROM moved
    expect(dockerfileText({ ...ctx, dockerfileTexts: new Map([['Dockerfile', `# new\n${text}`]]) }, info)).toBeUndefined();
    // a bare carriage return breaks lines for the parser, not for the line editor
    expect(dockerfileText({ ...ctx, dockerfileTexts: new Map([['Dockerfile', 'FROM alpine:3.19\rRUN true\n']]) }, info)).toBeUndefined();
  });

  it('proves edits: refused when they do not apply, add a finding, or swallow a line into another instruction', () => {
    const { context: ctx, infos } = withTexts({ Dockerfile: 'FROM alpine:3.19\nRUN echo a \\\n' });
    const source = dockerfileText(ctx, infos[0] as DockerfileInfo);
    if (source === undefined) throw new Error('no text');
    const df003 = source.info.findings.filter((f) => f.ruleId === 'SS-DF-003');
    // the RUN's continuation takes the USER in
    expect(proveEdits(source, [{ kind: 'insert', file: 'Dockerfile', line: 4, position: 'before', text: 'USER 1' }], df003, 1)).toMatch(
      /new instructions|SS-DF-003/,
    );
    expect(proveEdits(source, [{ kind: 'substitute', file: 'Dockerfile', line: 9, find: 'x', replace: 'y' }], [], 0)).toMatch(/has no line 9/);
    expect(proveEdits(source, [{ kind: 'insert', file: 'Dockerfile', line: 1, position: 'after', text: 'RUN true' }], [], 1)).toMatch(/SS-DF-035/);
  });
});

describe('the non-root USER for a final stage', () => {
  it('goes after the last building instruction, before CMD and its comment, creating the user on a Debian base', () => {
    const text = 'FROM debian:12\nRUN apt-get update\nCOPY app /app\n\n# start it\nEXPOSE 8080\nCMD ["/app"]\n';
    const { plan, after } = userPatch(text);
    expect(plan).toMatchObject({ kind: 'patch', user: '10001:10001', created: 'debian', line: 5 });
    expect(after).toBe(
      'FROM debian:12\nRUN apt-get update\nCOPY app /app\n\nRUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-create-home app\nUSER 10001:10001\n# start it\nEXPOSE 8080\nCMD ["/app"]\n',
    );
    expect(ruleIds(after)).not.toContain('SS-DF-003');
  });

  it("uses Alpine's idiom, away from the RUN before it (two RUNs in a row would be a new finding)", () => {
    const { plan, after } = userPatch('FROM alpine:3.19\nWORKDIR /app\nRUN apk add --no-cache curl=8.5.0-r0\nENTRYPOINT ["/app/run"]\n');
    expect(plan).toMatchObject({ kind: 'patch', created: 'alpine' });
    // not between WORKDIR and the RUN either: that RUN would follow the new one
    expect(after).toBe(
      'FROM alpine:3.19\nRUN addgroup -S -g 10001 app && adduser -S -u 10001 -G app app\nWORKDIR /app\nRUN apk add --no-cache curl=8.5.0-r0\nUSER 10001:10001\nENTRYPOINT ["/app/run"]\n',
    );
  });

  it('is numeric alone where no place keeps the new RUN apart, on scratch, and on a base of unknown distribution', () => {
    expect(userPatch('FROM alpine:3.19\nRUN apk add --no-cache curl=8.5.0-r0\nCMD ["x"]\n').after).toBe(
      'FROM alpine:3.19\nRUN apk add --no-cache curl=8.5.0-r0\nUSER 10001:10001\nCMD ["x"]\n',
    );
    expect(userPatch('FROM scratch\nCOPY app /app\nENTRYPOINT ["/app"]').after).toBe('FROM scratch\nCOPY app /app\nUSER 10001:10001\nENTRYPOINT ["/app"]');
    expect(userPatch('FROM gcr.io/distroless/base-debian12\nCOPY app /app\n').after).toBe(
      'FROM gcr.io/distroless/base-debian12\nCOPY app /app\nUSER 10001:10001\n',
    );
    expect(userPatch('FROM nginx:1.25\nCOPY site /usr/share/nginx/html\n').plan).toMatchObject({ kind: 'patch', created: undefined });
  });

  it('takes the distribution from a registry scan of the parent, and never creates in a parent that runs as a user', () => {
    const scanned = (runsAsRoot: boolean, id: string) => ({
      registries: [
        registry('r.example', [
          {
            name: 'base',
            images: [stored(digestOf('b'), ['1'], { platform: { runsAsRoot, os: { id, name: id, version: '1', eolDate: undefined, endOfLife: undefined } } })],
          },
        ]),
      ],
    });
    const text = 'FROM r.example/base:1\nCOPY app /app\n';
    expect(userPatch(text, scanned(true, 'alpine')).plan).toMatchObject({ created: 'alpine' });
    expect(userPatch(text, scanned(true, 'ubuntu')).plan).toMatchObject({ created: 'debian' });
    expect(userPatch(text, scanned(false, 'debian')).plan).toMatchObject({ created: undefined });
  });

  it('after a root USER, names the uid the build gives its own user, and keeps line endings', () => {
    const text = 'FROM debian:12\r\nRUN groupadd -g 2000 svc \\\r\n && useradd -u 2000 -g svc svc\r\nUSER root\r\nRUN apt-get update\r\nCMD ["x"]\r\n';
    const { plan, after } = userPatch(text);
    expect(plan).toMatchObject({ kind: 'patch', user: '2000:2000', created: undefined });
    expect(after).toBe(text.replace('CMD', 'USER 2000:2000\r\nCMD'));
  });

  it('is left by hand for a user created without a uid, ONBUILD triggers, and a text the reader did not see', () => {
    expect(userPatch('FROM debian:12\nRUN useradd app\nCMD ["x"]\n').plan).toMatchObject({
      kind: 'manual',
      reason: expect.stringContaining('without a fixed uid') as unknown,
    });
    expect(userPatch('FROM debian:12\nONBUILD RUN make\n').plan).toMatchObject({ kind: 'manual', reason: expect.stringContaining('ONBUILD') as unknown });
    // a continuation at the end of the file would take the USER into the RUN: the proof refuses it
    expect(userPatch('FROM scratch\nCOPY a /a\nRUN x \\\n').plan).toMatchObject({ kind: 'manual' });
  });

  it('is left by hand in a Dockerfile other estate Dockerfiles build on', () => {
    const base = 'FROM debian:12\nRUN apt-get update\n';
    const child = 'FROM r.example/base:1\nRUN apt-get install -y x\nUSER 1000\n';
    const parent = readDockerfile('base/Dockerfile', base, '.');
    const config = parent.config;
    if (config === undefined) throw new Error('no config');
    const infos = [parent, readDockerfile('app/Dockerfile', child, '.', { inherited: { image: 'r.example/base:1', config } })];
    const ctx: ControlContext = {
      ...context(estate({ dockerfiles: infos })),
      dockerfileTexts: new Map([
        ['base/Dockerfile', base],
        ['app/Dockerfile', child],
      ]),
    };
    expect(nonRootUserPlan(ctx, parent)).toMatchObject({ kind: 'manual', reason: expect.stringContaining('parent of app/Dockerfile') as unknown });
  });

  it('writes only its own text, whatever control characters and long lines the Dockerfile holds', () => {
    const hostile = `FROM debian:12\nLABEL x="${'\u0007\u001b[31m$(touch /tmp/x)`'.repeat(10)}${'y'.repeat(200_000)}"\nRUN echo '\u0000\u0008'\nCOPY a /a\nCMD ["x"]\n`;
    const { plan, after } = userPatch(hostile);
    expect(plan).toMatchObject({ kind: 'patch', created: 'debian' });
    const added = after.split('\n').filter((line) => !hostile.split('\n').includes(line));
    expect(added).toEqual(['RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-create-home app', 'USER 10001:10001']);
  });
});
