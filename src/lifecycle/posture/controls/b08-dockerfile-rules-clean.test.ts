import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Pipeline } from '../../../buildtime/ci/model.js';
import { readDockerfile } from '../../dockerfiles.js';
import type { DockerfileInfo } from '../../estate-model.js';
import { buildStep, pipeline } from '../../test-estate.js';
import { applyEdits } from '../apply.js';
import type { FileEdit } from '../model.js';
import { context, dockerfile, estate, finding } from '../test-evidence.js';
import { nonRootImages } from './b04-non-root-images.js';
import { dockerfileRulesClean } from './b08-dockerfile-rules-clean.js';

describe('SS-CTL-B08 Dockerfile rules clean', () => {
  it('is unknown without Dockerfiles and met with only low findings', () => {
    expect(dockerfileRulesClean.evaluate(context(estate())).status).toBe('unknown');
    const df = dockerfile('Dockerfile', [[1, 'alpine:3.19']], [finding('SS-DF-023', 1, 'LOW')]);
    expect(dockerfileRulesClean.evaluate(context(estate({ dockerfiles: [df] }))).status).toBe('met');
  });

  it('is partial for HIGH findings, pointing at each with the rule remediation', () => {
    const df = dockerfile('api/Dockerfile', [[1, 'alpine:3.19']], [finding('SS-DF-018', 6, 'HIGH', 'curl piped into sh', 'api/Dockerfile')]);
    const outcome = dockerfileRulesClean.evaluate(context(estate({ dockerfiles: [df] })));
    expect(outcome.status).toBe('partial');
    expect(outcome.evidence[0]).toMatchObject({ where: 'api/Dockerfile:6', findings: ['SS-DF-018'], ok: false });
    expect(outcome.changes[0]).toMatchObject({ file: 'api/Dockerfile', line: 6 });
    expect(outcome.changes[0]?.summary).toContain('curl piped into sh');
  });

  it('is a gap for CRITICAL findings', () => {
    const df = dockerfile('Dockerfile', [[1, 'alpine:3.19']], [finding('SS-DF-040', 2, 'CRITICAL')]);
    expect(dockerfileRulesClean.evaluate(context(estate({ dockerfiles: [df] }))).status).toBe('gap');
  });
});

/** Dockerfiles read by the project's reader (a `.dockerignore` next to those in `ignored` directories), assessed with their texts at hand. */
function assessTexts(files: ReadonlyMap<string, string>, ignored: ReadonlySet<string> = new Set(), pipelines: Pipeline[] = []) {
  const dockerfiles = [...files].map(([file, text]) => readDockerfile(file, text, '.', { hasDockerignore: ignored.has(path.posix.dirname(file)) }));
  const ctx = { ...context(estate({ dockerfiles, pipelines })), dockerfileTexts: files };
  return { dockerfiles, outcome: dockerfileRulesClean.evaluate(ctx), user: nonRootImages.evaluate(ctx) };
}

/** Every change with edits applied (a file's edits at once), the estate read and assessed again; what went wrong. */
function roundTrip(files: Record<string, string>, pipelines: Pipeline[] = []) {
  const texts = new Map(Object.entries(files));
  const before = assessTexts(texts, new Set(), pipelines);
  const patches = before.outcome.changes.filter((c) => c.edits.length > 0);
  const edits = new Map<string, FileEdit[]>();
  for (const edit of patches.flatMap((c) => c.edits)) edits.set(edit.file, [...(edits.get(edit.file) ?? []), edit]);
  const patched = new Map(texts);
  const created = new Map<string, string>();
  for (const [file, fileEdits] of edits) {
    const text = applyEdits(texts.get(file) ?? '', file, fileEdits);
    if (texts.has(file)) patched.set(file, text);
    else created.set(file, text);
  }
  const ignored = new Set([...created.keys()].filter((f) => f.endsWith('/.dockerignore')).map((f) => path.posix.dirname(f)));
  const after = assessTexts(patched, ignored, pipelines);
  const keys = (dockerfiles: DockerfileInfo[]): string[] => dockerfiles.flatMap((d) => d.findings.map((f) => `${d.file} ${f.ruleId} ${f.message}`));
  const old = keys(before.dockerfiles);
  return {
    patches,
    patched,
    created,
    findings: keys(after.dockerfiles),
    added: keys(after.dockerfiles).filter((k) => !old.includes(k)),
    again: after.outcome.changes.filter((c) => c.edits.length > 0),
  };
}

describe('SS-CTL-B08 patches, applied and read again', () => {
  it('write COPY for ADD of local files only, keeping case, indentation and flags', () => {
    const text = [
      'FROM alpine:3.19',
      'ADD app.py /app/',
      '  add --chown=1:1 src /src',
      'ADD rootfs.tar.gz /',
      'ADD a.py b.tar /c/',
      'ADD https://example.com/x.txt /x',
      `ADD --chmod=644 ${'l'.repeat(100_000)} /l`,
      'ADD ["a\u0007\u001b[31m`id`;rm -rf ~", "/b"]',
      'USER 1',
      '',
    ].join('\n');
    const { patches, patched, added, findings, again } = roundTrip({ Dockerfile: text });
    expect(patches).toHaveLength(1);
    expect(patches[0]).toMatchObject({ file: 'Dockerfile', line: 2, rules: ['SS-DF-004'] });
    expect(patched.get('Dockerfile')?.split('\n').slice(1, 8)).toEqual([
      'COPY app.py /app/',
      '  copy --chown=1:1 src /src',
      'ADD rootfs.tar.gz /',
      // with an archive beside it, ADD unpacks it: left by hand
      'ADD a.py b.tar /c/',
      'ADD https://example.com/x.txt /x',
      `COPY --chmod=644 ${'l'.repeat(100_000)} /l`,
      // control characters and shell syntax pass through as they were: only the keyword changes
      'COPY ["a\u0007\u001b[31m`id`;rm -rf ~", "/b"]',
    ]);
    expect(added).toEqual([]);
    expect(findings.filter((f) => f.includes('SS-DF-004'))).toEqual(['Dockerfile SS-DF-004 ADD of local `a.py`: use COPY']);
    expect(again).toEqual([]);
  });

  it('add the flag each package install lacks, on its own line, and leave a command named in a string by hand', () => {
    const debian = [
      'FROM debian:12',
      'RUN apt-get update && apt-get install -y curl=7.88 \\',
      '    && apt-get -q install -y \\',
      '       --no-install-recommends wget=1.21 \\',
      '    && rm -rf /var/lib/apt/lists/*',
      'RUN pip install -r requirements.txt && python3 -m pip install flask==3.0.0',
      'RUN echo "apt-get install x" && apt-get install -y --no-install-recommends y=1 && apt install -y z=1',
      'USER 1',
      '',
    ].join('\r\n');
    // two installs lacking the flag in one RUN: two findings at the RUN, one edit a command
    const twice = 'FROM debian:12\nRUN apt-get install -y a=1 && apt-get install -y b=1\nUSER 1\n';
    const alpine = 'FROM alpine:3.19\nRUN apk update && apk add curl=8.5.0-r0 && apk add --virtual .b gcc=13.2.1-r0\nUSER 1\n';
    const { patches, patched, added, findings, again } = roundTrip({ 'a/Dockerfile': debian, 'b/Dockerfile': alpine, 'c/Dockerfile': twice });
    expect(patches.map((c) => [c.file, c.rules?.[0], c.line])).toEqual([
      ['a/Dockerfile', 'SS-DF-007', 2],
      ['a/Dockerfile', 'SS-DF-028', 6],
      ['b/Dockerfile', 'SS-DF-014', 2],
      ['c/Dockerfile', 'SS-DF-007', 2],
    ]);
    expect(patched.get('c/Dockerfile')).toBe(
      'FROM debian:12\nRUN apt-get install --no-install-recommends -y a=1 && apt-get install --no-install-recommends -y b=1\nUSER 1\n',
    );
    expect(patched.get('a/Dockerfile')?.split('\r\n').slice(1, 7)).toEqual([
      'RUN apt-get update && apt-get install --no-install-recommends -y curl=7.88 \\',
      '    && apt-get -q install -y \\',
      '       --no-install-recommends wget=1.21 \\',
      '    && rm -rf /var/lib/apt/lists/*',
      'RUN pip install --no-cache-dir -r requirements.txt && python3 -m pip install --no-cache-dir flask==3.0.0',
      'RUN echo "apt-get install x" && apt-get install -y --no-install-recommends y=1 && apt install -y z=1',
    ]);
    expect(patched.get('b/Dockerfile')).toBe(
      'FROM alpine:3.19\nRUN apk update && apk add --no-cache curl=8.5.0-r0 && apk add --no-cache --virtual .b gcc=13.2.1-r0\nUSER 1\n',
    );
    expect(added).toEqual([]);
    expect(findings.filter((f) => /SS-DF-(007|014|028)/.test(f))).toEqual(['a/Dockerfile SS-DF-007 `apt install` without --no-install-recommends']);
    expect(again).toEqual([]);
  });

  it('create one .dockerignore for the Dockerfiles of a directory that copy their context, leaving in what they copy by name', () => {
    const files = {
      'svc/Dockerfile': 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nUSER node\n',
      'svc/Dockerfile.migrate': 'FROM node:20\nCOPY .env /app/.env\nCOPY certs/ca.pem /app/\nCOPY . /app\nUSER node\n',
      // built with the repository root as its context: a .dockerignore beside it would not be read
      'tools/Dockerfile': 'FROM alpine:3.19\nCOPY . /src\nUSER 1\n',
      'web/Dockerfile': 'FROM nginx:1.25\nCOPY . /usr/share/nginx/html\nUSER 101\n',
    };
    const build = buildStep(0, { file: 'Jenkinsfile', line: 3, step: undefined }, 'tools/Dockerfile', '.', [], false);
    const { patches, created, added, findings, again } = roundTrip(files, [pipeline('jenkins', 'Jenkinsfile', '.', [build])]);
    expect(patches.map((c) => [c.file, c.rules])).toEqual([
      ['svc/.dockerignore', ['SS-DF-021']],
      ['web/.dockerignore', ['SS-DF-021']],
    ]);
    const svc = created.get('svc/.dockerignore') ?? '';
    expect(svc.split('\n')).toEqual(expect.arrayContaining(['.git', '**/.env.*', '**/*.key', '**/id_rsa', '**/node_modules']));
    expect(svc.split('\n')).not.toEqual(expect.arrayContaining(['**/.env']));
    expect(svc).not.toContain('*.pem');
    // nginx installs no Node.js dependencies: a local node_modules is left to the author
    expect(created.get('web/.dockerignore')).not.toContain('node_modules');
    expect(added).toEqual([]);
    expect(findings.filter((f) => f.includes('SS-DF-021'))).toEqual([
      'tools/Dockerfile SS-DF-021 COPY copies the whole build context and there is no .dockerignore',
    ]);
    expect(again).toEqual([]);
  });

  it('are proposed with the control met, and point SS-DF-003 at the SS-CTL-B04 change that adds the USER', () => {
    const met = assessTexts(new Map([['Dockerfile', 'FROM alpine:3.19\nADD app.py /app/\nUSER 1\n']]));
    expect(met.outcome.status).toBe('met');
    expect(met.outcome.changes.map((c) => c.rules)).toEqual([['SS-DF-004']]);
    const root = assessTexts(new Map([['Dockerfile', 'FROM alpine:3.19\nCOPY app.py /app/\nCMD ["x"]\n']]));
    expect(root.outcome.status).toBe('partial');
    expect(root.outcome.changes).toMatchObject([{ edits: [] }]);
    expect(root.outcome.changes[0]?.rules).toBeUndefined();
    expect(root.outcome.changes[0]?.summary).toContain('The SS-CTL-B04 change for this Dockerfile adds the USER.');
    expect(root.user.changes[0]).toMatchObject({
      rules: ['SS-DF-003'],
      snippet: 'RUN addgroup -S -g 10001 app && adduser -S -u 10001 -G app app\nUSER 10001:10001',
    });
  });
});
