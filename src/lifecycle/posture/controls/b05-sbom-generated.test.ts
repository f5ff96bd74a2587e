import { describe, expect, it } from 'vitest';
import { build, context, digestOf, estate, pipeline, push, registry, security, stored } from '../test-evidence.js';
import { sbomGenerated } from './b05-sbom-generated.js';

const image = 'registry.example.com/team/api:1.0';

describe('SS-CTL-B05 SBOM generated', () => {
  it('is unknown with no pipelines and no registries', () => {
    expect(sbomGenerated.evaluate(context(estate())).summary).toBe('no pipelines were read and no registry was scanned');
  });

  it('is met by a pipeline SBOM step, or by an SBOM attestation on the pushed image', () => {
    const withStep = pipeline('jenkins', 'a/Jenkinsfile', [
      push(0, 5, image, { file: 'a/Jenkinsfile' }),
      security('sbom', 1, 7, { tool: 'syft', file: 'a/Jenkinsfile' }),
    ]);
    const withoutStep = pipeline('jenkins', 'b/Jenkinsfile', [push(0, 5, 'registry.example.com/team/web:2', { file: 'b/Jenkinsfile' })]);
    const reg = registry('registry.example.com', [
      {
        name: 'team/web',
        images: [
          stored(digestOf('web'), ['2'], {
            attestations: [
              { kind: 'sbom', predicateType: 'https://spdx.dev/Document', source: 'buildkit-index', manifestDigest: digestOf('att'), signed: false },
            ],
          }),
        ],
      },
    ]);
    const outcome = sbomGenerated.evaluate(context(estate({ pipelines: [withStep, withoutStep], registries: [reg] })));
    expect(outcome.status).toBe('met');
    expect(outcome.evidence.map((e) => e.where)).toEqual(['a/Jenkinsfile:7', 'registry.example.com/team/web:2']);
  });

  it('is a gap with the step to add after the push; BuildKit sbom for build-push-action', () => {
    const jenkins = pipeline('jenkins', 'Jenkinsfile', [build(0, 3, [image]), push(1, 9, image)]);
    const gha = pipeline('github-actions', 'wf.yml', [build(0, 30, ['ghcr.io/acme/api:1'], { pushes: true, tool: 'build-push-action', file: 'wf.yml' })]);
    const outcome = sbomGenerated.evaluate(context(estate({ pipelines: [jenkins, gha] })));
    expect(outcome.status).toBe('gap');
    const jenkinsChange = outcome.changes.find((c) => c.file === 'Jenkinsfile');
    expect(jenkinsChange).toMatchObject({ line: 9 });
    // on the digest the push recorded, never on the tag
    expect(jenkinsChange?.snippet).toContain(`withEnv(["PUSHED_IMAGE=${image}", "PUSHED_REPOSITORY=registry.example.com/team/api"])`);
    expect(jenkinsChange?.snippet).toContain('trivy image --format cyclonedx --output sbom.cdx.json "$ref"');
    expect(jenkinsChange?.snippet).toContain('cosign attest --yes --key "$COSIGN_KEY" --type cyclonedx --predicate sbom.cdx.json "$ref"');
    expect(jenkinsChange?.edits).toEqual([{ kind: 'insert', file: 'Jenkinsfile', line: 9, position: 'after', within: '*', text: jenkinsChange?.snippet }]);
    expect(outcome.changes.find((c) => c.file === 'wf.yml')).toMatchObject({
      line: 30,
      snippet: 'with:\n  sbom: true',
      edits: [{ kind: 'yaml-merge', file: 'wf.yml', line: 30, within: 'steps', text: 'with:\n  sbom: true' }],
    });
  });

  it('judges each tagged image when no pipeline pushes', () => {
    const reg = registry('registry.example.com', [{ name: 'a', images: [stored(digestOf('a'), ['1'])] }]);
    const outcome = sbomGenerated.evaluate(context(estate({ registries: [reg] })));
    expect(outcome.status).toBe('gap');
    expect(outcome.evidence[0]?.where).toBe(`registry.example.com/a@${digestOf('a')}`);
  });
});
