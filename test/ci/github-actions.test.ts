import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listItems, metadataImageNames, parseGithubWorkflow } from '../../src/buildtime/ci/github-actions.js';
import { brief } from '../../src/buildtime/ci/test-brief.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const read = (name: string): string => readFileSync(path.join(here, 'github', name), 'utf8');

describe('GitHub Actions reader', () => {
  it('reads a release workflow: login, metadata, build-push-action, trivy-action, cosign, provenance', () => {
    const pipeline = parseGithubWorkflow('.github/workflows/release.yml', read('release.yml'), '.');
    expect(pipeline.name).toBe('Release image');
    expect(brief(pipeline)).toEqual([
      '0 L23 [lint/hadolint/hadolint-action@v3.1.0] dockerfile-lint hadolint image=- target=deploy/Dockerfile gating=true',
      '1 L32 [build/Log in to GHCR] login ghcr.io',
      // the repository from metadata-action's images input; the tag it computes at run time stays a named unknown
      "2 L44 [build/Build and push] build build-push-action file=deploy/Dockerfile ctx=. tags=[ghcr.io/acme/storefront:${steps.meta.outputs.tags} ?{steps.meta.outputs.tags}] push=true when ${{ github.event_name != 'pull_request' }}",
      '3 L44 [build/Build and push] sbom buildkit image=ghcr.io/acme/storefront:${steps.meta.outputs.tags} ?{steps.meta.outputs.tags} gating=undefined',
      '4 L53 [build/Scan] scan trivy image=ghcr.io/acme/storefront:${github.sha} ?{github.sha} gating=true',
      '5 L61 [build/Sign] sign cosign image=ghcr.io/acme/storefront@${steps.push.outputs.digest} ?{steps.push.outputs.digest} gating=undefined',
      '6 L62 [build/Attest provenance] provenance github-attestations image=ghcr.io/acme/storefront@${steps.push.outputs.digest} ?{steps.push.outputs.digest} gating=undefined',
    ]);
    expect(pipeline.unknownVariables).toEqual(['github.sha', 'steps.meta.outputs.tags', 'steps.push.outputs.digest']);
    expect(pipeline.diagnostics).toEqual([
      'line 38: the tags of steps.meta.outputs.tags are computed by docker/metadata-action at run time (images: ghcr.io/acme/storefront)',
    ]);
    const scan = pipeline.steps[4];
    expect(scan?.kind === 'security' && scan.image).toEqual({
      raw: '${{ env.REGISTRY }}/${{ env.IMAGE_NAME }}:${{ github.sha }}',
      resolved: 'ghcr.io/acme/storefront:${github.sha}',
      unknowns: ['github.sha'],
    });
  });

  it('reads a messy workflow: env at three levels, working-directory, multi-line run, retag and push, scans after the push', () => {
    const pipeline = parseGithubWorkflow('.github/workflows/messy.yaml', read('messy.yaml'), '.');
    expect(brief(pipeline)).toEqual([
      '0 L19 [image/Login] login registry.example.com',
      '1 L25 [image/Build] build docker file=services/billing/docker/Dockerfile ctx=services/billing tags=[registry.example.com/team/billing:nightly-${github.run_number} ?{github.run_number}] push=false',
      '2 L29 [image/Build] tag registry.example.com/team/billing:nightly-${github.run_number} ?{github.run_number} -> registry.example.com/team/billing:nightly push=false',
      '3 L29 [image/Build] push docker registry.example.com/team/billing:nightly',
      '4 L31 [image/Scan after push] scan trivy image=registry.example.com/team/billing:nightly gating=false',
      '5 L32 [image/Grype] scan grype image=registry.example.com/team/billing:nightly gating=false',
      '6 L37 [image/Scout] scan docker-scout image=registry.example.com/team/billing:nightly gating=true',
      '7 L43 [image/Dockle in a container] scan dockle image=registry.example.com/team/billing:nightly gating=true',
      '8 L49 [image/Push elsewhere] tag registry.example.com/team/billing:nightly -> ${vars.MIRROR}/billing:nightly ?{vars.MIRROR} push=true',
      '9 L53 [provenance] provenance slsa-github-generator image=registry.example.com/team/billing@${needs.image.outputs.digest} ?{needs.image.outputs.digest} gating=undefined',
    ]);
    expect(pipeline.unknownVariables).toEqual(['github.run_number', 'needs.image.outputs.digest', 'vars.MIRROR']);
    expect(pipeline.diagnostics).toEqual(['line 50: command name is a variable ($DOCKER_CMD push); not read']);
  });

  it('pushes only when push is true; continue-on-error from an expression makes gating unknown', () => {
    const text = [
      'jobs:',
      '  b:',
      '    steps:',
      '      - uses: docker/build-push-action@v6',
      '        with:',
      '          context: app',
      '          tags: a/b:1, a/b:2',
      '          push: false',
      '      - uses: docker/build-push-action@v6',
      '        with:',
      '          tags: |',
      '            reg.io/x:${{ env.V }}',
      '          outputs: type=registry',
      '        env:',
      '          V: "9"',
      '      - continue-on-error: ${{ matrix.experimental }}',
      '        run: trivy image --exit-code 1 a/b:1',
      '      - shell: bash',
      '        run: trivy image --exit-code 1 a/b:1 | tee out.txt',
    ].join('\n');
    expect(brief(parseGithubWorkflow('w.yml', text, '.'))).toEqual([
      '0 L4 [b/docker/build-push-action@v6] build build-push-action file=app/Dockerfile ctx=app tags=[a/b:1 | a/b:2] push=false',
      '1 L9 [b/docker/build-push-action@v6] build build-push-action file=Dockerfile ctx=. tags=[reg.io/x:9] push=true',
      '2 L17 [b/step 3] scan trivy image=a/b:1 gating=undefined',
      // `shell: bash` runs with pipefail: the pipe keeps the scan's status
      '3 L19 [b/step 4] scan trivy image=a/b:1 gating=true',
    ]);
  });

  it('splits list inputs on lines and commas but not inside expressions', () => {
    expect(listItems("a:1,b:2\n  c:3  \n${{ format('{0},{1}', x, y) }}")).toEqual(['a:1', 'b:2', 'c:3', "${{ format('{0},{1}', x, y) }}"]);
  });

  it('turns malformed YAML and non-workflows into diagnostics', () => {
    const broken = parseGithubWorkflow('w.yml', 'jobs:\n  a:\n    steps: [\n      - run: docker push x', '.');
    expect(broken.steps).toEqual([]);
    expect(broken.diagnostics.length).toBeGreaterThan(0);
    expect(broken.diagnostics[0]).toMatch(/^w\.yml: line \d+: /);
    expect(parseGithubWorkflow('w.yml', '- just\n- a list', '.').diagnostics).toEqual(['w.yml: not a workflow (the document is not a mapping)']);
    expect(parseGithubWorkflow('w.yml', '', '.').steps).toEqual([]);
  });

  it('expands a YAML alias bomb no further than its node budget', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    const pipeline = parseGithubWorkflow('bomb.yml', lines.join('\n'), '.');
    expect(pipeline.diagnostics.some((d) => d.includes('more than 200000 nodes'))).toBe(true);
  });

  it('applies no login registry to tags: docker/login-action only logs in, a tag without a registry is Docker Hub', () => {
    const text = [
      'jobs:',
      '  image:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: docker/login-action@v3',
      '        with: { registry: ghcr.io, username: x, password: y }',
      '      - uses: docker/build-push-action@v6',
      '        with:',
      '          push: true',
      '          tags: |',
      '            acme/app:1',
      '            ghcr.io/acme/app:1',
    ].join('\n');
    expect(brief(parseGithubWorkflow('.github/workflows/w.yml', text, '.'))).toEqual([
      '0 L5 [image/docker/login-action@v3] login ghcr.io',
      '1 L7 [image/docker/build-push-action@v6] build build-push-action file=Dockerfile ctx=. tags=[acme/app:1 | ghcr.io/acme/app:1] push=true',
    ]);
  });

  it('metadata-action images: one per line, plain or name=…, disabled ones left out', () => {
    expect(metadataImageNames('ghcr.io/acme/app\n  name=docker.io/acme/app,enable=true\nname=quay.io/acme/app,enable=false\n')).toEqual([
      'ghcr.io/acme/app',
      'docker.io/acme/app',
    ]);
    expect(metadataImageNames('')).toEqual([]);
  });
});
