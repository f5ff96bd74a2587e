import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseJenkinsfile } from '../../src/build/ci/jenkins.js';
import { brief } from '../../src/build/ci/test-brief.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const read = (name: string): string => readFileSync(path.join(here, 'jenkins', name), 'utf8');

describe('Jenkinsfile reader', () => {
  it('reads a declarative pipeline: environment block, stages, sh with Groovy interpolation', () => {
    const pipeline = parseJenkinsfile('Jenkinsfile', read('declarative.Jenkinsfile'), '.');
    expect(pipeline.id).toBe('jenkins:Jenkinsfile');
    expect(brief(pipeline)).toEqual([
      '0 L13 [Lint] dockerfile-lint hadolint image=- target=docker/Dockerfile gating=true',
      '1 L18 [Build] build docker file=docker/Dockerfile ctx=. tags=[registry.example.com/payments/api:${BUILD_NUMBER} ?{BUILD_NUMBER}] push=false',
      '2 L23 [Scan] scan trivy image=registry.example.com/payments/api:${BUILD_NUMBER} ?{BUILD_NUMBER} gating=true',
      '3 L28 [Push] login registry.example.com',
      '4 L29 [Push] push docker registry.example.com/payments/api:${BUILD_NUMBER} ?{BUILD_NUMBER}',
    ]);
    // raw keeps what the file says
    const build = pipeline.steps[1];
    expect(build?.kind === 'build' && build.tags[0]?.raw).toBe('${IMAGE}:${TAG}');
    expect(pipeline.unknownVariables).toEqual(['BUILD_NUMBER']);
    expect(pipeline.diagnostics).toEqual([]);
  });

  it('reads a scripted pipeline with the Docker Pipeline plugin: docker.build, push, withRegistry', () => {
    const pipeline = parseJenkinsfile('ci/Jenkinsfile.web', read('scripted.Jenkinsfile'), '.');
    expect(brief(pipeline)).toEqual([
      '0 L14 [Build] build docker-pipeline file=services/web/build/Dockerfile ctx=services/web tags=[acme/web:${shortSha} ?{shortSha}] push=false',
      '1 L15 [Build] login registry.example.com:5000',
      // the plugin re-tags with the registry host: the name has none
      '2 L16 [Build] push docker-pipeline registry.example.com:5000/acme/web:${shortSha} ?{shortSha}',
      '3 L17 [Build] push docker-pipeline registry.example.com:5000/acme/web:latest',
      '4 L23 [Publish to Hub] login docker.io',
      '5 L24 [Publish to Hub] push docker-pipeline acme/web:stable',
      '6 L31 [Security] sbom trivy image=registry.example.com:5000/acme/web:latest gating=undefined',
      '7 L32 [Security] scan grype image=registry.example.com:5000/acme/web:latest gating=false',
      '8 L33 [Security] sign cosign image=registry.example.com:5000/acme/web:latest gating=undefined',
    ]);
    expect(pipeline.unknownVariables).toEqual(['shortSha']);
  });

  it('reads a messy pipeline: kaniko in a container, escapes, stage environment, retagging, scans after the push', () => {
    const pipeline = parseJenkinsfile('messy.Jenkinsfile', read('messy.Jenkinsfile'), 'orders');
    expect(brief(pipeline)).toEqual([
      '0 L29 [Kaniko] build kaniko file=build/Dockerfile.release ctx=app tags=[harbor.example.com/orders/service:${GIT_COMMIT} ?{GIT_COMMIT} | harbor.example.com/orders/service:${params.CHANNEL} ?{params.CHANNEL}] push=true',
      '1 L46 [Promote] tag harbor.example.com/orders/service:${GIT_COMMIT} ?{GIT_COMMIT} -> harbor.example.com/orders/service:stable push=false',
      '2 L46 [Promote] push docker harbor.example.com/orders/service:stable',
      '3 L47 [Promote] tag harbor.example.com/orders/service:stable -> harbor.example.com/orders/service:promoted push=true',
      // catchError(buildResult: 'SUCCESS'): the failure does not fail the build
      '4 L53 [Scan] scan trivy image=harbor.example.com/orders/service:stable gating=false',
      '5 L55 [Scan] scan snyk image=harbor.example.com/orders/service:stable gating=false',
      // piped into tee without pipefail: the scan's status is lost
      '6 L56 [Scan] scan docker-scout image=harbor.example.com/orders/service:stable gating=undefined',
    ]);
    const kaniko = pipeline.steps[0];
    expect(kaniko?.kind === 'build' && [kaniko.dockerfile.raw, kaniko.context.raw]).toEqual(['$WORKSPACE/${DOCKERFILE}', '$WORKSPACE/app']);
    expect(pipeline.unknownVariables).toEqual(['GIT_COMMIT', 'params.CHANNEL']);
    expect(pipeline.repository).toBe('orders');
  });

  it('keeps a def variable out of the shell: sh single-quoted strings see environment variables only', () => {
    const text = ["def tag = '1.0'", 'node {', "  sh 'docker build -t app:$tag .'", '  sh "docker build -t app:${tag} ."', '}'].join('\n');
    expect(brief(parseJenkinsfile('Jenkinsfile', text, '.'))).toEqual([
      '0 L3 [] build docker file=Dockerfile ctx=. tags=[app:${tag} ?{tag}] push=false',
      '1 L4 [] build docker file=Dockerfile ctx=. tags=[app:1.0] push=false',
    ]);
  });

  it('reports unbalanced braces and still reads what it can', () => {
    const text = ['pipeline {', '  stages {', "    stage('b') {", '      steps {', "        sh 'docker push reg.example.com/a:1'", '      }', '    }', '  }'].join('\n');
    const pipeline = parseJenkinsfile('Jenkinsfile', text, '.');
    expect(brief(pipeline)).toEqual(['0 L5 [b] push docker reg.example.com/a:1']);
    expect(pipeline.diagnostics).toEqual(["1 unclosed '{' (first opened at line 1)"]);
    const extra = parseJenkinsfile('Jenkinsfile', "}\nnode { sh 'docker login' }\n}", '.');
    expect(brief(extra)).toEqual(['0 L2 [] login docker.io']);
    expect(extra.diagnostics).toEqual(["line 1: unbalanced '}'", "line 3: unbalanced '}'"]);
  });

  it('survives an unterminated string and a lone comment opener', () => {
    const pipeline = parseJenkinsfile('Jenkinsfile', 'node {\n  sh "docker build -t x .\n}\n/* never closed', '.');
    expect(pipeline.steps.map((s) => s.kind)).toEqual(['build']);
  });
});
