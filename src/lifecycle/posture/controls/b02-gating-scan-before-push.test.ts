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

  it('proposes the Jenkins step with the image as written, placed before the push statement', () => {
    const p = pipeline('jenkins', 'apps/api/Jenkinsfile', [
      build(0, 10, [image], { file: 'apps/api/Jenkinsfile' }),
      push(1, 21, image, { file: 'apps/api/Jenkinsfile' }),
    ]);
    const outcome = gatingScanBeforePush.evaluate(context(estate({ pipelines: [p] })));
    expect(outcome.status).toBe('gap');
    expect(outcome.evidence[0]?.where).toBe('apps/api/Jenkinsfile:21');
    expect(outcome.changes).toHaveLength(1);
    const text = [
      'withEnv(["SCAN_IMAGE=registry.example.com/team/api:${BUILD_NUMBER}"]) {',
      `    sh 'trivy image --exit-code 1 --severity CRITICAL,HIGH "$SCAN_IMAGE"'`,
      '}',
    ].join('\n');
    expect(outcome.changes[0]).toMatchObject({ file: 'apps/api/Jenkinsfile', line: 21, snippet: text });
    // before the statement that pushes, never above the build (line 10)
    expect(outcome.changes[0]?.edits).toEqual([
      { kind: 'insert', file: 'apps/api/Jenkinsfile', line: 21, position: 'before', within: '*', notBefore: 10, text },
    ]);
    expect(outcome.changes[0]?.nodes).toEqual(['pipeline:jenkins:apps/api/Jenkinsfile', 'image:registry.example.com/team/api']);
  });

  it('uses the policy severities and ignoreUnfixed in the command', () => {
    const p = pipeline('jenkins', 'Jenkinsfile', [push(0, 5, 'registry.example.com/a:1')]);
    const outcome = gatingScanBeforePush.evaluate(context(estate({ pipelines: [p] }), { policy: { failOn: ['CRITICAL'], ignoreUnfixed: true } }));
    expect(outcome.changes[0]?.snippet).toContain(`sh 'trivy image --exit-code 1 --severity CRITICAL --ignore-unfixed "$SCAN_IMAGE"'`);
  });

  it('proposes a GitHub Actions step, a GitLab script line and a TeamCity Kotlin step with its import', () => {
    const gha = pipeline('github-actions', '.github/workflows/ci.yml', [
      build(0, 20, ['ghcr.io/acme/api:${{ github.sha }}'], { file: '.github/workflows/ci.yml', step: 'image/build' }),
      push(1, 25, 'ghcr.io/acme/api:${{ github.sha }}', { file: '.github/workflows/ci.yml', step: 'image/push' }),
    ]);
    const gitlab = pipeline('gitlab-ci', '.gitlab-ci.yml', [
      build(0, 8, ['$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA'], { file: '.gitlab-ci.yml', step: 'build' }),
      push(1, 9, '$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA', { file: '.gitlab-ci.yml', step: 'build' }),
    ]);
    const teamcity = pipeline('teamcity', '.teamcity/settings.kts', [
      push(0, 40, 'registry.example.com/app:%build.number%', { file: '.teamcity/settings.kts' }),
    ]);
    const outcome = gatingScanBeforePush.evaluate(context(estate({ pipelines: [gha, gitlab, teamcity] })));
    expect(outcome.status).toBe('gap');
    const byFile = new Map(outcome.changes.map((c) => [c.file, c]));
    const step = [
      '- name: Scan image (fails on findings)',
      '  uses: aquasecurity/trivy-action@0.28.0',
      '  with:',
      '    image-ref: ghcr.io/acme/api:${{ github.sha }}',
      "    exit-code: '1'",
      '    severity: CRITICAL,HIGH',
    ].join('\n');
    expect(byFile.get('.github/workflows/ci.yml')).toMatchObject({
      line: 25,
      snippet: step,
      edits: [{ kind: 'insert', file: '.github/workflows/ci.yml', line: 25, position: 'before', within: 'steps', text: step }],
    });
    const line =
      '- docker run --rm -v /var/run/docker.sock:/var/run/docker.sock aquasec/trivy:0.57.1 image --exit-code 1 --severity CRITICAL,HIGH "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA"';
    expect(byFile.get('.gitlab-ci.yml')?.edits).toEqual([
      { kind: 'insert', file: '.gitlab-ci.yml', line: 9, position: 'before', within: 'script', notBefore: 8, text: line },
    ]);
    const kotlin = [
      'script {',
      '    name = "Scan image (fails on findings)"',
      '    scriptContent = "trivy image --exit-code 1 --severity CRITICAL,HIGH \\"registry.example.com/app:%build.number%\\""',
      '}',
    ].join('\n');
    expect(byFile.get('.teamcity/settings.kts')?.edits).toEqual([
      { kind: 'insert', file: '.teamcity/settings.kts', line: 40, position: 'before', within: 'steps', text: kotlin },
      { kind: 'import', file: '.teamcity/settings.kts', text: 'import jetbrains.buildServer.configs.kotlin.buildSteps.script' },
    ]);
  });

  it('is partial for a scan that does not gate, or that runs after the push', () => {
    const soft = pipeline('jenkins', 'a/Jenkinsfile', [
      security('scan', 0, 5, { gating: false, file: 'a/Jenkinsfile' }),
      push(1, 9, 'registry.example.com/a:1', { file: 'a/Jenkinsfile' }),
    ]);
    const late = pipeline('jenkins', 'b/Jenkinsfile', [
      push(0, 5, 'registry.example.com/b:1', { file: 'b/Jenkinsfile' }),
      security('scan', 1, 9, { gating: true, file: 'b/Jenkinsfile' }),
    ]);
    const outcome = gatingScanBeforePush.evaluate(context(estate({ pipelines: [soft, late] })));
    expect(outcome.status).toBe('partial');
    expect(outcome.evidence.find((e) => e.where === 'a/Jenkinsfile:5')?.text).toContain('does not fail the pipeline');
    expect(outcome.evidence.find((e) => e.where === 'b/Jenkinsfile:9')?.text).toContain('only after the push');
    const gate = outcome.changes.find((c) => c.file === 'a/Jenkinsfile');
    expect(gate?.summary).toMatch(/^the trivy scan at a\/Jenkinsfile:5 does not fail the pipeline on findings: make it fail/);
    expect(gate?.edits[0]).toMatchObject({ kind: 'insert', line: 9, position: 'before' });
    expect(outcome.changes.find((c) => c.file === 'b/Jenkinsfile')?.edits[0]).toMatchObject({ kind: 'insert', line: 5, position: 'before' });
  });

  it('asks to split a step that builds and pushes at once', () => {
    const p = pipeline('github-actions', 'wf.yml', [build(0, 30, ['ghcr.io/acme/api:1'], { pushes: true, tool: 'build-push-action', file: 'wf.yml' })]);
    const outcome = gatingScanBeforePush.evaluate(context(estate({ pipelines: [p] })));
    expect(outcome.status).toBe('gap');
    expect(outcome.changes[0]).toMatchObject({ file: 'wf.yml', line: 30 });
    expect(outcome.changes[0]?.summary).toContain('builds and pushes at once');
    // the build loads the image into the runner's Docker instead of pushing; scan and push follow it
    expect(outcome.changes[0]?.edits.map((e) => e.kind)).toEqual(['yaml-merge', 'insert']);
    expect(outcome.changes[0]?.edits[0]).toMatchObject({ line: 30, within: 'steps', text: 'with:\n  push: false\n  load: true' });
  });

  it('leaves a multi-platform build-push-action by hand: load: true takes one platform', () => {
    const step = {
      ...build(0, 30, ['ghcr.io/acme/api:1'], { pushes: true, tool: 'build-push-action', file: 'wf.yml' }),
      platforms: ['linux/amd64', 'linux/arm64'],
    };
    const outcome = gatingScanBeforePush.evaluate(context(estate({ pipelines: [pipeline('github-actions', 'wf.yml', [step])] })));
    expect(outcome.changes[0]?.edits).toEqual([]);
    expect(outcome.changes[0]?.summary).toMatch(/builds linux\/amd64, linux\/arm64 at once, which cannot be loaded/);
  });
});
