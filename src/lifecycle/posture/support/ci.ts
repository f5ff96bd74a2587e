import type { CiLocation, CiValue, BuildTool, Pipeline, SecurityStep, SecurityStepKind } from '../../../buildtime/ci/model.js';

/** One place a pipeline puts an image into a registry. */
export interface PushPoint {
  order: number;
  location: CiLocation;
  image: CiValue;
  tool: BuildTool | undefined;
  /** The image is built and pushed by one step (`--push`, `push: true`, kaniko): nothing can run between. */
  withBuild: boolean;
}

/** Every push of a pipeline: push steps, build steps that push, copies that push. */
export function pushesOf(pipeline: Pipeline): PushPoint[] {
  const points: PushPoint[] = [];
  for (const step of pipeline.steps) {
    if (step.kind === 'push') points.push({ order: step.order, location: step.location, image: step.image, tool: step.tool, withBuild: false });
    else if (step.kind === 'build' && step.pushes) {
      for (const tag of step.tags) points.push({ order: step.order, location: step.location, image: tag, tool: step.tool, withBuild: true });
    } else if (step.kind === 'tag' && step.pushes)
      points.push({ order: step.order, location: step.location, image: step.to, tool: undefined, withBuild: false });
  }
  return points.sort((a, b) => a.order - b.order);
}

export function securitySteps(pipeline: Pipeline, ...kinds: SecurityStepKind[]): SecurityStep[] {
  return pipeline.steps.filter((step): step is SecurityStep => step.kind === 'security' && kinds.includes(step.securityKind));
}

/** An image reference as the pipeline writes it (for the text of evidence and summaries). */
export function imageText(value: CiValue): string {
  return value.raw;
}

export function where(location: CiLocation): string {
  return `${location.file}:${location.line}`;
}
