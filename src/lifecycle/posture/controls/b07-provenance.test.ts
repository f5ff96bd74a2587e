import { describe, expect, it } from 'vitest';
import { context, digestOf, estate, pipeline, push, registry, security, stored } from '../test-evidence.js';
import { provenanceProduced } from './b07-provenance.js';

describe('SS-CTL-B07 provenance', () => {
  it('is met by a signing generator (SLSA Build L2)', () => {
    const p = pipeline('github-actions', 'wf.yml', [push(0, 10, 'ghcr.io/acme/a:1', { file: 'wf.yml' }), security('provenance', 1, 12, { tool: 'actions/attest-build-provenance', file: 'wf.yml' })]);
    expect(provenanceProduced.evaluate(context(estate({ pipelines: [p] }))).status).toBe('met');
  });

  it('is partial for unsigned BuildKit provenance (L1), with the signed attestation to add', () => {
    const p = pipeline('github-actions', 'wf.yml', [push(0, 10, 'ghcr.io/acme/a:1', { file: 'wf.yml' })]);
    const reg = registry('ghcr.io', [{ name: 'acme/a', images: [stored(digestOf('a'), ['1'], { attestations: [{ kind: 'provenance', predicateType: 'https://slsa.dev/provenance/v0.2', source: 'buildkit-index', manifestDigest: digestOf('p'), signed: false }] })] }]);
    const outcome = provenanceProduced.evaluate(context(estate({ pipelines: [p], registries: [reg] })));
    expect(outcome.status).toBe('partial');
    expect(outcome.evidence[0]?.text).toContain('SLSA Build L1 only');
    expect(outcome.changes[0]?.snippet).toContain('uses: actions/attest-build-provenance@v2');
    expect(outcome.changes[0]?.snippet).toContain('subject-name: ghcr.io/acme/a\n');
  });

  it('is a gap without provenance', () => {
    const p = pipeline('jenkins', 'Jenkinsfile', [push(0, 10, 'r.example/a:1')]);
    const outcome = provenanceProduced.evaluate(context(estate({ pipelines: [p] })));
    expect(outcome.status).toBe('gap');
    expect(outcome.changes[0]).toMatchObject({ file: 'Jenkinsfile', line: 10 });
  });
});
