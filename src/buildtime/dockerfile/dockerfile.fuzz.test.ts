import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readDockerfile } from '../../lifecycle/dockerfiles.js';
import { bounded, checkNoMaskedCrash, checkOutputBound, fuzz, preview, Reach } from '../../test-support/fuzz.js';
import { mutatedText } from '../../test-support/fuzz-mutate.js';
import { dockerfileLayers } from '../dockerfile-layers.js';
import { imageConfigOf } from './image-config.js';
import { lintDockerfile } from './lint.js';
import { parseDockerfile } from './parse.js';
import { dockerfileRules } from './registry.js';

// Dockerfiles written from the instruction grammar (parser directives, stages, flags, JSON and
// shell forms, heredocs, continuations, nested substitutions), then damaged as text.

const word = fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/);
const variable = fc.constantFrom('VERSION', 'BASE', 'HOME', 'TOKEN', 'PATH', 'x');
const reference = fc.oneof(
  fc.constantFrom(
    'debian:12',
    'alpine',
    'node:20-slim@sha256:' + 'a'.repeat(64),
    'scratch',
    'registry.example:5000/team/app:1.2',
    '${BASE}',
    '${BASE:-alpine}:${VERSION:+v}${VERSION}',
    'builder',
    '$X',
  ),
  word,
);
const shellCommand = fc.oneof(
  fc.constantFrom(
    'apt-get update && apt-get install -y curl=7.88.1 --no-install-recommends && rm -rf /var/lib/apt/lists/*',
    'apk add --no-cache musl=1.2.4-r2',
    'curl -fsSL https://example.com/install.sh | sh',
    'wget -qO- http://x | bash -s -- --yes',
    'pip install --no-cache-dir requests==2.31.0',
    'npm ci && npm cache clean --force',
    'yum install -y httpd && yum clean all',
    'sudo chmod 777 /app',
    'cd /app && make',
    'set -o pipefail; echo "$TOKEN" | base64 -d > /run/secret',
    'echo ${HOME:-/root} ${x:?missing} $((1+2)) `id -u`',
  ),
  fc.array(word, { minLength: 1, maxLength: 4 }).map((words) => words.join(' ')),
);
const json = (items: string[]): string => JSON.stringify(items);

const instruction = fc.oneof(
  fc
    .tuple(reference, fc.option(word, { nil: undefined }), fc.boolean())
    .map(([image, alias, platform]) => `FROM ${platform ? '--platform=$BUILDPLATFORM ' : ''}${image}${alias ? ` AS ${alias}` : ''}`),
  fc.tuple(variable, fc.option(reference, { nil: undefined })).map(([name, value]) => `ARG ${name}${value === undefined ? '' : `=${value}`}`),
  fc.tuple(variable, fc.string({ maxLength: 20 })).map(([name, value]) => `ENV ${name}=${JSON.stringify(value)} OTHER=$${name}`),
  fc.tuple(variable, word).map(([name, value]) => `ENV ${name} ${value}`),
  shellCommand.map((command) => `RUN ${command}`),
  fc.array(shellCommand, { minLength: 1, maxLength: 3 }).map((commands) => `RUN ${commands.join(' && \\\n    ')}`),
  shellCommand.map((command) => `RUN --mount=type=secret,id=npm,target=/root/.npmrc --network=none ${command}`),
  shellCommand.map((command) => `RUN <<EOF\n${command}\nEOF`),
  fc.array(word, { minLength: 1, maxLength: 3 }).map((args) => `RUN ${json(args)}`),
  fc
    .tuple(
      fc.constantFrom('COPY', 'ADD'),
      fc.constantFrom(
        '.',
        'src/',
        'https://example.com/a.tar.gz',
        'git@github.com:o/r.git',
        '--from=builder /out',
        '--chown=app:app --chmod=777 a b',
        '["a b", "/c"]',
      ),
      fc.constantFrom('/app/', '/', 'rel', '$HOME'),
    )
    .map(([kind, source, destination]) => `${kind} ${source} ${destination}`),
  fc.constantFrom('80', '22/tcp', '8000-8080/udp', '99999', '0', '$PORT', 'abc', '53/sctp', '-1').map((port) => `EXPOSE ${port}`),
  fc.constantFrom('root', '0', 'app:app', '1000:1000', '$USER', '').map((user) => `USER ${user}`),
  fc.constantFrom('/app', 'relative', '$HOME/x').map((dir) => `WORKDIR ${dir}`),
  fc.constantFrom('NONE', 'CMD curl -f http://localhost/ || exit 1', '--interval=30s --timeout=3s CMD ["true"]', 'CMD').map((check) => `HEALTHCHECK ${check}`),
  fc
    .tuple(fc.constantFrom('CMD', 'ENTRYPOINT', 'SHELL'), fc.oneof(fc.array(word, { maxLength: 3 }).map(json), shellCommand))
    .map(([kind, args]) => `${kind} ${args}`),
  fc.constantFrom(
    'LABEL a=b "c d"="e f"',
    'MAINTAINER someone',
    'STOPSIGNAL SIGTERM',
    'VOLUME ["/data"]',
    'ONBUILD RUN make',
    'ONBUILD ONBUILD FROM x',
    'UNKNOWN thing',
    '# comment',
    '',
  ),
);

const directive = fc.constantFrom('', '# syntax=docker/dockerfile:1\n', '# escape=`\n', '# escape=\\\n', '\ufeff# check=skip=all\n');

const dockerfiles: fc.Arbitrary<string> = mutatedText(
  fc.tuple(directive, reference, fc.array(instruction, { maxLength: 14 })).map(([head, image, lines]) => `${head}FROM ${image}\n${lines.join('\n')}`),
  { tokens: ['\\\n', '`\n', '${', ':-', ':+', '}', '$', '<<EOF\n', '<<-"EOF"\n', '\nEOF\n', 'FROM ', 'RUN ', 'ARG ', 'AS ', '--', '=', '["', '"]', '&&', '|'] },
);

describe('fuzz: Dockerfiles', () => {
  it('parse, every rule, lint and the readers that reuse the parser never throw on any Dockerfile', async () => {
    const reach = new Reach();
    await fuzz(
      'dockerfile',
      dockerfiles,
      (text) => {
        const parsed = bounded('never-throws', () => parseDockerfile(text, { file: 'Dockerfile' }));
        reach.input((parsed?.stages.length ?? 0) > 0 && 'stages', (parsed?.instructions.length ?? 0) > 5 && 'instructions');
        if (parsed) {
          // each rule on its own: lint's catch-all would turn a rule's crash into a finding
          for (const rule of dockerfileRules) bounded('never-throws', () => rule.check(parsed));
          bounded('never-throws', () => imageConfigOf(parsed));
        }
        const findings = bounded('never-throws', () => lintDockerfile(text, { file: 'Dockerfile', buildArgs: { VERSION: '1', BASE: '${BASE}' } })) ?? [];
        checkNoMaskedCrash(findings.map((finding) => finding.message));
        for (const finding of findings) expect(finding.message).not.toMatch(/^rule \S+ failed on this Dockerfile|^the Dockerfile could not be parsed/);
        checkOutputBound(findings, text.length, 200);
        bounded('never-throws', () => readDockerfile('app/Dockerfile', text, 'app'));
        bounded('never-throws', () => dockerfileLayers(text, ['RUN apt-get update', undefined, 'COPY . /app']));
      },
      { weight: 0.5, describe: (text) => preview(text, 3000) },
    );
    reach.expect('stages', 0.2);
    reach.expect('instructions', 0.1);
  });
});
