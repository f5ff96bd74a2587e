import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseJenkinsfile } from '../../src/buildtime/ci/jenkins.js';
import { brief } from '../../src/buildtime/ci/test-brief.js';

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
      // built outside withRegistry, pushed inside: the plugin runs `docker tag` to the name in that registry, then pushes it
      '2 L16 [Build] tag acme/web:${shortSha} ?{shortSha} -> registry.example.com:5000/acme/web:${shortSha} ?{shortSha} push=true',
      '3 L17 [Build] tag acme/web:${shortSha} ?{shortSha} -> registry.example.com:5000/acme/web:latest push=true',
      '4 L23 [Publish to Hub] login docker.io',
      // withRegistry('') is Docker Hub: the name is not qualified; another tag is a retag of the build
      '5 L24 [Publish to Hub] tag acme/web:${shortSha} ?{shortSha} -> acme/web:stable push=true',
      '6 L31 [Security] sbom trivy image=registry.example.com:5000/acme/web:latest gating=undefined',
      '7 L32 [Security] scan grype image=registry.example.com:5000/acme/web:latest gating=false',
      '8 L33 [Security] sign cosign image=registry.example.com:5000/acme/web:latest gating=undefined',
    ]);
    expect(pipeline.unknownVariables).toEqual(['shortSha']);
  });

  it('names what docker.build builds inside docker.withRegistry in that registry, exactly as push does', () => {
    const text = [
      'node {',
      "  docker.withRegistry('https://registry.example.com', 'creds') {",
      "    def app = docker.build('shop/ledger:1.2')",
      '    app.push()',
      "    app.push('latest')",
      "    docker.build('registry.example.com/shop/audit:3').push()",
      '  }',
      "  docker.withRegistry('https://mirror.example.com:5000/v2/') {",
      "    docker.image('shop/ledger:1.2').push()",
      "    docker.image('nginx:1.27').push()",
      '  }',
      "  docker.withRegistry(env.REGISTRY_URL) { docker.build('shop/report').push() }",
      "  withDockerRegistry(url: 'https://registry.example.com') { docker.build('shop/plain:1').push() }",
      '}',
    ].join('\n');
    expect(brief(parseJenkinsfile('Jenkinsfile', text, '.'))).toEqual([
      '0 L2 [] login registry.example.com',
      // not a Docker Hub image: the build is known by its name in the registry, and pushed under it
      '1 L3 [] build docker-pipeline file=Dockerfile ctx=. tags=[registry.example.com/shop/ledger:1.2] push=false',
      '2 L4 [] push docker-pipeline registry.example.com/shop/ledger:1.2',
      '3 L5 [] tag registry.example.com/shop/ledger:1.2 -> registry.example.com/shop/ledger:latest push=true',
      // a name already starting with the registry is kept (the plugin does not prefix it twice)
      '4 L6 [] build docker-pipeline file=Dockerfile ctx=. tags=[registry.example.com/shop/audit:3] push=false',
      '5 L6 [] push docker-pipeline registry.example.com/shop/audit:3',
      '6 L8 [] login mirror.example.com:5000',
      // the image built in the first registry, copied into the second; an image nothing built is a mirror of Docker Hub's
      '7 L9 [] tag registry.example.com/shop/ledger:1.2 -> mirror.example.com:5000/shop/ledger:1.2 push=true',
      '8 L10 [] tag nginx:1.27 -> mirror.example.com:5000/nginx:1.27 push=true',
      // a registry the file does not settle: the name is unknown, never a Docker Hub guess
      '9 L12 [] login ${REGISTRY_URL} ?{REGISTRY_URL}',
      '10 L12 [] build docker-pipeline file=Dockerfile ctx=. tags=[${REGISTRY_URL}/shop/report ?{REGISTRY_URL}] push=false',
      '11 L12 [] push docker-pipeline ${REGISTRY_URL}/shop/report ?{REGISTRY_URL}',
      // withDockerRegistry logs in only: names are used as written
      '12 L13 [] login registry.example.com',
      '13 L13 [] build docker-pipeline file=Dockerfile ctx=. tags=[shop/plain:1] push=false',
      '14 L13 [] push docker-pipeline shop/plain:1',
    ]);
  });

  it('reads a messy pipeline: kaniko in a container, escapes, stage environment, retagging, scans after the push', () => {
    const pipeline = parseJenkinsfile('messy.Jenkinsfile', read('messy.Jenkinsfile'), 'orders');
    expect(brief(pipeline)).toEqual([
      '0 L29 [Kaniko] build kaniko file=build/Dockerfile.release ctx=app tags=[harbor.example.com/orders/service:${GIT_COMMIT} ?{GIT_COMMIT} | harbor.example.com/orders/service:beta ~{params.CHANNEL}] push=true',
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
    // params.CHANNEL has a declared default: resolved, but marked as assumed
    expect(pipeline.unknownVariables).toEqual(['GIT_COMMIT']);
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
    const text = [
      'pipeline {',
      '  stages {',
      "    stage('b') {",
      '      steps {',
      "        sh 'docker push reg.example.com/a:1'",
      '      }',
      '    }',
      '  }',
    ].join('\n');
    const pipeline = parseJenkinsfile('Jenkinsfile', text, '.');
    expect(brief(pipeline)).toEqual(['0 L5 [b] push docker reg.example.com/a:1']);
    expect(pipeline.diagnostics).toEqual(["1 unclosed '{' (first opened at line 1)"]);
    const extra = parseJenkinsfile('Jenkinsfile', "}\nnode { sh 'docker login' }\n}", '.');
    expect(brief(extra)).toEqual(['0 L2 [] login docker.io']);
    expect(extra.diagnostics).toEqual(["line 1: unbalanced '}'", "line 3: unbalanced '}'"]);
  });

  it('resolves declarative parameters from their defaults, marked as assumed; passwords and missing defaults stay unknown', () => {
    const pipeline = parseJenkinsfile('Jenkinsfile', read('parameters.Jenkinsfile'), '.');
    expect(brief(pipeline)).toEqual([
      // params.X, env.X (trimmed with trim: true), an environment block read before the parameters block
      '0 L22 [Build] build docker file=Dockerfile ctx=. tags=[registry.example.com/team/app:1.0.0 ~{params.VERSION} | registry.example.com/team/app:1.0.0-rc1 ~{params.VERSION,params.SUFFIX}] push=false',
      // $VERSION in a single-quoted sh script: the environment variable, through a shell assignment; the first choice
      '1 L23 [Build] push docker registry.example.com/team/app:1.0.0-staging ~{params.VERSION,params.ENV}',
      // a bare Groovy name; booleans with and without a default
      '2 L24 [Build] push docker registry.example.com/staging/app:debug-true-false ~{params.ENV,params.DEBUG,params.QUIET}',
      // no default: unknown
      '3 L25 [Build] push docker registry.example.com/team/app:${params.BRANCH} ?{params.BRANCH}',
      // a password is a secret: its default is never used
      '4 L26 [Build] push docker registry.example.com/team/app:${params.TOKEN} ?{params.TOKEN}',
      '5 L27 [Build] push docker registry.example.com/team/app:notes-${params.COMPUTED} ?{params.COMPUTED} ~{params.NOTES}',
      '6 L33 [Plugin] build docker-pipeline file=Dockerfile ctx=. tags=[registry.example.com/team/tool:1.0.0 ~{params.VERSION}] push=false',
      // pushed under another tag (`docker tag` then push): the new name no longer rests on the parameter
      '7 L34 [Plugin] tag registry.example.com/team/tool:1.0.0 ~{params.VERSION} -> registry.example.com/team/tool:latest push=true',
      '8 L35 [Plugin] push docker-pipeline registry.example.com/team/tool:1.0.0 ~{params.VERSION}',
    ]);
    const build = pipeline.steps[0];
    expect(build?.kind === 'build' && build.tags[0]).toEqual({
      raw: '${IMAGE}',
      resolved: 'registry.example.com/team/app:1.0.0',
      unknowns: [],
      assumed: ['params.VERSION'],
    });
    // exact values carry no `assumed` field at all
    expect(pipeline.steps[7]?.kind === 'tag' && Object.keys(pipeline.steps[7].to)).toEqual(['raw', 'resolved', 'unknowns']);
    expect(pipeline.unknownVariables).toEqual(['params.BRANCH', 'params.COMPUTED', 'params.TOKEN']);
    expect(pipeline.diagnostics).toEqual(['line 17: the default of parameter COMPUTED is not a value the file settles; params.COMPUTED stays unknown']);
  });

  it('resolves scripted properties([parameters([...])]) declarations, the $class form and choices as lines', () => {
    const text = [
      'properties([',
      '  buildDiscarder(logRotator(numToKeepStr: "10")),',
      '  parameters([',
      "    string(name: 'VERSION', defaultValue: '2.1'),",
      "    choice(name: 'ENV', choices: 'qa\\nprod', description: 'target'),",
      "    booleanParam(name: 'SIGN', defaultValue: false),",
      '    text(name: \'SUFFIX\', defaultValue: "-${env.VERSION}"),',
      "    [$class: 'StringParameterDefinition', name: 'LEGACY', defaultValue: 'old'],",
      "    [$class: 'PasswordParameterDefinition', name: 'SECRET', defaultValue: 'x'],",
      "    password(name: 'PW', defaultValue: 'hunter2'),",
      '  ])',
      '])',
      'node {',
      '  sh "docker build -t r.example.com/${params.ENV}/app:${params.VERSION}${params.SUFFIX} ."',
      '  sh "docker push r.example.com/app:${params.LEGACY}-sign-${SIGN}"',
      "  sh 'docker push r.example.com/app:$SECRET-$PW'",
      '}',
    ].join('\n');
    const pipeline = parseJenkinsfile('Jenkinsfile', text, '.');
    expect(brief(pipeline)).toEqual([
      // a default that reads another parameter rests on both
      '0 L14 [] build docker file=Dockerfile ctx=. tags=[r.example.com/qa/app:2.1-2.1 ~{params.ENV,params.VERSION,params.SUFFIX}] push=false',
      '1 L15 [] push docker r.example.com/app:old-sign-false ~{params.LEGACY,params.SIGN}',
      '2 L16 [] push docker r.example.com/app:${SECRET}-${PW} ?{SECRET,PW}',
    ]);
    expect(pipeline.diagnostics).toEqual([]);
  });

  it('keeps params unknown when nothing declares them, and lets the environment block override a parameter', () => {
    const text = [
      'pipeline {',
      "  parameters { string(name: 'TAG', defaultValue: 'p') }",
      "  environment { TAG = 'e' }",
      "  stages { stage('s') { steps {",
      '    sh "docker push r.example.com/a:${params.TAG}-${env.TAG}-${params.OTHER}"',
      '  } } }',
      '}',
    ].join('\n');
    expect(brief(parseJenkinsfile('Jenkinsfile', text, '.'))).toEqual([
      '0 L5 [s] push docker r.example.com/a:p-e-${params.OTHER} ?{params.OTHER} ~{params.TAG}',
    ]);
  });

  it('survives an unterminated string and a lone comment opener', () => {
    const pipeline = parseJenkinsfile('Jenkinsfile', 'node {\n  sh "docker build -t x .\n}\n/* never closed', '.');
    expect(pipeline.steps.map((s) => s.kind)).toEqual(['build']);
  });
});
