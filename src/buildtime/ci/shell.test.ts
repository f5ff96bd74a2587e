import { describe, expect, it } from 'vitest';
import { brief, briefDrafts } from './test-brief.js';
import { parsePipeline } from './discover.js';
import { analyzeShell } from './shell.js';
import { maxScriptNesting } from '../shell/commands.js';
import { commandsOf, plainSource } from '../shell/lexer.js';
import { dedent } from '../../test-support/text.js';
import { literal, Scope } from './values.js';

const run = (text: string, options: Parameters<typeof analyzeShell>[1] = {}): string[] => briefDrafts(analyzeShell(text, options));

describe('shell words', () => {
  it('splits commands on operators, joins continuations, skips comments and here-docs, keeps < targets', () => {
    const commands = commandsOf(
      plainSource(
        ['a "b c" \'d $e\' f\\ g && h || i | j ; k &', 'l \\', '  m # comment', 'cat <<EOF', 'docker push x', 'EOF', 'n < Dockerfile 2>&1 > out'].join('\n'),
        10,
      ),
    );
    const words = commands.map((c) => [
      c.line,
      c.next,
      c.words.map((w) => w.parts.map((p) => (p.kind === 'text' ? p.text : `{${p.kind}:${p.kind === 'expansion' ? p.text : p.index}}`)).join('')).join(' '),
    ]);
    expect(words).toEqual([
      [10, '&&', 'a b c d $e f g'],
      [10, '||', 'h'],
      [10, '|', 'i'],
      [10, ';', 'j'],
      [10, '&', 'k'],
      [11, 'newline', 'l m'],
      [13, 'newline', 'cat'],
      [16, 'end', 'n'],
    ]);
    expect(commands[7]?.stdin?.parts).toEqual([{ kind: 'text', text: 'Dockerfile' }]);
  });

  it('keeps expansions as written, inside double quotes too, and counts their lines', () => {
    const [command] = commandsOf(plainSource('x "a${B:-c}$(d e)" `f`', 1));
    expect(command?.words.map((w) => w.parts)).toEqual([
      [{ kind: 'text', text: 'x' }],
      [
        { kind: 'text', text: 'a' },
        { kind: 'expansion', text: '${B:-c}' },
        { kind: 'expansion', text: '$(d e)' },
      ],
      [{ kind: 'expansion', text: '`f`' }],
    ]);
  });
});

describe('shell analysis', () => {
  it('reads docker build options, defaults and --push', () => {
    expect(run('docker build -t a:1 --tag=b:2 -f build/Dockerfile --build-arg X=1 --target prod app')).toEqual([
      'L1 build docker file=build/Dockerfile ctx=app tags=[a:1 | b:2] push=false',
    ]);
    expect(run('docker buildx build --platform linux/amd64,linux/arm64 -t r.io/a:1 --push --sbom=true --provenance=mode=max ./svc')).toEqual([
      'L1 build docker-buildx file=svc/Dockerfile ctx=svc tags=[r.io/a:1] push=true',
      'L1 sbom buildkit image=r.io/a:1 gating=undefined',
      'L1 provenance buildkit image=r.io/a:1 gating=undefined',
    ]);
    expect(run('docker image build -t a . && docker buildx build -o type=image,push=true -t b .')).toEqual([
      'L1 build docker file=Dockerfile ctx=. tags=[a] push=false',
      'L1 build docker-buildx file=Dockerfile ctx=. tags=[b] push=true',
    ]);
  });

  it('reads push, tag, login (Docker Hub by default) and registry URLs', () => {
    expect(
      run(
        'docker tag a:1 r.io/a:1 && docker push r.io/a:1\ndocker login -u u -p p\ndocker login https://index.docker.io/v1/\ndocker login --username u ghcr.io',
      ),
    ).toEqual(['L1 tag a:1 -> r.io/a:1 push=false', 'L1 push docker r.io/a:1', 'L2 login docker.io', 'L3 login docker.io', 'L4 login ghcr.io']);
  });

  it('tracks assignments, export, defaults, command substitution and cd', () => {
    const text = [
      'export REGISTRY=r.io',
      'IMAGE="$REGISTRY/team/app"',
      'TAG=$(git rev-parse --short HEAD)',
      'cd services/api',
      'docker build -t "$IMAGE:$TAG" -t "${IMAGE}:${CHANNEL:-beta}" -t ${IMAGE}:${GIT_SHA:0:7} ..',
      'IMAGE+=-debug',
      'docker push $IMAGE:latest',
    ].join('\n');
    expect(run(text)).toEqual([
      'L5 build docker file=services/Dockerfile ctx=services tags=[r.io/team/app:${TAG} ?{TAG} | r.io/team/app:${CHANNEL:-beta} ?{CHANNEL} | r.io/team/app:${GIT_SHA:0:7} ?{GIT_SHA}] push=false',
      'L7 push docker r.io/team/app-debug:latest',
    ]);
  });

  it('resolves from the given scope, recursively, and guards cycles', () => {
    const scope = new Scope();
    scope.set('A', { kind: 'lazy', raw: '$B/x', syntaxes: ['gitlab'], scope });
    scope.set('B', { kind: 'lazy', raw: 'r.io', syntaxes: ['gitlab'], scope });
    scope.set('C', { kind: 'lazy', raw: '$D', syntaxes: ['gitlab'], scope });
    scope.set('D', { kind: 'lazy', raw: '$C', syntaxes: ['gitlab'], scope });
    expect(run('docker push $A:1 && docker push $C:2', { scope })).toEqual(['L1 push docker r.io/x:1', 'L1 push docker ${C}:2 ?{C}']);
  });

  it('weighs what surrounds a scan: || true, || exit 1, pipes, pipefail, if, set +e, background', () => {
    const text = [
      'trivy image --exit-code 1 a',
      'trivy image --exit-code 1 b || true',
      'trivy image --exit-code 1 c || (echo "failed"; exit 1)',
      'trivy image --exit-code 1 d | tee out.txt',
      'if trivy image --exit-code 1 e; then echo ok; fi',
      'trivy image --exit-code 1 f &',
      'trivy image --exit-code 1 g || exit $RC',
      'set -o pipefail',
      'trivy image --exit-code 1 h | tee out.txt',
      'set +e',
      'trivy image --exit-code 1 i',
      'trivy image --exit-code 0 j',
      'trivy image k',
      'trivy image --exit-code 1 l',
    ].join('\n');
    expect(run(text)).toEqual([
      'L1 scan trivy image=a gating=true',
      'L2 scan trivy image=b gating=false',
      'L3 scan trivy image=c gating=true',
      'L4 scan trivy image=d gating=undefined',
      'L5 scan trivy image=e gating=undefined',
      'L6 scan trivy image=f gating=undefined',
      'L7 scan trivy image=g gating=undefined',
      'L9 scan trivy image=h gating=true',
      'L11 scan trivy image=i gating=undefined',
      'L12 scan trivy image=j gating=false',
      'L13 scan trivy image=k gating=false',
      // without set -e the last command decides the script's status
      'L14 scan trivy image=l gating=true',
    ]);
    expect(run('trivy image --exit-code 1 a', {}).length).toBe(1);
    expect(briefDrafts(analyzeShell('trivy image --exit-code 1 a\necho done', { errexit: false }))).toEqual(['L1 scan trivy image=a gating=undefined']);
  });

  it('recognises scanners, SBOM tools, signing, attestations and linters', () => {
    const text = [
      'grype registry:r.io/a:1 --fail-on high',
      'grype sbom:./sbom.json',
      'syft scan docker:r.io/a:1 -o cyclonedx-json=sbom.json',
      'syft attest --key cosign.key r.io/a:1',
      'docker scout cves --exit-code --only-severity critical registry://r.io/a:1',
      'snyk container test r.io/a:1 --severity-threshold=high',
      'snyk container monitor r.io/a:1',
      'shipshape scan image r.io/a:1 --exit-code 2 --format sarif',
      'trivy sbom --exit-code 1 sbom.cdx.json',
      'trivy image --format spdx-json -o sbom.spdx.json r.io/a:1',
      'trivy image --input image.tar --exit-code 1',
      'cosign sign --yes --key cosign.key r.io/a@sha256:abc',
      'cosign attest --predicate prov.json --type slsaprovenance r.io/a:1',
      'cosign attest --predicate sbom.json --type cyclonedx r.io/a:1',
      'cosign verify --certificate-identity x --certificate-oidc-issuer y r.io/a:1',
      'notation sign r.io/a:1',
      'hadolint --failure-threshold error docker/Dockerfile docker/Dockerfile.dev',
      'hadolint --no-fail Dockerfile',
      'dockle --exit-code 1 r.io/a:1',
      'docker sbom r.io/a:1',
    ].join('\n');
    expect(run(text)).toEqual([
      'L1 scan grype image=r.io/a:1 gating=true',
      'L2 scan grype image=- target=sbom.json gating=false',
      'L3 sbom syft image=r.io/a:1 gating=undefined',
      'L4 attest syft image=r.io/a:1 gating=undefined',
      'L5 scan docker-scout image=r.io/a:1 gating=true',
      'L6 scan snyk image=r.io/a:1 gating=true',
      'L7 scan snyk image=r.io/a:1 gating=false',
      'L8 scan shipshape image=r.io/a:1 gating=true',
      'L9 scan trivy image=- target=sbom.cdx.json gating=true',
      'L10 sbom trivy image=r.io/a:1 gating=undefined',
      'L11 scan trivy image=- target=image.tar gating=true',
      'L12 sign cosign image=r.io/a@sha256:abc gating=undefined',
      'L13 provenance cosign image=r.io/a:1 gating=undefined',
      'L14 attest cosign image=r.io/a:1 gating=undefined',
      'L15 verify cosign image=r.io/a:1 gating=undefined',
      'L16 sign notation image=r.io/a:1 gating=undefined',
      'L17 dockerfile-lint hadolint image=- target=docker/Dockerfile gating=true',
      'L17 dockerfile-lint hadolint image=- target=docker/Dockerfile.dev gating=true',
      'L18 dockerfile-lint hadolint image=- target=Dockerfile gating=false',
      'L19 scan dockle image=r.io/a:1 gating=true',
      'L20 sbom docker-sbom image=r.io/a:1 gating=undefined',
    ]);
  });

  it('reads buildah, podman, kaniko, skopeo and crane', () => {
    const text = [
      'buildah bud --layers --pull -f Containerfile -t r.io/a:1 .',
      'buildah push r.io/a:1 docker://r.io/a:latest',
      'buildah push r.io/a:1 oci-archive:/tmp/a.tar',
      'podman build -t r.io/b:1 sub && podman push r.io/b:1 && podman login quay.io',
      '/kaniko/executor --context "$CI_PROJECT_DIR" --dockerfile "$CI_PROJECT_DIR/Dockerfile" --destination r.io/c:1 --destination r.io/c:latest',
      'executor -c dir://app -f app/Dockerfile -d r.io/c:2 --no-push',
      'skopeo copy --all docker://r.io/a:1 docker://mirror.io/a:1',
      'skopeo copy docker-daemon:r.io/a:1 oci:/tmp/a',
      'crane copy r.io/a:1 mirror.io/a:1 && crane tag r.io/a:1 stable && crane auth login r.io -u u -p p',
      'docker buildx imagetools create -t r.io/a:multi r.io/a:amd64',
    ].join('\n');
    expect(run(text, { workspaceVars: ['CI_PROJECT_DIR'] })).toEqual([
      'L1 build buildah file=Containerfile ctx=. tags=[r.io/a:1] push=false',
      'L2 push buildah r.io/a:latest',
      'L4 build podman file=sub/Dockerfile ctx=sub tags=[r.io/b:1] push=false',
      'L4 push podman r.io/b:1',
      'L4 login quay.io',
      'L5 build kaniko file=Dockerfile ctx=. tags=[r.io/c:1 | r.io/c:latest] push=true',
      'L6 build kaniko file=app/Dockerfile ctx=app tags=[r.io/c:2] push=false',
      'L7 tag r.io/a:1 -> mirror.io/a:1 push=true',
      'L8 tag r.io/a:1 -> oci:/tmp/a push=false',
      'L9 tag r.io/a:1 -> mirror.io/a:1 push=true',
      'L9 tag r.io/a:1 -> r.io/a:stable push=true',
      'L9 login r.io',
      'L10 tag r.io/a:amd64 -> r.io/a:multi push=true',
    ]);
  });

  it('reads tools run as containers, sudo/env wrappers and sh -c', () => {
    const text = [
      'docker run --rm -v /var/run/docker.sock:/var/run/docker.sock aquasec/trivy:0.56.2 image --exit-code 1 r.io/a:1',
      'docker run --rm -i hadolint/hadolint < docker/Dockerfile',
      'docker run --rm --entrypoint="" anchore/grype:latest grype r.io/a:1 --fail-on high',
      'docker run --rm alpine:3 echo docker push nothing',
      'sudo -E env DOCKER_BUILDKIT=1 docker build -t a .',
      'sh -c "docker push r.io/a:1"',
    ].join('\n');
    expect(run(text, { cwd: literal('svc') })).toEqual([
      'L1 scan trivy image=r.io/a:1 gating=true',
      'L2 dockerfile-lint hadolint image=- target=svc/docker/Dockerfile gating=true',
      'L3 scan grype image=r.io/a:1 gating=true',
      'L5 build docker file=svc/Dockerfile ctx=svc tags=[a] push=false',
      'L6 push docker r.io/a:1',
    ]);
  });

  it('reads the commands of $( … ) and backticks at their line, before the command that takes their output', () => {
    const text = [
      'IMAGE_ID=$(docker build -q -t registry.example.com/app:1 .)',
      'digest=$(docker push registry.example.com/app:1 | tail -1)',
      'echo "$(trivy image --exit-code 1 registry.example.com/app:1)"',
      'echo `grype registry.example.com/app:1 --fail-on high`',
      'docker push $(docker build -q -t r.io/b:1 sub)',
      'DIR=$(cd other && docker build -t r.io/c:1 . && pwd)',
      'docker build -t r.io/d:1 .',
    ].join('\n');
    expect(run(text)).toEqual([
      'L1 build docker file=Dockerfile ctx=. tags=[registry.example.com/app:1] push=false',
      'L2 push docker registry.example.com/app:1',
      'L3 scan trivy image=registry.example.com/app:1 gating=undefined',
      'L4 scan grype image=registry.example.com/app:1 gating=undefined',
      'L5 build docker file=sub/Dockerfile ctx=sub tags=[r.io/b:1] push=false',
      'L5 push docker $(docker build -q -t r.io/b:1 sub) ?{$(docker build -q -t r.io/b:1 sub)}',
      'L6 build docker file=other/Dockerfile ctx=other tags=[r.io/c:1] push=false',
      // the `cd` ran in the substitution's subshell
      'L7 build docker file=Dockerfile ctx=. tags=[r.io/d:1] push=false',
    ]);
  });

  it('lets a scan in $( … ) or backticks gate only where the command takes its status (NAME=$(…) alone)', () => {
    const text = [
      'REPORT=$(trivy image --exit-code 1 a)',
      'REPORT=`trivy image --exit-code 1 b` || true',
      'echo "$(trivy image --exit-code 1 c)"',
      'A=$(trivy image --exit-code 1 d) B=$(date)',
      'export REPORT=$(trivy image --exit-code 1 e)',
      'REPORT=$(trivy image --exit-code 1 f; echo done)',
    ].join('\n');
    expect(run(text)).toEqual([
      'L1 scan trivy image=a gating=true',
      'L2 scan trivy image=b gating=false',
      'L3 scan trivy image=c gating=undefined',
      'L4 scan trivy image=d gating=undefined',
      'L5 scan trivy image=e gating=undefined',
      'L6 scan trivy image=f gating=undefined',
    ]);
  });

  it('reads a $( … ) in the script of sh -c once: in double quotes this shell runs it, in single quotes the inner one', () => {
    expect(run('sh -c "echo $(docker push r.io/a:1)"\nsh -c \'echo $(docker push r.io/b:1)\'')).toEqual(['L1 push docker r.io/a:1', 'L2 push docker r.io/b:1']);
  });

  it('follows $( … ) to maxScriptNesting levels, no deeper', () => {
    const nested = (levels: number): string => `${'echo $('.repeat(levels)}docker push r.io/a:1${')'.repeat(levels)}`;
    expect(run(nested(maxScriptNesting))).toEqual(['L1 push docker r.io/a:1']);
    expect(run(nested(maxScriptNesting + 1))).toEqual([]);
  });

  it('reads $( … ) with values substituted before the shell ran (GitHub ${{ }}, Groovy interpolation)', () => {
    const workflow = dedent`
      on: push
      env:
        IMAGE: registry.example.com/app
      jobs:
        build:
          runs-on: ubuntu-latest
          steps:
            - run: |
                IMAGE_ID=$(docker build -q -t \${{ env.IMAGE }}:1 .)
                echo "$(docker push \${{ env.IMAGE }}:1)"
    `;
    expect(brief(parsePipeline('github-actions', '.github/workflows/b.yml', workflow, '.'))).toEqual([
      '0 L9 [build/step 1] build docker file=Dockerfile ctx=. tags=[registry.example.com/app:1] push=false',
      '1 L10 [build/step 1] push docker registry.example.com/app:1',
    ]);
    const jenkinsfile = `pipeline { agent any\n environment { IMAGE = 'registry.example.com/app' }\n stages { stage('b') { steps {\n sh "ID=\\$(docker build -q -t \${IMAGE}:1 .)"\n } } } }\n`;
    expect(brief(parsePipeline('jenkins', 'Jenkinsfile', jenkinsfile, '.'))).toEqual([
      '0 L4 [b] build docker file=Dockerfile ctx=. tags=[registry.example.com/app:1] push=false',
    ]);
  });

  it('names what it cannot read', () => {
    const diagnostics: string[] = [];
    expect(run('$DOCKER build -t a .\neval "docker push x"\ndocker build -t a', { diagnostics })).toEqual([
      'L3 build docker file=Dockerfile ctx=. tags=[a] push=false',
    ]);
    expect(diagnostics).toEqual([
      'line 1: command name is a variable ($DOCKER build); not read',
      'line 2: eval is not followed',
      'line 3: docker build without a build context',
    ]);
  });

  it('reads cosign login as no image step, and says nothing of its operands', () => {
    const diagnostics: string[] = [];
    expect(run('printf %s "$P" | cosign login "$REGISTRY_HOST" -u "$CI_REGISTRY_USER" --password-stdin', { diagnostics })).toEqual([]);
    expect(diagnostics).toEqual([]);
  });

  it('never throws on garbage', () => {
    const garbage = Array.from({ length: 2000 }, (_, i) => String.fromCharCode((i * 7919) % 200)).join('');
    expect(() => analyzeShell(`${garbage}\ndocker build "unterminated\n$(\n\`\n<<EOF\n`)).not.toThrow();
  });
});
