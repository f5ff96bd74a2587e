import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LimitExceededError } from '../../core/errors.js';
import { commandMissing, skipWhen } from '../../test-support/skip.js';
import { discoverPipelines, parsePipeline, parsePipelines } from './discover.js';

// Hostile CI files: nesting past any real pipeline, commands of absurd length. Each must cost
// at most its own file — a diagnostic — and in linear time; vitest's timeout bounds the hangs.

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const deep = 100_000;
const deepJenkinsfile = `pipeline { agent any\n${'stage("x") { '.repeat(deep)}${'}'.repeat(deep)} }\n`;
const deepTeamcity = `object Build : BuildType({\n  steps {\n${'script { '.repeat(deep)}${'}'.repeat(deep)}\n  }\n})\n`;
const goodJenkinsfile = 'pipeline { agent any\n stages { stage("b") { steps { sh "docker build -t registry.example.com/app:1 ." } } } }\n';

function workflow(run: string): string {
  return `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          ${run}\n`;
}

describe('CI nesting has a depth bound', () => {
  it('refuses Groovy blocks nested 100,000 deep with a typed error naming the limit, not a stack overflow', () => {
    expect(() => parsePipelines('jenkins', 'Jenkinsfile', deepJenkinsfile, '.')).toThrow(LimitExceededError);
    expect(() => parsePipelines('teamcity', '.teamcity/settings.kts', deepTeamcity, '.')).toThrow(
      /line 3: blocks nested deeper than 200 levels \(the maxCiNestingDepth limit\)/,
    );
  });

  it('reads blocks nested to the limit', () => {
    const nested = `pipeline { agent any\n stages { stage("b") { steps { ${'script { '.repeat(190)}sh "docker build -t registry.example.com/app:1 ."${' }'.repeat(190)} } } } }\n`;
    expect(parsePipeline('jenkins', 'Jenkinsfile', nested, '.').steps.map((step) => step.kind)).toEqual(['build']);
  });

  it('makes an over-deep file a diagnostic of that file: the rest of the estate is read', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'shipshape-ci-deep-'));
    dirs.push(root);
    for (const [file, text] of [
      ['deep/.teamcity/settings.kts', deepTeamcity],
      ['deep/Jenkinsfile', deepJenkinsfile],
      ['good/Jenkinsfile', goodJenkinsfile],
    ] as const) {
      mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    }
    const diagnostics: string[] = [];
    const pipelines = await discoverPipelines(root, { diagnostics });
    expect(pipelines.map((p) => [p.file, p.steps.length])).toEqual([['good/Jenkinsfile', 1]]);
    expect(diagnostics).toEqual([
      'deep/.teamcity/settings.kts: could not be read: line 3: blocks nested deeper than 200 levels (the maxCiNestingDepth limit)',
      'deep/Jenkinsfile: could not be read: line 2: blocks nested deeper than 200 levels (the maxCiNestingDepth limit)',
    ]);
  });

  it('follows $( … ) nested 100,000 deep only to maxScriptNesting levels, reading the rest of the script', () => {
    const nested = `${'echo $('.repeat(deep)}docker push registry.example.com/app:1${')'.repeat(deep)}`;
    const pipeline = parsePipeline('github-actions', '.github/workflows/b.yml', workflow(`${nested}; docker build -t registry.example.com/app:1 .`), '.');
    expect(pipeline.steps.map((step) => step.kind)).toEqual(['build']);
  }, 20_000);

  it('says when YAML nests deeper than its parser can follow, naming the limit', () => {
    const text = `on: push\njobs:\n  build:\n    runs-on: x\n    steps:\n      - run: x\n        with: ${'['.repeat(deep)}${']'.repeat(deep)}\n`;
    const pipeline = parsePipeline('github-actions', '.github/workflows/deep.yml', text, '.');
    expect(pipeline.diagnostics.join('\n')).toMatch(
      /deep\.yml: line \d+: nested deeper than the parser can follow \(CI files are read to 200 levels: the maxCiNestingDepth limit\)/,
    );
  });
});

describe('paths named by CI files', () => {
  it(
    'does not block on a GitLab include that names a FIFO: it is not read, and says why',
    { ...skipWhen(commandMissing('mkfifo', 'coreutils')), timeout: 30_000 },
    async () => {
      const root = mkdtempSync(path.join(tmpdir(), 'shipshape-ci-fifo-'));
      dirs.push(root);
      mkdirSync(path.join(root, 'app', '.git'), { recursive: true });
      mkdirSync(path.join(root, 'app', 'ci'));
      writeFileSync(
        path.join(root, 'app', '.gitlab-ci.yml'),
        'include:\n  - local: /ci/jobs.yml\nbuild:\n  script:\n    - docker build -t registry.example.com/app:1 .\n',
      );
      const fifo = path.join(root, 'app', 'ci', 'jobs.yml');
      execFileSync('mkfifo', [fifo]);
      // A read that opens the FIFO blocks the whole thread, out of reach of any timeout: a writer
      // that opens it later ends such a read (empty), so a regression fails here instead of hanging.
      const writer = spawn('sh', ['-c', 'sleep 5; exec 3>"$0"', fifo], { stdio: 'ignore' });
      try {
        const diagnostics: string[] = [];
        const pipelines = await discoverPipelines(root, { diagnostics });
        expect(diagnostics).toEqual(['ci/jobs.yml: cannot read: not a regular file (a FIFO, socket, device or directory)']);
        expect(pipelines.map((p) => [p.file, p.steps.map((step) => step.kind)])).toEqual([['app/.gitlab-ci.yml', ['build']]]);
      } finally {
        writer.kill();
      }
    },
  );
});

describe('long shell commands stay linear', () => {
  it('reads a command behind 60,000 braces', () => {
    const pipeline = parsePipeline(
      'github-actions',
      '.github/workflows/b.yml',
      workflow(`${'{ '.repeat(60_000)}docker build -t registry.example.com/app:1 .;${' }'.repeat(60_000)}`),
      '.',
    );
    expect(pipeline.steps.map((step) => step.kind)).toEqual(['build']);
  }, 20_000);

  it('reads a command behind 60,000 sudo wrappers', () => {
    const pipeline = parsePipeline(
      'github-actions',
      '.github/workflows/b.yml',
      workflow(`${'sudo -E '.repeat(60_000)}docker build -t registry.example.com/app:1 .`),
      '.',
    );
    expect(pipeline.steps.map((step) => step.kind)).toEqual(['build']);
  }, 20_000);

  it('reads a Kotlin or Groovy file of 300,000 blank lines (each once rescanned the run after it)', () => {
    const blank = '\n'.repeat(300_000);
    const settings = `object Build : BuildType({\n  steps {\n${blank}    dockerCommand { commandType = build { namesAndTags = "registry.example.com/app:1" } }\n  }\n})\n`;
    expect(parsePipeline('teamcity', '.teamcity/settings.kts', settings, '.').steps.map((step) => step.kind)).toEqual(['build']);
    const jenkinsfile = `pipeline { agent any\n stages { stage("b") { steps {${blank} sh "docker build -t registry.example.com/app:1 ." } } } }\n`;
    expect(parsePipeline('jenkins', 'Jenkinsfile', jenkinsfile, '.').steps.map((step) => step.kind)).toEqual(['build']);
  }, 20_000);

  it('resolves 10,000 YAML aliases in one pass (each once searched the whole document)', () => {
    const text = `.login: &docker-login\n  - docker login -u u -p p registry.example.com\nbuild:\n  image: docker:24\n  script:\n${'    - *docker-login\n'.repeat(10_000)}    - docker build -t registry.example.com/app:1 .\n`;
    const pipeline = parsePipeline('gitlab-ci', '.gitlab-ci.yml', text, '.');
    expect(pipeline.steps.filter((step) => step.kind === 'build')).toHaveLength(1);
    expect(pipeline.steps.filter((step) => step.kind === 'login')).toHaveLength(10_000);
  }, 30_000);

  it('reads a Groovy string of 60,000 unclosed ${ (each once looked ahead to the end of the file)', () => {
    const text = `pipeline { agent any\n stages { stage("b") { steps { sh "docker build -t registry.example.com/app:1 ."\n sh """docker push ${'\n""${'.repeat(60_000)}""" } } } }\n`;
    const pipeline = parsePipeline('jenkins', 'Jenkinsfile', text, '.');
    expect(pipeline.steps.map((step) => step.kind)).toContain('build');
  }, 20_000);

  it('reads a docker run with 200,000 arguments (no RangeError from spreading them)', () => {
    const pipeline = parsePipeline(
      'github-actions',
      '.github/workflows/r.yml',
      workflow(`docker run aquasec/trivy:0.50.0 image --exit-code 1 registry.example.com/app:1${' --severity HIGH'.repeat(100_000)}`),
      '.',
    );
    expect(pipeline.diagnostics).toEqual([]);
    expect(pipeline.steps.map((step) => step.kind)).toEqual(['security']);
  }, 20_000);
});
