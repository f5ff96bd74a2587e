import { describe, expect, it } from 'vitest';
import { build, context, digestOf, estate, pipeline, push, registry, security, stored } from '../test-evidence.js';
import { provenanceProduced } from './b07-provenance.js';

describe('SS-CTL-B07 provenance', () => {
  it('is met by a signing generator (SLSA Build L2), as the readers name them', () => {
    for (const tool of ['actions/attest-build-provenance', 'github-attestations', 'slsa-github-generator', 'cosign']) {
      const p = pipeline('github-actions', 'wf.yml', [
        push(0, 10, 'ghcr.io/acme/a:1', { file: 'wf.yml' }),
        security('provenance', 1, 12, { tool, file: 'wf.yml' }),
      ]);
      expect(provenanceProduced.evaluate(context(estate({ pipelines: [p] }))).status).toBe('met');
    }
  });

  it('is partial for unsigned BuildKit provenance (L1), with the signed attestation to add', () => {
    const p = pipeline('github-actions', 'wf.yml', [build(0, 10, ['ghcr.io/acme/a:1'], { pushes: true, tool: 'build-push-action', file: 'wf.yml' })]);
    const reg = registry('ghcr.io', [
      {
        name: 'acme/a',
        images: [
          stored(digestOf('a'), ['1'], {
            attestations: [
              { kind: 'provenance', predicateType: 'https://slsa.dev/provenance/v0.2', source: 'buildkit-index', manifestDigest: digestOf('p'), signed: false },
            ],
          }),
        ],
      },
    ]);
    const outcome = provenanceProduced.evaluate(context(estate({ pipelines: [p], registries: [reg] })));
    expect(outcome.status).toBe('partial');
    expect(outcome.evidence[0]?.text).toContain('SLSA Build L1 only');
    expect(outcome.changes[0]?.snippet).toContain('uses: actions/attest-build-provenance@v2');
    expect(outcome.changes[0]?.snippet).toContain('subject-name: ghcr.io/acme/a\n    subject-digest: ${{ steps.build-image.outputs.digest }}\n');
    // the attestation needs an OIDC token: the job gets the permissions (packages too, for ghcr.io)
    expect(outcome.changes[0]?.edits).toContainEqual({
      kind: 'yaml-merge',
      file: 'wf.yml',
      line: 10,
      within: 'jobs',
      text: 'permissions:\n  contents: read\n  id-token: write\n  attestations: write\n  packages: write',
    });
  });

  it('is a gap without provenance', () => {
    const p = pipeline('jenkins', 'Jenkinsfile', [push(0, 10, 'r.example/a:1')]);
    const outcome = provenanceProduced.evaluate(context(estate({ pipelines: [p] })));
    expect(outcome.status).toBe('gap');
    expect(outcome.changes[0]).toMatchObject({ file: 'Jenkinsfile', line: 10 });
    // the predicate is written by the step itself, then attested on the pushed digest
    expect(outcome.changes[0]?.snippet).toContain('> provenance.json\n');
    expect(outcome.changes[0]?.snippet).toContain('cosign attest --yes --key "$COSIGN_KEY" --type slsaprovenance1 --predicate provenance.json "$ref"');
  });
});
