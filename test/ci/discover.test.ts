import { dedent } from '../../src/test-support/text.js';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, openSync, ftruncateSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ciSystemOf, discoverPipelines, parsePipeline, parsePipelines } from '../../src/buildtime/ci/discover.js';
import { UsageError } from '../../src/core/errors.js';
import { brief } from '../../src/buildtime/ci/test-brief.js';

let root: string;

function write(relative: string, text: string): void {
  const file = path.join(root, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'shipshape-ci-'));
  // a git repository with a Jenkinsfile deep inside and a workflow
  mkdirSync(path.join(root, 'shop/.git'), { recursive: true });
  write('shop/services/cart/Jenkinsfile', "node { sh 'docker build -t r.io/cart:1 services/cart' }\n");
  write('shop/.github/workflows/ci.yml', 'jobs:\n  b:\n    steps:\n      - run: docker push r.io/cart:1\n');
  write('shop/.github/workflows/notes.txt', 'not a workflow');
  write('shop/node_modules/pkg/Jenkinsfile', "node { sh 'docker push evil' }\n");
  // no .git: the CI layout says where the repository is
  write('loose/.gitlab-ci.yml', 'include: /ci/build.yml\n');
  write('loose/ci/build.yml', 'build:\n  script: [docker build -t r.io/loose:1 .]\n');
  write('loose/deploy/release.jenkinsfile', "node { sh 'docker login r.io' }\n");
  write(
    'tc/.teamcity/settings.kts',
    dedent`
    project {
      features {
        dockerRegistry {
          id = "REG"
          url = "https://r.io"
        }
      }
    }
  `,
  );
  write(
    'tc/.teamcity/builds.kts',
    'object A : BuildType({\n  features { dockerSupport { loginToRegistry = on { dockerRegistryId = "REG" } } }\n})\nobject B : BuildType({\n  name = "B"\n})\n',
  );
  // a GitLab include that tries to leave its repository through a link
  write('outside/secret.yml', 'steal:\n  script: [docker push stolen]\n');
  mkdirSync(path.join(root, 'escape'), { recursive: true });
  symlinkSync(path.join(root, 'outside'), path.join(root, 'escape/link'));
  write('escape/.gitlab-ci.yml', 'include: /link/secret.yml\n');
  // 50 MB of Jenkinsfile (sparse: no real disk use)
  mkdirSync(path.join(root, 'huge'), { recursive: true });
  const fd = openSync(path.join(root, 'huge/Jenkinsfile'), 'w');
  ftruncateSync(fd, 50 * 1024 * 1024);
  closeSync(fd);
  write('deep/a/b/c/Jenkinsfile', "node { sh 'docker push deep' }\n");
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('discoverPipelines', () => {
  it('finds every CI definition, with its repository, and skips what it must', async () => {
    const diagnostics: string[] = [];
    const pipelines = await discoverPipelines(root, { diagnostics, maxDepth: 3 });
    expect(pipelines.map((p) => [p.id, p.repository])).toEqual([
      ['gitlab-ci:escape/.gitlab-ci.yml', 'escape'],
      ['gitlab-ci:loose/.gitlab-ci.yml', 'loose'],
      ['jenkins:loose/deploy/release.jenkinsfile', 'loose/deploy'],
      ['github-actions:shop/.github/workflows/ci.yml', 'shop'],
      ['jenkins:shop/services/cart/Jenkinsfile', 'shop'],
      ['teamcity:tc/.teamcity/builds.kts#A', 'tc'],
      ['teamcity:tc/.teamcity/builds.kts#B', 'tc'],
    ]);
    const byId = new Map(pipelines.map((p) => [p.id, p]));
    expect(brief(byId.get('gitlab-ci:loose/.gitlab-ci.yml') ?? pipelines[0]!)).toEqual([
      '0 L2 [build] build docker file=Dockerfile ctx=. tags=[r.io/loose:1] push=false',
    ]);
    expect(byId.get('gitlab-ci:loose/.gitlab-ci.yml')?.steps[0]?.location.file).toBe('loose/ci/build.yml');
    // the connection is defined in settings.kts, the login in builds.kts
    expect(brief(byId.get('teamcity:tc/.teamcity/builds.kts#A') ?? pipelines[0]!)).toEqual(['0 L2 [dockerSupport] login r.io']);
    expect(byId.get('gitlab-ci:escape/.gitlab-ci.yml')?.steps).toEqual([]);
    expect(diagnostics).toEqual([
      'directories deeper than 3 levels (e.g. deep/a/b/c) are not searched for CI files',
      `huge/Jenkinsfile: ${50 * 1024 * 1024} bytes, more than the ${4 * 1024 * 1024}-byte maxCiFileBytes limit: skipped`,
      'link/secret.yml: outside the repository: not read',
    ]);
  });

  it('says so when the root is not a directory', async () => {
    const diagnostics: string[] = [];
    expect(await discoverPipelines(path.join(root, 'nope'), { diagnostics })).toEqual([]);
    expect(diagnostics).toEqual([`${path.join(root, 'nope')}: not a directory`]);
  });

  it('stops at the entry bound', async () => {
    const diagnostics: string[] = [];
    await discoverPipelines(root, { diagnostics, maxEntries: 3 });
    expect(diagnostics[0]).toBe(`more than 3 directory entries under ${root}: the rest is not searched for CI files`);
  });
});

describe('parsePipeline', () => {
  it('classifies CI files by path', () => {
    expect(
      [
        'Jenkinsfile',
        'a/Jenkinsfile.release',
        'x/build.Jenkinsfile',
        '.gitlab-ci.yml',
        '.github/workflows/a.yaml',
        'x/.github/workflows/sub/a.yml',
        '.teamcity/settings.kts',
        'settings.kts',
      ].map(ciSystemOf),
    ).toEqual(['jenkins', 'jenkins', 'jenkins', 'gitlab-ci', 'github-actions', undefined, 'teamcity', undefined]);
  });

  it('parses one file of each system; asks for parsePipelines when a file holds several', () => {
    expect(parsePipeline('jenkins', 'Jenkinsfile', "node { sh 'docker login' }", '.').steps.map((s) => s.kind)).toEqual(['login']);
    expect(parsePipeline('teamcity', '.teamcity/settings.kts', 'project {}', '.').id).toBe('teamcity:.teamcity/settings.kts');
    const two = 'object A : BuildType({})\nobject B : BuildType({})';
    expect(parsePipelines('teamcity', '.teamcity/settings.kts', two, '.').map((p) => p.id)).toEqual([
      'teamcity:.teamcity/settings.kts#A',
      'teamcity:.teamcity/settings.kts#B',
    ]);
    expect(() => parsePipeline('teamcity', '.teamcity/settings.kts', two, '.')).toThrow(UsageError);
  });
});
