/** Compact, exact one-line summaries of pipeline steps, so tests read like the pipelines they check. */
import type { CiValue, Pipeline, PipelineStep } from './model.js';
import type { StepDraft } from './steps.js';

/** `resolved`; when some variables stayed unknown, `?{A,B}`; when it rests on defaults a run may override, `~{params.X}`. */
function v(value: CiValue | undefined): string {
  if (value === undefined) return '-';
  const unknowns = value.unknowns.length === 0 ? '' : ` ?{${value.unknowns.join(',')}}`;
  const assumed = value.assumed === undefined ? '' : ` ~{${value.assumed.join(',')}}`;
  return `${value.resolved}${unknowns}${assumed}`;
}

function body(step: PipelineStep | StepDraft): string {
  switch (step.kind) {
    case 'build':
      return `build ${step.tool} file=${v(step.dockerfile)} ctx=${v(step.context)} tags=[${step.tags.map(v).join(' | ')}] push=${step.pushes}${step.pushCondition === undefined ? '' : ` when ${step.pushCondition}`}`;
    case 'push':
      return `push ${step.tool} ${v(step.image)}`;
    case 'tag':
      return `tag ${v(step.from)} -> ${v(step.to)} push=${step.pushes}`;
    case 'login':
      return `login ${v(step.registry)}`;
    case 'security':
      return `${step.securityKind} ${step.tool} image=${v(step.image)}${step.target === undefined ? '' : ` target=${v(step.target)}`} gating=${String(step.gating)}`;
  }
}

/** `order L<line> [step] what`. */
export function brief(pipeline: Pipeline): string[] {
  return pipeline.steps.map((s) => `${s.order} L${s.location.line} [${s.location.step ?? ''}] ${body(s)}`);
}

/** `L<line> what` for drafts of the shell analysis. */
export function briefDrafts(drafts: readonly StepDraft[]): string[] {
  return drafts.map((d) => `L${d.line} ${body(d)}`);
}
