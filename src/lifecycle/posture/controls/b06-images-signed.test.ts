import { describe, expect, it } from 'vitest';
import { build, context, digestOf, estate, pipeline, push, registry, security, signature, stored } from '../test-evidence.js';
import { imagesSigned } from './b06-images-signed.js';

describe('SS-CTL-B06 images signed at build', () => {
  it('is met by a sign step or a signature in the registry', () => {
    const signs = pipeline('jenkins', 'a/Jenkinsfile', [
      push(0, 5, 'r.example/a:1', { file: 'a/Jenkinsfile' }),
      security('sign', 1, 6, { tool: 'cosign', file: 'a/Jenkinsfile' }),
    ]);
    const signedInRegistry = pipeline('jenkins', 'b/Jenkinsfile', [push(0, 5, 'r.example/b:1', { file: 'b/Jenkinsfile' })]);
    const reg = registry('r.example', [{ name: 'b', images: [stored(digestOf('b'), ['1'], { signatures: [signature(undefined)] })] }]);
    expect(imagesSigned.evaluate(context(estate({ pipelines: [signs, signedInRegistry], registries: [reg] }))).status).toBe('met');
  });

  it('proposes cosign sign of the pushed digest after the push for GitHub Actions, the key from secrets', () => {
    const gha = pipeline('github-actions', '.github/workflows/release.yml', [push(0, 41, 'ghcr.io/acme/api:1', { file: '.github/workflows/release.yml' })]);
    const outcome = imagesSigned.evaluate(context(estate({ pipelines: [gha] })));
    expect(outcome.status).toBe('gap');
    expect(outcome.changes[0]).toMatchObject({ file: '.github/workflows/release.yml', line: 41 });
    const snippet = outcome.changes[0]?.snippet ?? '';
    expect(snippet).toContain('    COSIGN_PRIVATE_KEY: ${{ secrets.COSIGN_PRIVATE_KEY }}\n');
    expect(snippet).toContain('    PUSHED_IMAGE: ghcr.io/acme/api:1\n');
    expect(snippet).toContain(
      `ref=$(docker image inspect --format '{{range .RepoDigests}}{{println .}}{{end}}' "$PUSHED_IMAGE" | grep -m1 -F "$PUSHED_REPOSITORY@")`,
    );
    expect(snippet).toContain('cosign sign --yes --key env://COSIGN_PRIVATE_KEY "$ref"');
    expect(snippet).not.toMatch(/cosign sign [^\n]*ghcr\.io\/acme\/api:1/);
    expect(outcome.changes[0]?.edits).toEqual([
      { kind: 'insert', file: '.github/workflows/release.yml', line: 41, position: 'after', within: 'steps', text: snippet },
    ]);
  });

  it('signs the digest output of build-push-action, giving the step an id when it has none', () => {
    const gha = pipeline('github-actions', 'wf.yml', [
      build(0, 30, ['ghcr.io/acme/api:1', 'ghcr.io/acme/api:latest'], { pushes: true, tool: 'build-push-action', file: 'wf.yml' }),
    ]);
    const change = imagesSigned.evaluate(context(estate({ pipelines: [gha] }))).changes[0];
    expect(change?.snippet).toContain('    DIGEST: ${{ steps.build-image.outputs.digest }}\n    PUSHED_REPOSITORY_1: ghcr.io/acme/api\n');
    expect(change?.snippet).toContain('cosign sign --yes --key env://COSIGN_PRIVATE_KEY "$PUSHED_REPOSITORY_1@$DIGEST"');
    expect(change?.edits[0]).toEqual({ kind: 'yaml-merge', file: 'wf.yml', line: 30, within: 'steps', text: 'id: build-image' });
  });
});
