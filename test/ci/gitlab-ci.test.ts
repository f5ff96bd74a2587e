import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseGitlabCi, type GitlabProject } from '../../src/buildtime/ci/gitlab-ci.js';
import { brief } from '../../src/buildtime/ci/test-brief.js';

const here = path.dirname(fileURLToPath(import.meta.url));

function readCase(name: string, project?: GitlabProject): ReturnType<typeof parseGitlabCi> {
  const dir = path.join(here, 'gitlab', name);
  const readFile = (p: string): string | undefined => (existsSync(path.join(dir, p)) ? readFileSync(path.join(dir, p), 'utf8') : undefined);
  return parseGitlabCi(`${name}/.gitlab-ci.yml`, readFileSync(path.join(dir, '.gitlab-ci.yml'), 'utf8'), name, { readFile, project });
}

describe('GitLab CI reader', () => {
  it('reads the docker-in-docker pattern: predefined variables stay unknown, named', () => {
    const pipeline = readCase('clean');
    expect(brief(pipeline)).toEqual([
      '0 L17 [build-image] login ${CI_REGISTRY} ?{CI_REGISTRY}',
      '1 L19 [build-image] build docker file=Dockerfile ctx=. tags=[${CI_REGISTRY_IMAGE}:${CI_COMMIT_SHORT_SHA} ?{CI_REGISTRY_IMAGE,CI_COMMIT_SHORT_SHA}] push=false',
      '2 L20 [build-image] push docker ${CI_REGISTRY_IMAGE}:${CI_COMMIT_SHORT_SHA} ?{CI_REGISTRY_IMAGE,CI_COMMIT_SHORT_SHA}',
      '3 L28 [scan-image] scan trivy image=${CI_REGISTRY_IMAGE}:${CI_COMMIT_SHORT_SHA} ?{CI_REGISTRY_IMAGE,CI_COMMIT_SHORT_SHA} gating=true',
      '4 L36 [release-image] login ${CI_REGISTRY} ?{CI_REGISTRY}',
      '5 L38 [release-image] tag ${CI_REGISTRY_IMAGE}:${CI_COMMIT_SHORT_SHA} ?{CI_REGISTRY_IMAGE,CI_COMMIT_SHORT_SHA} -> ${CI_REGISTRY_IMAGE}:latest ?{CI_REGISTRY_IMAGE} push=false',
      '6 L39 [release-image] push docker ${CI_REGISTRY_IMAGE}:latest ?{CI_REGISTRY_IMAGE}',
    ]);
    expect(pipeline.unknownVariables).toEqual(['CI_COMMIT_SHORT_SHA', 'CI_REGISTRY', 'CI_REGISTRY_IMAGE']);
    expect(pipeline.diagnostics).toEqual([]);
  });

  it('resolves $CI_REGISTRY_IMAGE as $CI_REGISTRY/$CI_PROJECT_PATH (path lower-cased) when the estate tells both', () => {
    const pipeline = readCase('clean', { registry: 'registry.example.com:5050', path: 'Shop/Web-App' });
    expect(brief(pipeline).slice(0, 3)).toEqual([
      '0 L17 [build-image] login registry.example.com:5050',
      '1 L19 [build-image] build docker file=Dockerfile ctx=. tags=[registry.example.com:5050/shop/web-app:${CI_COMMIT_SHORT_SHA} ?{CI_COMMIT_SHORT_SHA}] push=false',
      '2 L20 [build-image] push docker registry.example.com:5050/shop/web-app:${CI_COMMIT_SHORT_SHA} ?{CI_COMMIT_SHORT_SHA}',
    ]);
    expect(pipeline.unknownVariables).toEqual(['CI_COMMIT_SHORT_SHA']);
    // the registry alone does not make the image: which project is not known
    const registryOnly = readCase('clean', { registry: 'registry.example.com:5050', path: undefined });
    expect(brief(registryOnly)[1]).toBe(
      '1 L19 [build-image] build docker file=Dockerfile ctx=. tags=[${CI_REGISTRY_IMAGE}:${CI_COMMIT_SHORT_SHA} ?{CI_REGISTRY_IMAGE,CI_COMMIT_SHORT_SHA}] push=false',
    );
    expect(registryOnly.unknownVariables).toEqual(['CI_COMMIT_SHORT_SHA', 'CI_REGISTRY_IMAGE']);
  });

  it("lets the file's own variables override the predefined ones, also in a job that inherits no global variables", () => {
    const text = [
      'variables:',
      '  CI_REGISTRY_IMAGE: mirror.example.com/web',
      'a:',
      '  script: [docker push "$CI_REGISTRY_IMAGE:1"]',
      'b:',
      '  inherit: { variables: false }',
      '  script: [docker push "$CI_REGISTRY_IMAGE:2", docker push "$CI_REGISTRY/$CI_PROJECT_NAMESPACE/$CI_PROJECT_NAME:3"]',
    ].join('\n');
    const pipeline = parseGitlabCi('.gitlab-ci.yml', text, '.', { project: { registry: 'registry.example.com', path: 'shop/web' } });
    expect(brief(pipeline)).toEqual([
      '0 L4 [a] push docker mirror.example.com/web:1',
      '1 L7 [b] push docker registry.example.com/shop/web:2',
      '2 L7 [b] push docker registry.example.com/shop/web:3',
    ]);
  });

  it('reads a messy configuration: includes, extends, anchors, !reference, kaniko, buildah, stage order, allow_failure', () => {
    const pipeline = readCase('messy');
    expect(brief(pipeline)).toEqual([
      // stage lint comes first although the job is last in the file; `|| echo` swallows the failure
      '0 L61 [lint] dockerfile-lint hadolint image=- target=services/cart/Dockerfile gating=false',
      '1 L31 [kaniko-build] build kaniko file=services/cart/Dockerfile ctx=services/cart tags=[registry.example.com/shop/cart:${CI_COMMIT_SHA} ?{CI_COMMIT_SHA}] push=true',
      // a job variable overrides a global one that another global refers to
      '2 L44 [buildah-build] build buildah file=worker/Containerfile ctx=worker tags=[registry.example.com/shop/cart-worker:${CI_COMMIT_SHA} ?{CI_COMMIT_SHA}] push=false',
      '3 L47 [buildah-build] push buildah registry.example.com/shop/cart-worker:${CI_COMMIT_SHA} ?{CI_COMMIT_SHA}',
      '4 L55 [scan] scan trivy image=registry.example.com/shop/cart:${CI_COMMIT_SHA} ?{CI_COMMIT_SHA} gating=false',
      // the login comes from a YAML anchor: its line is where the anchor is written
      '5 L15 [publish] login registry.example.com',
      '6 L22 [publish] tag registry.example.com/shop/cart:${CI_COMMIT_SHA} ?{CI_COMMIT_SHA} -> registry.example.com/shop/cart:stable push=false',
      '7 L22 [publish] push docker registry.example.com/shop/cart:stable',
      '8 L23 [publish] scan grype image=registry.example.com/shop/cart:stable gating=true',
    ]);
    const kaniko = pipeline.steps[1];
    expect(kaniko?.kind === 'build' && kaniko.dockerfile).toEqual({
      raw: '${CI_PROJECT_DIR}/services/cart/Dockerfile',
      resolved: 'services/cart/Dockerfile',
      unknowns: [],
    });
    expect(pipeline.unknownVariables).toEqual(['CI_COMMIT_SHA']);
    expect(pipeline.diagnostics).toEqual([
      'messy/.gitlab-ci.yml: line 3: project include is not read (only local files are)',
      'messy/.gitlab-ci.yml: line 5: template include is not read (only local files are)',
    ]);
  });

  it('takes steps of included jobs with the included file as location', () => {
    const included = ['.build:', '  script:', '    - docker build -t $IMG .', 'build-it:', '  extends: .build', '  stage: build'].join('\n');
    const pipeline = parseGitlabCi('svc/.gitlab-ci.yml', "include: 'ci/jobs.yml'\nvariables:\n  IMG: r.io/a:1\n", 'svc', {
      readFile: (p) => (p === 'ci/jobs.yml' ? included : undefined),
    });
    expect(pipeline.steps.map((s) => [s.location.file, s.location.line, s.location.step])).toEqual([['svc/ci/jobs.yml', 3, 'build-it']]);
    expect(brief(pipeline)).toEqual(['0 L3 [build-it] build docker file=Dockerfile ctx=. tags=[r.io/a:1] push=false']);
  });

  it('names a missing include, an unknown stage, an extends loop, and never crashes on malformed YAML', () => {
    const text = [
      'include:',
      '  - local: missing.yml',
      'a:',
      '  extends: b',
      '  stage: nowhere',
      '  script: [docker push r.io/x:1]',
      'b:',
      '  extends: a',
    ].join('\n');
    const pipeline = parseGitlabCi('.gitlab-ci.yml', text, '.', { readFile: () => undefined });
    // b extends a (which loops back): it inherits a's script and stage
    expect(brief(pipeline)).toEqual(['0 L6 [a] push docker r.io/x:1', '1 L6 [b] push docker r.io/x:1']);
    expect(pipeline.diagnostics).toEqual([
      '.gitlab-ci.yml: line 2: included file missing.yml not found',
      'job a: extends loops or nests too deep',
      'job a: stage nowhere is not in stages',
      'job b: extends loops or nests too deep',
      'job b: stage nowhere is not in stages',
    ]);
    const broken = parseGitlabCi('.gitlab-ci.yml', 'job:\n  script:\n    - "docker push x\n  stage: [', '.');
    expect(broken.steps).toEqual([]);
    expect(broken.diagnostics.length).toBeGreaterThan(0);
  });

  it('allow_failure with exit codes makes gating unknown; after_script has its own shell', () => {
    const text = [
      'scan:',
      '  allow_failure:',
      '    exit_codes: [3]',
      '  script:',
      '    - IMG=r.io/app:1',
      '    - trivy image --exit-code 3 $IMG',
      '  after_script:',
      '    - docker push $IMG',
    ].join('\n');
    expect(brief(parseGitlabCi('.gitlab-ci.yml', text, '.'))).toEqual([
      '0 L6 [scan] scan trivy image=r.io/app:1 gating=undefined',
      '1 L8 [scan] push docker ${IMG} ?{IMG}',
    ]);
  });
});
