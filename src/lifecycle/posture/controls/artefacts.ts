import type { Pipeline, SecurityStep } from '../../../buildtime/ci/model.js';
import type { StoredImage } from '../../../distribute/model.js';
import type { FileEdit, ProposedChange } from '../model.js';
import type { PushPoint } from '../support/ci.js';
import { imageText, pushesOf, securitySteps, where } from '../support/ci.js';
import { proposeStep } from '../support/ci-propose.js';
import type { StepPurpose } from '../support/ci-steps.js';
import { nodeId, onMap } from '../support/ids.js';
import { findStored, parseImage, parseRepository, realImages } from '../support/images.js';
import type { Check, ControlContext, ControlOutcome, Verdict } from './control.js';
import { change, check, outcomeOf, unknown } from './control.js';
import { pushAll } from '../../../core/collections.js';

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
    pushAll(changes, judged.changes);
  }
  if (pushing.length === 0) {
    for (const report of context.evidence.registries) {
      for (const repository of report.repositories) {
        for (const image of realImages(repository).filter((i) => i.tags.length > 0)) {
          const found = rule.fromRegistry(image);
          const place = `${report.registry}/${repository.name}@${image.digest}`;
          const nodes = onMap(context.map, [nodeId.image(report.registry, repository.name)]);
          checks.push(
            check(
              found?.verdict ?? 'gap',
              found ? `${place}: ${found.text}` : `${place} (${image.tags.join(', ')}) carries no ${rule.noun.replace(/^an? /, '')}`,
              place,
              nodes,
            ),
          );
        }
      }
    }
  }
  if (pipelines.length === 0 && context.evidence.registries.length === 0) return unknown('no pipelines were read and no registry was scanned');
  return outcomeOf(
    checks,
    changes,
    {
      subject: pushing.length > 0 ? 'pushing pipelines' : 'images',
      met: `produce ${rule.noun}`,
      notMet: `produce no ${rule.noun.replace(/^an? /, '')} (or only part of what is needed)`,
    },
    pushing.length > 0 ? 'no pipeline pushes an image' : 'the registries scanned hold no tagged images',
  );
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
  if (step?.verdict === 'met')
    return { check: check('met', `${pipeline.file}: ${step.step.tool} at line ${step.step.location.line}`, where(step.step.location), nodes), changes: [] };
  // the registry may hold it even when the pipeline file does not show the step (a plugin, a later job)
  for (const ref of refs) {
    const stored = findStored(context.evidence.registries, ref.registry, ref.repository, ref.tag, ref.digest);
    const found = stored?.image ? rule.fromRegistry(stored.image) : undefined;
    if (found?.verdict === 'met')
      return {
        check: check(
          'met',
          `${ref.registry}/${ref.repository}:${ref.tag ?? ''} pushed by ${pipeline.file}: ${found.text}`,
          `${ref.registry}/${ref.repository}:${ref.tag ?? ''}`,
          nodes,
        ),
        changes: [],
      };
  }
  const last = pushes.at(-1);
  const changes: ProposedChange[] = last === undefined ? [] : [proposal(context, rule, pipeline, last, nodes)];
  if (step !== undefined)
    return {
      check: check(
        step.verdict,
        `${pipeline.file}: ${step.step.tool} at line ${step.step.location.line} gives only part of it`,
        where(step.step.location),
        nodes,
      ),
      changes,
    };
  const partial = refs
    .map((ref) => findStored(context.evidence.registries, ref.registry, ref.repository, ref.tag, ref.digest)?.image)
    .map((image) => (image ? rule.fromRegistry(image) : undefined))
    .find((found) => found !== undefined);
  if (partial) return { check: check(partial.verdict, `${pipeline.file}: ${partial.text}`, pipeline.file, nodes), changes };
  return {
    check: check(
      'gap',
      `${pipeline.file} pushes ${pushes.map((p) => imageText(p.image)).join(', ')} without ${rule.noun}`,
      last ? where(last.location) : pipeline.file,
      nodes,
    ),
    changes,
  };
}

/** The change for one pipeline: BuildKit's own SBOM on a buildx build that pushes, else a step acting on the pushed digest. */
function proposal(context: ControlContext, rule: ArtefactRule, pipeline: Pipeline, last: PushPoint, nodes: string[]): ProposedChange {
  if (rule.purpose === 'sbom' && last.tool === 'docker-buildx' && last.withBuild) {
    const edits: FileEdit[] = [
      { kind: 'substitute', file: last.location.file, line: last.location.line, find: 'buildx build', replace: 'buildx build --sbom=true' },
    ];
    return change(`let BuildKit attach ${rule.noun} to the image: add --sbom=true to the build at ${where(last.location)}`, {
      file: last.location.file,
      line: last.location.line,
      snippet: '--sbom=true',
      edits,
      nodes,
    });
  }
  const step = proposeStep({ pipeline, purpose: rule.purpose, push: last, failOn: context.policy.failOn, ignoreUnfixed: context.policy.ignoreUnfixed });
  return change(step.summary, { file: last.location.file, line: step.line, snippet: step.snippet || undefined, edits: step.edits, nodes });
}

export function firstStep(pipeline: Pipeline, ...kinds: SecurityStep['securityKind'][]): SecurityStep | undefined {
  return securitySteps(pipeline, ...kinds)[0];
}
