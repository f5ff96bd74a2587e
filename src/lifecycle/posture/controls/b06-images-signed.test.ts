import { describe, expect, it } from 'vitest';
import { context, digestOf, estate, pipeline, push, registry, security, signature, stored } from '../test-evidence.js';
import { imagesSigned } from './b06-images-signed.js';

describe('SS-CTL-B06 images signed at build', () => {
  it('is met by a sign step or a signature in the registry', () => {
    const signs = pipeline('jenkins', 'a/Jenkinsfile', [push(0, 5, 'r.example/a:1', { file: 'a/Jenkinsfile' }), security('sign', 1, 6, { tool: 'cosign', file: 'a/Jenkinsfile' })]);
    const signedInRegistry = pipeline('jenkins', 'b/Jenkinsfile', [push(0, 5, 'r.example/b:1', { file: 'b/Jenkinsfile' })]);
    const reg = registry('r.example', [{ name: 'b', images: [stored(digestOf('b'), ['1'], { signatures: [signature(undefined)] })] }]);
    expect(imagesSigned.evaluate(context(estate({ pipelines: [signs, signedInRegistry], registries: [reg] }))).status).toBe('met');
  });

  it('proposes cosign sign after the push for GitHub Actions', () => {
    const gha = pipeline('github-actions', '.github/workflows/release.yml', [push(0, 41, 'ghcr.io/acme/api:1', { file: '.github/workflows/release.yml' })]);
    const outcome = imagesSigned.evaluate(context(estate({ pipelines: [gha] })));
    expect(outcome.status).toBe('gap');
    expect(outcome.changes[0]).toMatchObject({ file: '.github/workflows/release.yml', line: 41 });
    expect(outcome.changes[0]?.snippet).toBe('      - name: Sign image\n        uses: sigstore/cosign-installer@v3\n      - run: cosign sign --yes --key env://COSIGN_PRIVATE_KEY ghcr.io/acme/api:1');
  });
});
