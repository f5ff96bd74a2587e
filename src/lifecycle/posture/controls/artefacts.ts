import type { Pipeline, SecurityStep } from '../../../build/ci/model.js';
import type { StoredImage } from '../../../distribute/model.js';
import type { ProposedChange } from '../model.js';
import type { StepPurpose } from '../support/ci.js';
import { buildkitFlags, imageText, pushesOf, securitySteps, stepSnippet, where } from '../support/ci.js';
import { nodeId, onMap } from '../support/ids.js';
import { findStored, parseImage, parseRepository, realImages } from '../support/images.js';
import type { Check, ControlContext, ControlOutcome, Verdict } from './control.js';
import { change, check, outcomeOf, unknown } from './control.js';

/**
 * What the build phase's supply-chain controls (SBOM, signature, provenance) share: each pipeline
 * that pushes is judged by its own steps and by what the registry holds for the images it pushes;
 * without pipelines, each image in the registries is judged by what it carries.
 */
export interface ArtefactRule {
  purpose: Exclude<StepPurpose, 'scan'>;
  /** `an SBOM`, `a signature`. */
  noun: string;
  /** The pipeline step that produces it, and how good it is. */
  fromStep(pipeline: Pipeline): { verdict: Verdict; step: SecurityStep } | undefined;
  /** What the registry holds for one stored image. */
  fromRegistry(image: StoredImage): { verdict: Verdict; text: string } | undefined;
}

export function evaluateArtefact(context: ControlContext, rule: ArtefactRule): ControlOutcome {
  const { pipelines } = context.evidence.build;
  const pushing = pipelines.filter((p) => pushesOf(p).length > 0);
  const checks: Check[] = [];
  const changes: ProposedChange[] = [];
  for (const pipeline of pushing) {
    const judged = judgePipeline(context, rule, pipeline);
    checks.push(judged.check);
    changes.push(...judged.changes);
  }
  if (pushing.length === 0) {
    for (const report of context.evidence.registries) {
      for (const repository of report.repositories) {
        for (const image of realImages(repository).filter((i) => i.tags.length > 0)) {
          const found = rule.fromRegistry(image);
          const place = `${report.registry}/${repository.name}@${image.digest}`;
          const nodes = onMap(context.map, [nodeId.image(report.registry, repository.name)]);
          checks.push(check(found?.verdict ?? 'gap', found ? `${place}: ${found.text}` : `${place} (${image.tags.join(', ')}) carries no ${rule.noun.replace(/^an? /, '')}`, place, nodes));
        }
      }
    }
  }
  if (pipelines.length === 0 && context.evidence.registries.length === 0) return unknown('no pipelines were read and no registry was scanned');
  return outcomeOf(checks, changes, { subject: pushing.length > 0 ? 'pushing pipelines' : 'images', met: `produce ${rule.noun}`, notMet: `produce no ${rule.noun.replace(/^an? /, '')} (or only part of what is needed)` }, pushing.length > 0 ? 'no pipeline pushes an image' : 'the registries scanned hold no tagged images');
}

function judgePipeline(context: ControlContext, rule: ArtefactRule, pipeline: Pipeline): { check: Check; changes: ProposedChange[] } {
  const pushes = pushesOf(pipeline);
  // exact references (tag known) can be looked up in the registries; the others still name a map node
  const refs = pushes.flatMap((push) => {
    const ref = parseImage(push.image.resolved);
    return ref ? [ref] : [];
  });
  const repositories = pushes.flatMap((push) => {
    const ref = parseRepository(push.image.resolved);
    return ref ? [nodeId.image(ref.registry, ref.repository)] : [];
  });
  const nodes = onMap(context.map, [nodeId.pipeline(pipeline), ...repositories]);
  const step = rule.fromStep(pipeline);
  if (step?.verdict === 'met') return { check: check('met', `${pipeline.file}: ${step.step.tool} at line ${step.step.location.line}`, where(step.step.location), nodes), changes: [] };
  // the registry may hold it even when the pipeline file does not show the step (a plugin, a later job)
  for (const ref of refs) {
    const stored = findStored(context.evidence.registries, ref.registry, ref.repository, ref.tag, ref.digest);
    const found = stored?.image ? rule.fromRegistry(stored.image) : undefined;
    if (found?.verdict === 'met') return { check: check('met', `${ref.registry}/${ref.repository}:${ref.tag ?? ''} pushed by ${pipeline.file}: ${found.text}`, `${ref.registry}/${ref.repository}:${ref.tag ?? ''}`, nodes), changes: [] };
  }
  const last = pushes.at(-1);
  const changes: ProposedChange[] = [];
  if (last !== undefined) {
    const flag = rule.purpose === 'sign' ? undefined : buildkitFlags(last.tool, rule.purpose);
    const options = { failOn: context.policy.failOn, ignoreUnfixed: context.policy.ignoreUnfixed, tool: last.tool, buildJob: last.location.step };
    if (flag !== undefined && last.withBuild && rule.purpose === 'sbom') {
      changes.push(change(`let BuildKit attach ${rule.noun} to the image: add this to the build step at ${where(last.location)}`, { file: last.location.file, line: last.location.line, snippet: flag, nodes }));
    } else {
      changes.push(
        change(pipeline.system === 'gitlab-ci' ? `add this job to ${last.location.file}, after the job that pushes (${last.location.step ?? `line ${last.location.line}`})` : `add ${rule.noun} step after the push at ${where(last.location)}`, {
          file: last.location.file,
          line: pipeline.system === 'gitlab-ci' ? undefined : last.location.line,
          snippet: stepSnippet(pipeline.system, rule.purpose, imageText(last.image), options),
          nodes,
        }),
      );
    }
  }
  if (step !== undefined) return { check: check(step.verdict, `${pipeline.file}: ${step.step.tool} at line ${step.step.location.line} gives only part of it`, where(step.step.location), nodes), changes };
  const partial = refs
    .map((ref) => findStored(context.evidence.registries, ref.registry, ref.repository, ref.tag, ref.digest)?.image)
    .map((image) => (image ? rule.fromRegistry(image) : undefined))
    .find((found) => found !== undefined);
  if (partial) return { check: check(partial.verdict, `${pipeline.file}: ${partial.text}`, pipeline.file, nodes), changes };
  return { check: check('gap', `${pipeline.file} pushes ${pushes.map((p) => imageText(p.image)).join(', ')} without ${rule.noun}`, last ? where(last.location) : pipeline.file, nodes), changes };
}

export function firstStep(pipeline: Pipeline, ...kinds: SecurityStep['securityKind'][]): SecurityStep | undefined {
  return securitySteps(pipeline, ...kinds)[0];
}
