import type { Pipeline } from '../../../buildtime/ci/model.js';
import type { ProposedChange } from '../model.js';
import type { PushPoint } from '../support/ci.js';
import { imageText, pushesOf, securitySteps, where } from '../support/ci.js';
import { proposeStep } from '../support/ci-propose.js';
import { nodeId, onMap } from '../support/ids.js';
import { parseRepository } from '../support/images.js';
import type { Check, ControlContext, PostureControl } from './control.js';
import { change, check, outcomeOf, unknown } from './control.js';
import { pushAll } from '../../../core/collections.js';

/** SS-CTL-B02: each pipeline that pushes images runs a failing-on-findings scan before the push. */
export const gatingScanBeforePush: PostureControl = {
  meta: {
    id: 'SS-CTL-B02',
    phase: 'build',
    title: 'A vulnerability scan gates every pipeline before its push',
    objective: 'No image reaches a registry before a scan that fails the pipeline on the severities the policy forbids.',
    evaluation:
      'Per pipeline that pushes: a gating scan step ordered before every push is met; a scan that does not fail the build, or runs only after the push, is partial; no scan is a gap.',
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
      pushAll(changes, result.changes);
    }
    return outcomeOf(
      checks,
      changes,
      { subject: 'pushing pipelines', met: 'scan and fail on findings before they push', notMet: 'push without a gating scan first' },
      'no pipeline pushes an image',
    );
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
    return {
      check: check(
        'met',
        `${pipeline.file}: ${scan?.tool ?? 'a scanner'} fails the pipeline before every push`,
        scan ? where(scan.location) : pipeline.file,
        nodes,
      ),
      changes: [],
    };
  }
  const before = scans.filter((scan) => scan.order < firstUngated.order);
  const after = scans.filter((scan) => scan.order > firstUngated.order);
  const image = imageText(firstUngated.image);
  const step = proposeStep({ pipeline, purpose: 'scan', push: firstUngated, failOn: context.policy.failOn, ignoreUnfixed: context.policy.ignoreUnfixed });
  const proposal = (summary: string): ProposedChange =>
    change(summary, { file: firstUngated.location.file, line: step.line, snippet: step.snippet || undefined, edits: step.edits, nodes });
  if (before.length > 0) {
    const scan = before[0] as (typeof before)[number];
    const how = scan.gating === false ? 'does not fail the pipeline on findings' : 'may not fail the pipeline: no exit code or threshold is set';
    return {
      check: check(
        'partial',
        `${pipeline.file}: ${scan.tool} scans before the push at line ${firstUngated.location.line} but ${how}`,
        where(scan.location),
        nodes,
      ),
      changes: [
        proposal(
          `the ${scan.tool} scan at ${where(scan.location)} ${how}: make it fail on ${context.policy.failOn.join('/')} (exit code 1; no \`|| true\` / continue-on-error), or gate the push with this — ${step.summary}`,
        ),
      ],
    };
  }
  const changes = [proposal(step.summary)];
  if (after.length > 0) {
    const scan = after[0] as (typeof after)[number];
    return {
      check: check(
        'partial',
        `${pipeline.file}: ${scan.tool} scans only after the push at line ${firstUngated.location.line}: vulnerable images are already in the registry`,
        where(scan.location),
        nodes,
      ),
      changes,
    };
  }
  return {
    check: check(
      'gap',
      `${pipeline.file}: pushes ${image} at line ${firstUngated.location.line} with no vulnerability scan`,
      where(firstUngated.location),
      nodes,
    ),
    changes,
  };
}
