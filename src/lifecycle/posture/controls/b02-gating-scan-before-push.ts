import type { Pipeline } from '../../../build/ci/model.js';
import type { ProposedChange } from '../model.js';
import type { PushPoint } from '../support/ci.js';
import { imageText, pushesOf, securitySteps, stepCommand, stepSnippet, where } from '../support/ci.js';
import { nodeId, onMap } from '../support/ids.js';
import { parseRepository } from '../support/images.js';
import type { Check, ControlContext, PostureControl } from './control.js';
import { change, check, outcomeOf, unknown } from './control.js';

/** SS-CTL-B02: each pipeline that pushes images runs a failing-on-findings scan before the push. */
export const gatingScanBeforePush: PostureControl = {
  meta: {
    id: 'SS-CTL-B02',
    phase: 'build',
    title: 'A vulnerability scan gates every pipeline before its push',
    objective: 'No image reaches a registry before a scan that fails the pipeline on the severities the policy forbids.',
    evaluation: 'Per pipeline that pushes: a gating scan step ordered before every push is met; a scan that does not fail the build, or runs only after the push, is partial; no scan is a gap.',
    references: [
      { framework: 'NIST SP 800-190', id: '4.1.1', title: 'Image vulnerabilities' },
      { framework: 'CIS Docker Benchmark', id: '4.4', title: 'Ensure images are scanned and rebuilt to include security patches' },
    ],
    weight: 2,
  },
  evaluate(context) {
    const { pipelines } = context.evidence.build;
    if (pipelines.length === 0) return unknown('no pipelines were read');
    const pushing = pipelines.filter((p) => pushesOf(p).length > 0);
    if (pushing.length === 0) return unknown(`none of the ${pipelines.length} pipelines read pushes an image`);
    const checks: Check[] = [];
    const changes: ProposedChange[] = [];
    for (const pipeline of pushing) {
      const result = judgePipeline(context, pipeline);
      checks.push(result.check);
      changes.push(...result.changes);
    }
    return outcomeOf(checks, changes, { subject: 'pushing pipelines', met: 'scan and fail on findings before they push', notMet: 'push without a gating scan first' }, 'no pipeline pushes an image');
  },
};

function judgePipeline(context: ControlContext, pipeline: Pipeline): { check: Check; changes: ProposedChange[] } {
  const pushes = pushesOf(pipeline);
  const scans = securitySteps(pipeline, 'scan');
  const imageNodes = pushes.flatMap((push) => {
    const ref = parseRepository(push.image.resolved);
    return ref ? [nodeId.image(ref.registry, ref.repository)] : [];
  });
  const nodes = onMap(context.map, [nodeId.pipeline(pipeline), ...imageNodes]);
  const firstUngated = pushes.find((push) => !scans.some((scan) => scan.order < push.order && scan.gating === true));
  const first = pushes[0] as PushPoint;
  if (firstUngated === undefined) {
    const scan = scans.find((s) => s.order < first.order && s.gating === true);
    return { check: check('met', `${pipeline.file}: ${scan?.tool ?? 'a scanner'} fails the pipeline before every push`, scan ? where(scan.location) : pipeline.file, nodes), changes: [] };
  }
  const before = scans.filter((scan) => scan.order < firstUngated.order);
  const after = scans.filter((scan) => scan.order > firstUngated.order);
  const options = { failOn: context.policy.failOn, ignoreUnfixed: context.policy.ignoreUnfixed, tool: firstUngated.tool, buildJob: firstUngated.location.step };
  const image = imageText(firstUngated.image);
  if (before.length > 0) {
    const scan = before[0] as (typeof before)[number];
    const how = scan.gating === false ? 'does not fail the pipeline on findings' : 'may not fail the pipeline: no exit code or threshold is set';
    return {
      check: check('partial', `${pipeline.file}: ${scan.tool} scans before the push at line ${firstUngated.location.line} but ${how}`, where(scan.location), nodes),
      changes: [
        change(`make the ${scan.tool} scan at ${where(scan.location)} fail the pipeline (exit code 1 on ${context.policy.failOn.join('/')}; no \`|| true\` / continue-on-error)`, {
          file: scan.location.file,
          line: scan.location.line,
          snippet: stepCommand('scan', image, options),
          nodes,
        }),
      ],
    };
  }
  const insert = insertion(pipeline, firstUngated);
  const snippet = stepSnippet(pipeline.system, 'scan', image, options);
  const changes = [change(insert.summary, { file: firstUngated.location.file, line: insert.line, snippet, nodes })];
  if (after.length > 0) {
    const scan = after[0] as (typeof after)[number];
    return { check: check('partial', `${pipeline.file}: ${scan.tool} scans only after the push at line ${firstUngated.location.line}: vulnerable images are already in the registry`, where(scan.location), nodes), changes };
  }
  return { check: check('gap', `${pipeline.file}: pushes ${image} at line ${firstUngated.location.line} with no vulnerability scan`, where(firstUngated.location), nodes), changes };
}

/** Where the scan goes: just before the push; a build that pushes by itself must first be split. */
function insertion(pipeline: Pipeline, push: PushPoint): { line: number | undefined; summary: string } {
  if (pipeline.system === 'gitlab-ci') {
    return { line: undefined, summary: `add this job to ${push.location.file} and make the job that pushes (${push.location.step ?? `line ${push.location.line}`}) need it, so nothing is pushed before the scan passes` };
  }
  if (push.withBuild) {
    return { line: push.location.line, summary: `the step at ${where(push.location)} builds and pushes at once: make it build only (no --push / push: false), add this scan after it, then push` };
  }
  return { line: push.location.line - 1, summary: `scan before the push at ${where(push.location)}: insert after line ${push.location.line - 1}` };
}
