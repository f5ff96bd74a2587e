import { describe, expect, it } from 'vitest';
import { build, context, estate, mapOf, pipeline, push, security } from '../test-evidence.js';
import { gatingScanBeforePush } from './b02-gating-scan-before-push.js';

const image = 'registry.example.com/team/api:${BUILD_NUMBER}';

describe('SS-CTL-B02 gating scan before push', () => {
  it('is unknown without pipelines, and when no pipeline pushes', () => {
    expect(gatingScanBeforePush.evaluate(context(estate())).summary).toBe('no pipelines were read');
    const buildOnly = pipeline('jenkins', 'Jenkinsfile', [build(0, 10, [image])]);
    expect(gatingScanBeforePush.evaluate(context(estate({ pipelines: [buildOnly] }))).status).toBe('unknown');
  });

  it('is met when a gating scan runs before every push', () => {
    const p = pipeline('jenkins', 'Jenkinsfile', [build(0, 10, [image]), security('scan', 1, 14, { gating: true }), push(2, 18, image)]);
    const outcome = gatingScanBeforePush.evaluate(context(estate({ pipelines: [p] }), { map: mapOf(['pipeline:jenkins:Jenkinsfile']) }));
    expect(outcome.status).toBe('met');
    expect(outcome.evidence[0]).toMatchObject({ where: 'Jenkinsfile:14', nodes: ['pipeline:jenkins:Jenkinsfile'], ok: true });
  });

  it('proposes the Jenkins step with the image as written, after the line before the push', () => {
    const p = pipeline('jenkins', 'apps/api/Jenkinsfile', [build(0, 10, [image], { file: 'apps/api/Jenkinsfile' }), push(1, 21, image, { file: 'apps/api/Jenkinsfile' })]);
    const outcome = gatingScanBeforePush.evaluate(context(estate({ pipelines: [p] })));
    expect(outcome.status).toBe('gap');
    expect(outcome.evidence[0]?.where).toBe('apps/api/Jenkinsfile:21');
    expect(outcome.changes).toHaveLength(1);
    expect(outcome.changes[0]).toMatchObject({ file: 'apps/api/Jenkinsfile', line: 20, snippet: `                sh "trivy image --exit-code 1 --severity CRITICAL,HIGH ${image}"` });
    expect(outcome.changes[0]?.nodes).toEqual(['pipeline:jenkins:apps/api/Jenkinsfile', 'image:registry.example.com/team/api']);
  });

  it('uses the policy severities and ignoreUnfixed in the command', () => {
    const p = pipeline('jenkins', 'Jenkinsfile', [push(0, 5, 'registry.example.com/a:1')]);
    const outcome = gatingScanBeforePush.evaluate(context(estate({ pipelines: [p] }), { policy: { failOn: ['CRITICAL'], ignoreUnfixed: true } }));
    expect(outcome.changes[0]?.snippet).toBe('                sh "trivy image --exit-code 1 --severity CRITICAL --ignore-unfixed registry.example.com/a:1"');
  });

  it('proposes a GitHub Actions step, a GitLab job and a TeamCity Kotlin step', () => {
    const gha = pipeline('github-actions', '.github/workflows/ci.yml', [build(0, 20, ['ghcr.io/acme/api:${{ github.sha }}'], { file: '.github/workflows/ci.yml' }), push(1, 25, 'ghcr.io/acme/api:${{ github.sha }}', { file: '.github/workflows/ci.yml' })]);
    const gitlab = pipeline('gitlab-ci', '.gitlab-ci.yml', [build(0, 8, ['$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA'], { file: '.gitlab-ci.yml', step: 'build' }), push(1, 9, '$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA', { file: '.gitlab-ci.yml', step: 'build' })]);
    const teamcity = pipeline('teamcity', '.teamcity/settings.kts', [push(0, 40, 'registry.example.com/app:%build.number%', { file: '.teamcity/settings.kts' })]);
    const outcome = gatingScanBeforePush.evaluate(context(estate({ pipelines: [gha, gitlab, teamcity] })));
    expect(outcome.status).toBe('gap');
    const byFile = new Map(outcome.changes.map((c) => [c.file, c]));
    expect(byFile.get('.github/workflows/ci.yml')).toMatchObject({ line: 24 });
    expect(byFile.get('.github/workflows/ci.yml')?.snippet).toBe(
      ['      - name: Scan image (fails on findings)', '        uses: aquasecurity/trivy-action@0.28.0', '        with:', '          image-ref: ghcr.io/acme/api:${{ github.sha }}', "          exit-code: '1'", '          severity: CRITICAL,HIGH'].join('\n'),
    );
    const job = byFile.get('.gitlab-ci.yml');
    expect(job?.line).toBeUndefined();
    expect(job?.snippet).toContain('scan-image:\n  stage: test\n  needs: ["build"]');
    expect(job?.snippet).toContain('    - trivy image --exit-code 1 --severity CRITICAL,HIGH $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA');
    expect(byFile.get('.teamcity/settings.kts')).toMatchObject({ line: 39 });
    expect(byFile.get('.teamcity/settings.kts')?.snippet).toBe('        script {\n            name = "Scan image (fails on findings)"\n            scriptContent = "trivy image --exit-code 1 --severity CRITICAL,HIGH registry.example.com/app:%build.number%"\n        }');
  });

  it('is partial for a scan that does not gate, or that runs after the push', () => {
    const soft = pipeline('jenkins', 'a/Jenkinsfile', [security('scan', 0, 5, { gating: false, file: 'a/Jenkinsfile' }), push(1, 9, 'registry.example.com/a:1', { file: 'a/Jenkinsfile' })]);
    const late = pipeline('jenkins', 'b/Jenkinsfile', [push(0, 5, 'registry.example.com/b:1', { file: 'b/Jenkinsfile' }), security('scan', 1, 9, { gating: true, file: 'b/Jenkinsfile' })]);
    const outcome = gatingScanBeforePush.evaluate(context(estate({ pipelines: [soft, late] })));
    expect(outcome.status).toBe('partial');
    expect(outcome.evidence.find((e) => e.where === 'a/Jenkinsfile:5')?.text).toContain('does not fail the pipeline');
    expect(outcome.evidence.find((e) => e.where === 'b/Jenkinsfile:9')?.text).toContain('only after the push');
    expect(outcome.changes.find((c) => c.file === 'a/Jenkinsfile')).toMatchObject({ line: 5, snippet: 'trivy image --exit-code 1 --severity CRITICAL,HIGH registry.example.com/a:1' });
    expect(outcome.changes.find((c) => c.file === 'b/Jenkinsfile')?.line).toBe(4);
  });

  it('asks to split a step that builds and pushes at once', () => {
    const p = pipeline('github-actions', 'wf.yml', [build(0, 30, ['ghcr.io/acme/api:1'], { pushes: true, tool: 'build-push-action', file: 'wf.yml' })]);
    const outcome = gatingScanBeforePush.evaluate(context(estate({ pipelines: [p] })));
    expect(outcome.status).toBe('gap');
    expect(outcome.changes[0]).toMatchObject({ file: 'wf.yml', line: 30 });
    expect(outcome.changes[0]?.summary).toContain('builds and pushes at once');
  });
});
