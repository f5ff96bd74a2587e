/**
 * Steps as the readers find them (a line, no order yet) and the builder that numbers them and
 * assembles a `Pipeline`.
 */
import type { CiLocation, CiSystem, CiValue, Pipeline, PipelineStep } from './model.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A step before it has a place in the pipeline: the line it was found on, relative to its source. */
export type StepDraft = DistributiveOmit<PipelineStep, 'order' | 'location'> & { line: number };

/** Every CiValue a step holds. */
function valuesOf(step: PipelineStep | StepDraft): CiValue[] {
  switch (step.kind) {
    case 'build':
      return [step.dockerfile, step.context, ...step.tags];
    case 'push':
      return [step.image];
    case 'tag':
      return [step.from, step.to];
    case 'login':
      return [step.registry];
    case 'security':
      return [...(step.image === undefined ? [] : [step.image]), ...(step.target === undefined ? [] : [step.target])];
  }
}

/** Collects steps in execution order, then numbers them. */
export class PipelineBuilder {
  private readonly steps: PipelineStep[] = [];
  readonly diagnostics: string[] = [];

  constructor(
    readonly system: CiSystem,
    readonly file: string,
    readonly repository: string,
  ) {}

  /**
   * Adds a step found at `line` of this builder's file (or of `file`, for included files); `place`
   * adds what the format says of where it runs (GitHub step id, GitLab stage and conditions).
   */
  add(draft: StepDraft, step: string | undefined, file: string = this.file, place: Pick<CiLocation, 'id' | 'stage' | 'conditions'> = {}): void {
    const { line, ...rest } = draft;
    const location: CiLocation = { file, line, step, ...place };
    this.steps.push({ ...rest, order: this.steps.length, location } as PipelineStep);
  }

  addAll(drafts: readonly StepDraft[], step: string | undefined, file?: string): void {
    for (const draft of drafts) this.add(draft, step, file);
  }

  build(name: string | undefined, idSuffix?: string): Pipeline {
    const unknowns = new Set<string>();
    for (const step of this.steps) for (const value of valuesOf(step)) for (const u of value.unknowns) unknowns.add(u);
    return {
      id: `${this.system}:${this.file}${idSuffix === undefined ? '' : `#${idSuffix}`}`,
      system: this.system,
      file: this.file,
      repository: this.repository,
      name,
      steps: this.steps,
      unknownVariables: [...unknowns].sort(),
      diagnostics: [...new Set(this.diagnostics)],
    };
  }
}
