import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { bounded, checkNoMaskedCrash, checkOutputBound, fuzz, preview, Reach } from '../../test-support/fuzz.js';
import { mutatedJson, mutatedText } from '../../test-support/fuzz-mutate.js';
import { ciSystemOf, parsePipelines } from './discover.js';
import type { CiSystem } from './model.js';

// Pipelines of every CI system: the project's own example pipelines (test/ci, examples/estate) and
// pipelines written from each system's grammar, damaged as text (and, for the YAML ones, as values).

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Every CI file of the repository's test and example trees, by system. */
function repositoryPipelines(): Map<CiSystem, string[]> {
  const found = new Map<CiSystem, string[]>();
  for (const top of ['test/ci', 'examples/estate']) {
    for (const name of readdirSync(path.join(root, top), { recursive: true, encoding: 'utf8' })) {
      const file = path.join(root, top, name);
      const system = ciSystemOf(`${top}/${name}`.split(path.sep).join('/'));
      if (system === undefined || !statSync(file).isFile()) continue;
      found.set(system, [...(found.get(system) ?? []), readFileSync(file, 'utf8')]);
    }
  }
  return found;
}

const image = fc.constantFrom(
  'registry.example.com/team/app:${BUILD_NUMBER}',
  '${REGISTRY}/${IMAGE}:${TAG:-latest}',
  'ghcr.io/o/r@sha256:' + 'a'.repeat(64),
  '$IMAGE',
  'app',
  '%env.REG%/app:%build.number%',
  '$(git rev-parse HEAD)',
);
const command = fc.oneof(
  image.map((i) => `docker build -f docker/Dockerfile -t ${i} --build-arg X=1 .`),
  image.map((i) => `docker push ${i}`),
  fc.tuple(image, image).map(([a, b]) => `docker tag ${a} ${b}`),
  image.map((i) => `trivy image --exit-code 1 --severity HIGH ${i} || true`),
  image.map((i) => `cosign sign --key env://KEY ${i}`),
  fc.constantFrom(
    'echo $PSW | docker login -u $USR --password-stdin $REGISTRY',
    'buildah bud -t x .',
    '/kaniko/executor --destination=$IMG --context=dir://.',
    'docker buildx build --push --sbom=true -t a/b:c .',
    'eval "$(cmd)"',
    'docker $(echo build) .',
  ),
);
const groovyString = fc.oneof(
  command.map((c) => `"${c}"`),
  command.map((c) => `'${c}'`),
  command.map((c) => `"""\n${c}\n"""`),
  command.map((c) => `'''${c}'''`),
);

/** Jenkinsfiles from the declarative and scripted grammars, blocks nested to `depth`. */
const jenkinsBlock: fc.Arbitrary<string> = fc.letrec<{ block: string }>((tie) => ({
  block: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    groovyString.map((s) => `sh ${s}`),
    groovyString.map((s) => `sh script: ${s}, returnStdout: true`),
    fc.constantFrom(
      'def img = docker.build("app:${env.BUILD_NUMBER}", "-f Dockerfile .")',
      'img.push()',
      'img.push("latest")',
      'env.TAG = "1.0"',
      'REGISTRY = "r.example"',
      "string(name: 'VERSION', defaultValue: '1.0')",
    ),
    fc
      .tuple(
        fc.constantFrom(
          'stage("Build")',
          "stage('x')",
          'steps',
          'script',
          'environment',
          'parameters',
          "docker.withRegistry('https://r.example', 'creds')",
          'node',
          'withCredentials([usernamePassword(credentialsId: "c")])',
          'stages',
          'pipeline',
        ),
        fc.array(tie('block'), { maxLength: 4 }),
      )
      .map(([head, body]) => `${head} {\n${body.join('\n')}\n}`),
  ),
})).block;

const teamcity: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      command.map((c) => `script { scriptContent = """\n${c}\n""" }`),
      image.map((i) => `dockerCommand { commandType = build { source = file { path = "Dockerfile" }\n namesAndTags = "${i}" } }`),
      image.map((i) => `dockerCommand { commandType = push { namesAndTags = "${i}" } }`),
    ),
    { maxLength: 5 },
  )
  .map(
    (steps) =>
      `import jetbrains.buildServer.configs.kotlin.*\nversion = "2024.03"\nproject { buildType(Build) }\nobject Build : BuildType({\n  name = "Build"\n  params { param("env.REG", "r.example") }\n  steps {\n${steps.join('\n')}\n  }\n  features { dockerSupport { loginToRegistry = on { dockerRegistryId = "PROJECT_EXT_1" } } }\n})\n`,
  );

const githubWorkflow = fc.record({
  name: fc.constant('release'),
  on: fc.constantFrom('push', { push: { tags: ['v*'] } }),
  env: fc.record({ REGISTRY: fc.constant('ghcr.io'), IMAGE: fc.constant('${{ github.repository }}') }),
  jobs: fc.record({
    build: fc.record({
      'runs-on': fc.constant('ubuntu-latest'),
      steps: fc.array(
        fc.oneof(
          command.map((run) => ({ run })),
          image.map((tags) => ({
            uses: 'docker/build-push-action@v5',
            with: { push: "${{ github.event_name != 'pull_request' }}", tags, file: 'Dockerfile' },
          })),
          fc.constant({ uses: 'docker/metadata-action@v5', id: 'meta', with: { images: 'ghcr.io/o/r\nname=x,enable=true' } }),
          fc.constant({
            uses: 'aquasecurity/trivy-action@master',
            with: { 'image-ref': '${{ steps.meta.outputs.tags }}', 'exit-code': '1' },
            'continue-on-error': true,
          }),
        ),
        { maxLength: 5 },
      ),
    }),
  }),
});

const gitlabCi = fc.record({
  variables: fc.record({ IMAGE: fc.constant('$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA') }),
  stages: fc.constant(['build', 'scan']),
  '.template': fc.record({ image: fc.constant('docker:24'), services: fc.constant(['docker:24-dind']) }),
  build: fc.record({
    stage: fc.constant('build'),
    extends: fc.constantFrom('.template', ['.template', '.missing']),
    script: fc.array(command, { maxLength: 4 }),
    rules: fc.constant([{ if: '$CI_COMMIT_BRANCH == "main"' }]),
  }),
  include: fc.constantFrom([{ local: 'ci/templates.yml' }], 'ci/templates.yml', [{ project: 'o/r', file: 'x.yml' }]),
});

const yamlTokens = [
  '&a ',
  '*a',
  '<<: *a\n',
  '!reference [.t, script]',
  '${{ ',
  ' }}',
  '- ',
  ': ',
  '|\n  ',
  '>-\n  ',
  'on:',
  'jobs:',
  'steps:',
  'run: ',
  'uses: ',
];
const braceTokens = [
  '{',
  '}',
  '(',
  ')',
  '"""',
  "'''",
  '${',
  '"',
  "'",
  '//',
  '/*',
  '*/',
  '\\',
  'sh ',
  'docker.build(',
  '.push()',
  'def ',
  '=',
  ';',
  'stage(',
  'steps {',
];

const pipelinesOf = (seeds: string[], generated: fc.Arbitrary<string>, tokens: string[]): fc.Arbitrary<string> =>
  mutatedText(fc.oneof(generated, ...(seeds.length > 0 ? [fc.constantFrom(...seeds)] : [])), { tokens, others: seeds });

const yamlPipelinesOf = (seeds: string[], generated: fc.Arbitrary<unknown>): fc.Arbitrary<string> =>
  // damaged values are written as JSON (which is YAML): the yaml package's own writer recurses on deep nesting
  fc.oneof(
    pipelinesOf(
      seeds,
      generated.map((value) => stringify(value)),
      yamlTokens,
    ),
    mutatedJson(generated).map((value) => JSON.stringify(value) ?? ''),
  );

describe('fuzz: CI pipelines', () => {
  const seeds = repositoryPipelines();
  const systems: { system: CiSystem; file: string; input: fc.Arbitrary<string> }[] = [
    { system: 'jenkins', file: 'Jenkinsfile', input: pipelinesOf(seeds.get('jenkins') ?? [], jenkinsBlock, braceTokens) },
    { system: 'teamcity', file: '.teamcity/settings.kts', input: pipelinesOf(seeds.get('teamcity') ?? [], teamcity, braceTokens) },
    { system: 'github-actions', file: '.github/workflows/release.yml', input: yamlPipelinesOf(seeds.get('github-actions') ?? [], githubWorkflow) },
    { system: 'gitlab-ci', file: '.gitlab-ci.yml', input: yamlPipelinesOf(seeds.get('gitlab-ci') ?? [], gitlabCi) },
  ];

  it('the repository holds example pipelines of every system, as seeds', () => {
    expect([...seeds.keys()].sort()).toEqual(systems.map((s) => s.system).sort());
  });

  for (const { system, file, input } of systems) {
    it(`${system}: any file is read into pipelines with diagnostics, or fails with a typed error`, async () => {
      const reach = new Reach();
      const included = seeds.get('gitlab-ci')?.[0];
      await fuzz(
        `ci ${system}`,
        input,
        (text) => {
          const pipelines = bounded('typed-errors', () => parsePipelines(system, file, text, '.', { readFile: () => included }));
          reach.input(pipelines?.some((p) => p.steps.length > 0) && 'steps');
          checkNoMaskedCrash((pipelines ?? []).flatMap((p) => p.diagnostics));
          // a step per image argument (`podman tag A B C …`), each with its values and place: linear, but wordy
          checkOutputBound(pipelines, text.length, 200);
        },
        { describe: (text) => preview(text, 3000) },
      );
      reach.expect('steps', 0.2);
    });
  }
});
