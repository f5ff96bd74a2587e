import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parsePipelines } from '../../buildtime/ci/discover.js';
import type { Pipeline } from '../../buildtime/ci/model.js';
import { loadManifests } from '../../runtime/manifests/load.js';
import { namespaceInfo } from '../../runtime/manifests/kinds.js';
import { collectEstate } from '../collect.js';
import { loadShipshapeConfig } from '../config.js';
import type { EstateEvidence } from '../estate-model.js';
import { buildLifecycleMap } from '../map.js';
import type { LifecycleMap } from '../model.js';
import { applyChange } from './apply.js';
import { assessPosture } from './assess.js';
import type { ControlContext } from './controls/control.js';
import { gatingScanBeforePush } from './controls/b02-gating-scan-before-push.js';
import { postureControls } from './controls/registry.js';
import type { PostureReport, ProposedChange } from './model.js';
import { defaultPolicy } from './policy.js';
import { context, estate } from './test-evidence.js';
import { structureProblems } from './test-proposals.js';

/**
 * Issue 13: every change proposed for the example estates' pipelines is applied to a copy of its
 * file, which must still be a valid file for its CI system (structureProblems) and, read again by
 * the project's own readers, must show the step where the control looks for it: the control,
 * evaluated again, is met for that pipeline and proposes nothing more there.
 */
const examples = fileURLToPath(new URL('../../../examples/', import.meta.url));
const now = new Date('2026-01-03T00:00:00Z');
const pipelineControls = ['SS-CTL-B02', 'SS-CTL-B05', 'SS-CTL-B06', 'SS-CTL-B07'];

interface Estate {
  root: string;
  evidence: EstateEvidence;
  map: LifecycleMap;
  report: PostureReport;
}

async function assessed(name: string): Promise<Estate> {
  const dir = path.join(examples, name);
  const config = await loadShipshapeConfig(path.join(dir, 'shipshape.yaml'));
  const evidence = await collectEstate({ sources: config.sources, manifests: config.manifests, registryReports: [] });
  const map = buildLifecycleMap(evidence, now);
  const root = config.sources[0] ?? dir;
  return { root, evidence, map, report: assessPosture(evidence, map, { policy: defaultPolicy, now }) };
}

function changesOf(estate: Estate, id: string): ProposedChange[] {
  return estate.report.controls.find((c) => c.control.id === id)?.changes ?? [];
}

/** Applies one pipeline change and judges the result; returns what went wrong (empty: nothing). */
function applyToPipeline(estate: Estate, id: string, change: ProposedChange): string[] {
  const pipeline = estate.evidence.build.pipelines.find((p) => p.file === change.file) as Pipeline;
  const read = (file: string): string => readFileSync(path.join(estate.root, file), 'utf8');
  const after = applyChange(change, read).get(pipeline.file);
  if (after === undefined) return [`${id} ${pipeline.file}: the edits do not touch the pipeline file`];
  const problems = structureProblems(pipeline.system, pipeline.file, read(pipeline.file), after);
  const reread = parsePipelines(pipeline.system, pipeline.file, after, pipeline.repository);
  const before = new Set(estate.evidence.build.pipelines.filter((p) => p.file === pipeline.file).flatMap((p) => p.diagnostics));
  problems.push(...reread.flatMap((p) => p.diagnostics).filter((d) => !before.has(d) && !/line \d+/.test(d)));
  if (pipeline.system === 'jenkins') {
    // the new step runs in the stage of the push it follows or precedes
    const stages = new Set(pipeline.steps.filter((s) => s.kind === 'push').map((s) => s.location.step));
    const added = (reread[0]?.steps ?? []).filter(
      (s) =>
        s.kind === 'security' && !pipeline.steps.some((o) => o.kind === 'security' && o.securityKind === s.securityKind && o.location.step === s.location.step),
    );
    for (const step of added)
      if (!stages.has(step.location.step)) problems.push(`the new ${step.kind} step is in stage ${step.location.step ?? '(none)'}, not in the push's`);
  }
  const pipelines = [...estate.evidence.build.pipelines.filter((p) => p.file !== pipeline.file), ...reread];
  const evidence: EstateEvidence = { ...estate.evidence, build: { ...estate.evidence.build, pipelines } };
  const control = postureControls.find((c) => c.meta.id === id);
  const context: ControlContext = { evidence, map: estate.map, policy: defaultPolicy, now, advisories: undefined };
  const outcome = control?.evaluate(context);
  const here = (where: string | undefined): boolean => where?.startsWith(pipeline.file) === true;
  if (outcome?.changes.some((c) => c.file === pipeline.file)) problems.push('the control still proposes a change after it was applied');
  for (const evidenceItem of outcome?.evidence.filter((e) => here(e.where) || e.text.startsWith(`${pipeline.file}:`)) ?? []) {
    if (!evidenceItem.ok) problems.push(`not met after it: ${evidenceItem.text}`);
  }
  return problems.map((p) => `${id} ${change.file}: ${p}`);
}

describe.each([
  // the main estate's pipelines all take their changes mechanically
  ['estate', []],
  // messy on purpose: the last push of ledger is a retag, which no local daemon records a digest for
  ['estate-messy', ['SS-CTL-B05 ledger/Jenkinsfile', 'SS-CTL-B06 ledger/Jenkinsfile', 'SS-CTL-B07 ledger/Jenkinsfile']],
])('the proposed pipeline changes of examples/%s', (name, byHand) => {
  let estate: Estate;
  beforeAll(async () => {
    estate = await assessed(name);
  });

  it('apply, stay valid for their CI system, and make the control find the step', () => {
    const manual: string[] = [];
    const problems: string[] = [];
    let applied = 0;
    for (const id of pipelineControls) {
      for (const change of changesOf(estate, id)) {
        if (!estate.evidence.build.pipelines.some((p) => p.file === change.file)) continue;
        if (change.edits.length === 0) {
          manual.push(`${id} ${change.file ?? ''}`);
          continue;
        }
        applied++;
        problems.push(...applyToPipeline(estate, id, change));
      }
    }
    expect(problems).toEqual([]);
    expect(manual.sort()).toEqual([...byHand].sort());
    expect(applied).toBeGreaterThanOrEqual(8);
  });
});

describe('the proposed manifest change of examples/estate', () => {
  it('labels the Namespace in its file so the next apply enforces the level', async () => {
    const estate = await assessed('estate');
    const change = changesOf(estate, 'SS-CTL-R01').find((c) => c.edits.length > 0);
    expect(change?.file).toMatch(/shop-staging\.yaml$/);
    const file = change?.file ?? '';
    const after = applyChange(change as ProposedChange, (f) => readFileSync(f, 'utf8')).get(file) ?? '';
    const namespace = loadManifests([{ name: file, text: after }]).objects.find((o) => o.kind === 'Namespace');
    expect(namespace && namespaceInfo(namespace)?.podSecurity.enforce?.level).toBe('baseline');
  });
});

describe('proposals for pipelines with hostile names', () => {
  const canary = '/tmp/shipshape-proposal-canary';

  /** The B02 / B06 change for one pipeline file, applied and read again. */
  function applied(
    system: Pipeline['system'],
    file: string,
    text: string,
    id: 'SS-CTL-B02' | 'SS-CTL-B06',
  ): { change: ProposedChange; before: Pipeline; after: Pipeline; problems: string[] } {
    const [before] = parsePipelines(system, file, text, '.') as [Pipeline];
    const control = postureControls.find((c) => c.meta.id === id);
    const change = control?.evaluate(context(estate({ pipelines: [before] }))).changes[0] as ProposedChange;
    const patched = applyChange(change, () => text).get(file) ?? '';
    const [after] = parsePipelines(system, file, patched, '.') as [Pipeline];
    return { change, before, after, problems: structureProblems(system, file, text, patched) };
  }

  it('pass an image with quotes and a command substitution through Groovy literally, in a Jenkinsfile whose path has spaces', () => {
    const jenkinsfile = `pipeline {\n  agent any\n  stages {\n    stage('Ship') {\n      steps {\n        sh 'docker build -t img .'\n        sh "docker push 'r.example/a\\$(touch ${canary})\\"s:1'"\n      }\n    }\n  }\n}\n`;
    const { change, before, after, problems } = applied('jenkins', 'team a/Jenkinsfile', jenkinsfile, 'SS-CTL-B02');
    expect(problems).toEqual([]);
    expect(change.file).toBe('team a/Jenkinsfile');
    const pushed = before.steps.find((s) => s.kind === 'push');
    const scan = after.steps.find((s) => s.kind === 'security' && s.securityKind === 'scan');
    expect(pushed?.kind === 'push' && pushed.image.resolved).toBe(`r.example/a$(touch ${canary})"s:1`);
    // the scan reads the very name the push pushes: nothing of it became Groovy or shell syntax
    expect(scan?.kind === 'security' && scan.image?.resolved).toBe(pushed?.kind === 'push' ? pushed.image.resolved : '');
    expect(gatingScanBeforePush.evaluate(context(estate({ pipelines: [after] }))).status).toBe('met');
    expect(existsSync(canary)).toBe(false);
  });

  it('pass repository names with quotes through YAML and env to the signing step of a workflow', () => {
    const workflow = `jobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v5\n        with:\n          push: true\n          tags: "r.example/it's \\"quoted\\": #1:1"\n`;
    const { after, problems } = applied('github-actions', '.github/workflows/x.yml', workflow, 'SS-CTL-B06');
    expect(problems).toEqual([]);
    const sign = after.steps.find((s) => s.kind === 'security' && s.securityKind === 'sign');
    expect(sign?.kind === 'security' && sign.image?.resolved).toBe(`r.example/it's "quoted": #1@\${steps.build-image.outputs.digest}`);
  });
});

describe('the structure checks', () => {
  it('catch what earlier proposals got wrong: undeclared stages, needs cycles, tools missing from images, dangling step ids, imports', () => {
    const gitlab = 'stages: [build]\nbuild:\n  stage: build\n  needs: [scan]\n  script: [make]\n';
    const added = `${gitlab}scan:\n  stage: test\n  needs: [build]\n  image: bitnami/cosign:2\n  script:\n    - trivy image x && cosign attest x\n`;
    expect(structureProblems('gitlab-ci', '.gitlab-ci.yml', gitlab, added)).toEqual(
      expect.arrayContaining(['job scan: stage test is not declared', 'job scan runs trivy in bitnami/cosign:2', 'needs cycle: build → scan → build']),
    );
    const workflow = 'jobs:\n  a:\n    steps:\n      - run: echo ${{ steps.build.outputs.digest }}\n';
    expect(structureProblems('github-actions', 'wf.yml', workflow, workflow)).toEqual(['job a: steps.build is not an earlier step']);
    const kts = 'object B : BuildType({\n    steps {\n        script {\n            scriptContent = "echo \\"unterminated"\n        }\n    }\n})\n';
    expect(structureProblems('teamcity', 's.kts', kts, kts)).toEqual(expect.arrayContaining(['no import for the script step']));
    expect(structureProblems('jenkins', 'Jenkinsfile', 'node {\n}\n', "node {\n  sh 'echo \"'\n")).toEqual(
      expect.arrayContaining([expect.stringMatching(/unclosed/), expect.stringMatching(/bash -n refuses/)]),
    );
  });
});
