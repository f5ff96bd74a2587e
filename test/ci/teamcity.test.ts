import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTeamcity, teamcityRegistryConnections } from '../../src/buildtime/ci/teamcity.js';
import { brief } from '../../src/buildtime/ci/test-brief.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const read = (name: string): string => readFileSync(path.join(here, 'teamcity', name, '.teamcity', 'settings.kts'), 'utf8');

describe('TeamCity Kotlin DSL reader', () => {
  it('reads a BuildType: dockerCommand build and push, a scan script, the dockerSupport login resolved through the project connection', () => {
    const pipelines = parseTeamcity('clean/.teamcity/settings.kts', read('clean'), 'clean');
    expect(pipelines.map((p) => [p.id, p.name])).toEqual([['teamcity:clean/.teamcity/settings.kts#BuildImage', 'Build image']]);
    const [pipeline] = pipelines;
    if (pipeline === undefined) throw new Error('no pipeline');
    expect(brief(pipeline)).toEqual([
      // the build feature logs in before the first step, wherever it is written
      '0 L59 [dockerSupport] login registry.example.com',
      '1 L32 [Build] build teamcity-docker file=docker/api.Dockerfile ctx=. tags=[registry.example.com/inventory/api:${build.number} ?{build.number}] push=false',
      '2 L46 [Scan] scan trivy image=registry.example.com/inventory/api:${build.number} ?{build.number} gating=true',
      '3 L49 [Push] push teamcity-docker registry.example.com/inventory/api:${build.number} ?{build.number}',
    ]);
    const build = pipeline.steps[1];
    expect(build?.kind === 'build' && build.tags[0]?.raw).toBe('%env.IMAGE%:%image.tag%');
    expect(pipeline.unknownVariables).toEqual(['build.number']);
    expect(pipeline.diagnostics).toEqual([]);
  });

  it("reads a messy project: inline buildType, project params, Kotlin vals and ${'$'}, a script without set -e, docker other", () => {
    const pipelines = parseTeamcity('messy/.teamcity/settings.kts', read('messy'), 'messy');
    expect(pipelines.map((p) => p.id)).toEqual(['teamcity:messy/.teamcity/settings.kts#Nightly', 'teamcity:messy/.teamcity/settings.kts#Worker']);
    const [nightly, worker] = pipelines;
    if (nightly === undefined || worker === undefined) throw new Error('missing pipelines');
    expect(brief(nightly)).toEqual([
      // no connection with that id in the file: the registry is unknown, named by the id
      '0 L30 [dockerSupport] login ${PROJECT_EXT_9} ?{PROJECT_EXT_9}',
      // a blank context is the folder of the Dockerfile
      '1 L18 [dockerCommand] build teamcity-docker file=Dockerfile ctx=. tags=[registry.example.com/jobs/nightly:latest | registry.example.com/jobs/nightly:${build.vcs.number} ?{build.vcs.number}] push=false',
    ]);
    expect(brief(worker)).toEqual([
      '0 L51 [Build and push] build docker file=worker/build/Dockerfile ctx=worker tags=[registry.example.com/jobs/worker:${TAG} ?{TAG}] push=false',
      '1 L53 [Build and push] tag registry.example.com/jobs/worker:${TAG} ?{TAG} -> registry.example.com/jobs/worker:latest push=false',
      '2 L53 [Build and push] push docker registry.example.com/jobs/worker:latest',
      '3 L54 [Build and push] scan trivy image=registry.example.com/jobs/worker:latest gating=false',
      '4 L55 [Build and push] push docker mirror.example.org/jobs/worker:latest',
      // TeamCity scripts run without `set -e`: only the last command decides the step
      '5 L56 [Build and push] scan grype image=registry.example.com/jobs/worker:latest gating=undefined',
      '6 L60 [Retag for mirror] tag registry.example.com/jobs/worker:latest -> mirror.example.org/jobs/worker:latest push=false',
    ]);
    expect(worker.steps[0]?.kind === 'build' && worker.steps[0].tags[0]?.raw).toBe('$IMAGE:$TAG');
    expect(worker.unknownVariables).toEqual(['TAG']);
  });

  it('resolves a registry id from an OAuthProvider feature or a sibling file', () => {
    const project = [
      'project {',
      '  features {',
      '    feature {',
      '      id = "PROJECT_EXT_4"',
      '      type = "OAuthProvider"',
      '      param("providerType", "Docker")',
      '      param("repositoryUrl", "https://index.docker.io/v1/")',
      '    }',
      '  }',
      '}',
    ].join('\n');
    expect([...teamcityRegistryConnections(project)].map(([id, url]) => [id, url.resolved])).toEqual([['PROJECT_EXT_4', 'docker.io']]);
    const buildType = [
      'object B : BuildType({',
      '  features { dockerSupport { loginToRegistry = on { dockerRegistryId = "PROJECT_EXT_4,PROJECT_EXT_5" } } }',
      '})',
    ].join('\n');
    const [pipeline] = parseTeamcity('.teamcity/b.kts', buildType, '.', { registryConnections: teamcityRegistryConnections(project) });
    expect(pipeline === undefined ? [] : brief(pipeline)).toEqual([
      '0 L2 [dockerSupport] login docker.io',
      '1 L2 [dockerSupport] login ${PROJECT_EXT_5} ?{PROJECT_EXT_5}',
    ]);
  });

  it('reports unbalanced braces without crashing', () => {
    const pipelines = parseTeamcity(
      '.teamcity/settings.kts',
      'object A : BuildType({\n  steps {\n    dockerCommand {\n      commandType = push { namesAndTags = "r.io/a:1" }\n',
      '.',
    );
    expect(pipelines.map((p) => brief(p))).toEqual([['0 L3 [dockerCommand] push teamcity-docker r.io/a:1']]);
    expect(pipelines[0]?.diagnostics).toEqual(["3 unclosed '{' (first opened at line 1)"]);
  });
  it('applies no registry connection to image names: the dockerSupport feature only logs in', () => {
    const text = [
      'project {',
      '  features { dockerRegistry { id = "HUB"; url = "https://registry.example.com" } }',
      '  buildType(Build)',
      '}',
      'object Build : BuildType({',
      '  steps {',
      '    dockerCommand { commandType = build { namesAndTags = "team/app:1" } }',
      '    dockerCommand { commandType = push { namesAndTags = "team/app:1" } }',
      '  }',
      '  features { dockerSupport { loginToRegistry = on { dockerRegistryId = "HUB" } } }',
      '})',
    ].join('\n');
    expect(parseTeamcity('.teamcity/settings.kts', text, '.').map((p) => brief(p))).toEqual([
      [
        '0 L10 [dockerSupport] login registry.example.com',
        '1 L7 [dockerCommand] build teamcity-docker file=Dockerfile ctx=. tags=[team/app:1] push=false',
        '2 L8 [dockerCommand] push teamcity-docker team/app:1',
      ],
    ]);
  });
});
