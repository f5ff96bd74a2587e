import { describe, expect, it } from 'vitest';
import { assessPosture } from './assess.js';
import type { ControlContext, PostureControl } from './controls/control.js';
import { postureControls } from './controls/registry.js';
import { defaultPolicy } from './policy.js';
import type { Policy } from './policy.js';
import { build, digestOf, dockerfile, estate, mapOf, node, pipeline, push, registry, run, security, signature, stored, testNow } from './test-evidence.js';

const digest = digestOf('api');
const image = 'registry.example.com/team/api';

/** A small estate: one Jenkins pipeline without scan, a clean Dockerfile, one registry, one namespace, two nodes. */
function sampleEstate() {
  const jenkins = pipeline('jenkins', 'apps/api/Jenkinsfile', [
    build(0, 12, [`${image}:1.0`], { file: 'apps/api/Jenkinsfile' }),
    push(1, 18, `${image}:1.0`, { file: 'apps/api/Jenkinsfile' }),
    security('sign', 2, 20, { tool: 'cosign', file: 'apps/api/Jenkinsfile' }),
  ]);
  const df = dockerfile('apps/api/Dockerfile', [[1, `registry.example.com/base/debian:12@${digestOf('base')}`]]);
  const reg = registry('registry.example.com', [
    {
      name: 'team/api',
      images: [
        stored(digest, ['1.0'], {
          signatures: [signature(true)],
          platform: { ageDays: 3, runsAsRoot: false, secrets: [], vulnerabilities: { CRITICAL: 0, HIGH: 0 } },
        }),
      ],
    },
  ]);
  const yaml = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: ${image}:1.0@${digest}\n`;
  const nodes = [node('ip-10-0-1-5'), node('ip-10-0-1-6', { osImage: 'Ubuntu 20.04.6 LTS', kubeletVersion: 'v1.29.3' })];
  return estate({ pipelines: [jenkins], dockerfiles: [df], registries: [reg], run: run(yaml, { nodes, cluster: 'prod-eu', sources: ['cluster:prod-eu'] }) });
}

const map = mapOf([
  'pipeline:jenkins:apps/api/Jenkinsfile',
  `image:${image}`,
  'workload:shop/Deployment/api',
  'node:ip-10-0-1-5',
  'node:ip-10-0-1-6',
  'registry:registry.example.com',
  'cluster:prod-eu',
]);

function policy(fields: Partial<Policy> = {}): Policy {
  return { ...defaultPolicy, source: 'policy.yaml', ...fields };
}

function fixed(
  id: string,
  phase: PostureControl['meta']['phase'],
  weight: number,
  status: 'met' | 'partial' | 'gap' | 'unknown',
  signatures = false,
): PostureControl {
  return {
    meta: { id, phase, title: `Control ${id}`, objective: 'o', evaluation: 'e', references: [], weight },
    signatures,
    evaluate: (_context: ControlContext) => ({
      status,
      summary: `${id} is ${status}`,
      evidence: status === 'met' ? [] : [{ text: 'here', where: `place of ${id}`, nodes: [], findings: [], ok: false }],
      changes: [{ summary: `fix ${id}`, file: undefined, line: undefined, snippet: undefined, edits: [], nodes: [] }],
    }),
  };
}

describe('assessPosture', () => {
  it('evaluates the whole catalogue over a real-shaped estate', () => {
    const report = assessPosture(sampleEstate(), map, { policy: policy(), now: testNow });
    expect(report.schema).toBe('shipshape/posture@1');
    expect(report.generatedAt).toBe(testNow.toISOString());
    expect(report.policy).toBe('policy.yaml');
    expect(report.controls.map((c) => c.control.id)).toEqual(postureControls.map((c) => c.meta.id));
    const status = Object.fromEntries(report.controls.map((c) => [c.control.id, c.status]));
    expect(status).toMatchObject({
      'SS-CTL-B01': 'met',
      'SS-CTL-B02': 'gap',
      'SS-CTL-B06': 'met',
      'SS-CTL-D03': 'met',
      'SS-CTL-R01': 'gap',
      'SS-CTL-R05': 'gap',
      'SS-CTL-H01': 'partial',
      'SS-CTL-H04': 'unknown',
    });
    const b02 = report.controls.find((c) => c.control.id === 'SS-CTL-B02');
    expect(b02?.changes[0]).toMatchObject({ file: 'apps/api/Jenkinsfile', line: 18 });
    expect(b02?.evidence[0]?.nodes).toEqual(['pipeline:jenkins:apps/api/Jenkinsfile', `image:${image}`]);
    expect(report.phases.map((p) => p.phase)).toEqual(['build', 'distribute', 'run', 'host']);
    for (const phase of report.phases) expect(phase.score).toBeGreaterThanOrEqual(0);
    expect(report.summary).toMatch(/^The container estate scores \d+ out of 100 \(build \d+, distribute \d+, run \d+, host \d+\)\./);
    expect(report.summary).toContain('The biggest gaps: (1) ');
    expect(report.summary).toContain('Do first: ');
  });

  it('weights the scores: met 1, partial ½, gap 0, accepted 1, unknown left out', () => {
    const controls = [
      fixed('SS-CTL-B01', 'build', 2, 'met'),
      fixed('SS-CTL-B02', 'build', 2, 'gap'),
      fixed('SS-CTL-B03', 'build', 1, 'partial'),
      fixed('SS-CTL-B04', 'build', 1, 'unknown'),
      fixed('SS-CTL-D01', 'distribute', 1, 'gap'),
    ];
    const report = assessPosture(estate(), mapOf(), { policy: policy(), now: testNow, controls });
    // build: (2·1 + 2·0 + 1·½) / 5 = 50 %
    expect(report.phases[0]).toEqual({ phase: 'build', score: 50, counts: { met: 1, partial: 1, gap: 1, unknown: 1, accepted: 0 } });
    expect(report.phases[1]?.score).toBe(0);
    // overall: 2.5 / 6
    expect(report.overall).toBe(42);
    const accepted = assessPosture(estate(), mapOf(), {
      policy: policy({ acceptedRisks: [{ control: 'SS-CTL-B02', target: undefined, reason: 'new scanner in January', expires: '2027-01-31' }] }),
      now: testNow,
      controls,
    });
    expect(accepted.phases[0]?.score).toBe(90);
    expect(accepted.controls[1]).toMatchObject({ status: 'accepted', acceptance: { reason: 'new scanner in January', expires: '2027-01-31' } });
  });

  it('leaves signature controls out of the score when signatures are not required', () => {
    const controls = [fixed('SS-CTL-B01', 'build', 1, 'met'), fixed('SS-CTL-B06', 'build', 2, 'gap', true)];
    const required = assessPosture(estate(), mapOf(), { policy: policy(), now: testNow, controls });
    expect(required.phases[0]?.score).toBe(33);
    const optional = assessPosture(estate(), mapOf(), { policy: policy({ requireSignatures: false }), now: testNow, controls });
    expect(optional.phases[0]?.score).toBe(100);
    expect(optional.controls[1]?.control.weight).toBe(0);
    expect(optional.controls[1]?.summary).toContain('not required by the policy');
  });

  it('names the three biggest gaps by weight and what to do first', () => {
    const controls = [
      fixed('SS-CTL-B01', 'build', 1, 'gap'),
      fixed('SS-CTL-D01', 'distribute', 2, 'gap'),
      fixed('SS-CTL-R01', 'run', 2, 'partial'),
      fixed('SS-CTL-H01', 'host', 1, 'partial'),
      fixed('SS-CTL-R02', 'run', 1, 'met'),
    ];
    const report = assessPosture(estate(), mapOf(), { policy: policy(), now: testNow, controls });
    expect(report.summary).toBe(
      'The container estate scores 36 out of 100 (build 0, distribute 0, run 67, host 50). The biggest gaps: (1) SS-CTL-D01 is gap (SS-CTL-D01: place of SS-CTL-D01); (2) SS-CTL-B01 is gap (SS-CTL-B01: place of SS-CTL-B01); (3) SS-CTL-R01 is partial (SS-CTL-R01: place of SS-CTL-R01). Do first: fix SS-CTL-D01.',
    );
  });

  it('says so when nothing could be assessed', () => {
    const report = assessPosture(estate(), mapOf(), { policy: policy(), now: testNow });
    expect(report.controls.every((c) => c.status === 'unknown')).toBe(true);
    // not assessed is neither a failing 0 nor a passing 100
    expect(report.overall).toBeNull();
    expect(report.phases.map((p) => p.score)).toEqual([null, null, null, null]);
    expect(report.summary).toContain('Nothing could be assessed');
  });

  it('reports a control that throws as unknown, keeping the others', () => {
    const broken: PostureControl = {
      ...fixed('SS-CTL-B01', 'build', 1, 'met'),
      evaluate: () => {
        throw new Error('boom');
      },
    };
    const report = assessPosture(estate(), mapOf(), { policy: policy(), now: testNow, controls: [broken, fixed('SS-CTL-B02', 'build', 1, 'met')] });
    expect(report.controls[0]).toMatchObject({ status: 'unknown', summary: 'the evaluation of SS-CTL-B01 failed: boom' });
    expect(report.controls[1]?.status).toBe('met');
  });
});
