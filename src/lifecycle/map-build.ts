import path from 'node:path';
import type { CiLocation, CiValue, ImageBuildStep, Pipeline } from '../buildtime/ci/model.js';
import { isPublicRegistry } from '../image/registry-hosts.js';
import type { BuildEvidence, DockerfileInfo } from './estate-model.js';
import { type GraphBuilder, whereOf } from './graph.js';
import { imageKey, variablesIn, type ResolvedImageKey } from './references.js';

/**
 * The build phase of the map: repositories, Dockerfiles and their parent images, pipelines and the
 * images they build, retag and push. A value that is not known (a variable, a Dockerfile that is
 * not in the sources) becomes a LifecycleUnknown and makes no edge.
 */
export function addBuildPhase(graph: GraphBuilder, build: BuildEvidence): void {
  for (const repository of build.repositories) repositoryNode(graph, repository, build);
  const dockerfiles = new Map(build.dockerfiles.map((d) => [d.file, d]));
  for (const dockerfile of build.dockerfiles) addDockerfile(graph, dockerfile, build);
  const artefacts = new Artefacts();
  for (const pipeline of build.pipelines) addPipeline(graph, pipeline, build);
  // Builds first, then retags until nothing new is learnt (a tag of a tag, across pipelines), then
  // pushes: every name an artefact has already has its `builds` edge, so a push adds `pushes-to` only.
  for (const pipeline of build.pipelines) {
    for (const step of pipeline.steps) if (step.kind === 'build') addBuild(graph, pipeline, step, dockerfiles, artefacts);
  }
  addRetags(graph, build.pipelines, artefacts);
  for (const pipeline of build.pipelines) {
    for (const step of pipeline.steps) {
      if (step.kind !== 'push') continue;
      const key = keyOrUnknown(graph, pipelineId(pipeline), step.image, step.location, 'the pushed image');
      if (key === undefined) continue;
      imageNode(graph, key, whereOf(step.location.file, step.location.line));
      graph.edge(pipelineId(pipeline), imageId(key), 'pushes-to', {
        tag: tagOf(key, step.image),
        digest: key.digest,
        where: whereOf(step.location.file, step.location.line),
        step: step.location.step,
        ...assumption(step.image),
      });
    }
  }
}

export function imageId(key: Pick<ResolvedImageKey, 'key'>): string {
  return `image:${key.key}`;
}

function pipelineId(pipeline: Pick<Pipeline, 'id'>): string {
  return `pipeline:${pipeline.id}`;
}

/** An image repository node: its attributes are completed once every phase is in. */
export function imageNode(graph: GraphBuilder, key: ResolvedImageKey, evidence: string): void {
  graph.node(imageId(key), 'image', 'registry', key.key, evidence, {
    registry: key.registry,
    repository: key.repository,
    public: isPublicRegistry(key.registry),
  });
}

function repositoryNode(graph: GraphBuilder, repository: string, build: BuildEvidence): string {
  const id = `repository:${repository}`;
  const label = repository === '.' && build.sources.length === 1 ? path.basename(path.resolve(build.sources[0] ?? '.')) : repository;
  graph.node(id, 'repository', 'source', label, repository, { path: repository });
  return id;
}

function addDockerfile(graph: GraphBuilder, dockerfile: DockerfileInfo, build: BuildEvidence): void {
  const id = `dockerfile:${dockerfile.file}`;
  graph.node(id, 'dockerfile', 'build', dockerfile.file, dockerfile.file, {
    file: dockerfile.file,
    stages: dockerfile.froms.length,
    findings: dockerfile.findings.length,
  });
  graph.edge(repositoryNode(graph, dockerfile.repository, build), id, 'contains', { where: dockerfile.file });
  dockerfile.froms.forEach((from, index) => {
    if (from.stageRef !== undefined) return;
    const where = whereOf(dockerfile.file, from.line);
    if (from.resolved.toLowerCase() === 'scratch') return;
    const key = imageKey(from.resolved);
    if (!key.ok || key.tagVariables.length > 0) {
      const variables = key.ok ? key.tagVariables : key.variables.length > 0 ? key.variables : from.unknowns;
      graph.unknown({
        node: id,
        value: from.raw,
        variables,
        where,
        reason: key.ok ? `unresolved ${variables.join(', ')} in the FROM tag` : `FROM ${from.raw}: ${key.reason}`,
      });
      if (!key.ok) return;
    }
    imageNode(graph, key, where);
    graph.edge(id, imageId(key), 'based-on', {
      stage: from.stageName ?? String(index),
      finalStage: dockerfile.finalChain.includes(index),
      tag: key.tag,
      digest: key.digest,
      platform: from.platform,
      where,
      // The FROM rests on an ARG default that a --build-arg may override.
      certain: from.raw === from.resolved ? undefined : false,
    });
  });
}

function addPipeline(graph: GraphBuilder, pipeline: Pipeline, build: BuildEvidence): void {
  const id = pipelineId(pipeline);
  graph.node(id, 'pipeline', 'ci', pipeline.name ?? pipeline.file, pipeline.file, {
    system: pipeline.system,
    file: pipeline.file,
    name: pipeline.name,
    unknownVariables: pipeline.unknownVariables,
  });
  graph.edge(repositoryNode(graph, pipeline.repository, build), id, 'contains', { where: pipeline.file });
}

/** One thing a build step made, known under several names as it is tagged and copied. */
interface Artefact {
  pipeline: string;
  /** `dockerfile:<file>`, or undefined when the Dockerfile is not known. */
  dockerfile: string | undefined;
}

/**
 * The names each artefact is known by: `key:tag` / `key@digest` when exact, and the resolved text
 * within one pipeline (`app:${BUILD_NUMBER}` is the same image wherever that pipeline writes it).
 */
class Artefacts {
  private readonly byName = new Map<string, Artefact[]>();

  add(artefact: Artefact, pipeline: string, value: CiValue, key: ResolvedImageKey): boolean {
    let added = false;
    for (const name of namesOf(pipeline, value, key)) {
      const list = this.byName.get(name) ?? [];
      if (list.includes(artefact)) continue;
      list.push(artefact);
      this.byName.set(name, list);
      added = true;
    }
    return added;
  }

  find(pipeline: string, value: CiValue, key: ResolvedImageKey): Artefact[] {
    return [...new Set(namesOf(pipeline, value, key).flatMap((name) => this.byName.get(name) ?? []))];
  }
}

function namesOf(pipeline: string, value: CiValue, key: ResolvedImageKey): string[] {
  const names = [`text:${pipeline}:${value.resolved.trim()}`];
  if (key.tag !== undefined) names.push(`${key.key}:${key.tag}`);
  if (key.digest !== undefined) names.push(`${key.key}@${key.digest}`);
  return names;
}

function addBuild(graph: GraphBuilder, pipeline: Pipeline, step: ImageBuildStep, dockerfiles: ReadonlyMap<string, DockerfileInfo>, artefacts: Artefacts): void {
  const id = pipelineId(pipeline);
  const where = whereOf(step.location.file, step.location.line);
  const dockerfile = resolveDockerfile(graph, pipeline, step, dockerfiles);
  if (dockerfile !== undefined) graph.edge(id, dockerfile, 'uses', { where, step: step.location.step, ...assumption(step.dockerfile, step.context) });
  const artefact: Artefact = { pipeline: id, dockerfile };
  for (const tag of step.tags) {
    const key = keyOrUnknown(graph, id, tag, step.location, 'the build tag');
    if (key === undefined) continue;
    artefacts.add(artefact, id, tag, key);
    builtFrom(graph, artefact, key, tag, id, step.location);
    if (step.pushes)
      graph.edge(id, imageId(key), 'pushes-to', { tag: tagOf(key, tag), digest: key.digest, where, step: step.location.step, ...assumption(tag) });
  }
}

/**
 * The `builds` edge: from the Dockerfile when known, else from the pipeline itself. `source`: the
 * name a retag found the build under (when its value rests on a default, so does the edge).
 */
function builtFrom(
  graph: GraphBuilder,
  artefact: Artefact,
  key: ResolvedImageKey,
  value: CiValue,
  pipeline: string,
  location: CiLocation,
  source?: CiValue,
): void {
  const where = whereOf(location.file, location.line);
  imageNode(graph, key, where);
  const attributes = {
    tag: tagOf(key, value),
    pipeline: artefact.pipeline,
    where,
    via: pipeline === artefact.pipeline ? undefined : pipeline,
    ...assumption(value, ...(source === undefined ? [] : [source])),
  };
  graph.edge(artefact.dockerfile ?? artefact.pipeline, imageId(key), 'builds', attributes);
}

function addRetags(graph: GraphBuilder, pipelines: readonly Pipeline[], artefacts: Artefacts): void {
  const steps = pipelines.flatMap((pipeline) => pipeline.steps.flatMap((step) => (step.kind === 'tag' ? [{ pipeline, step }] : [])));
  const done = new Set<number>();
  for (let round = 0; round <= steps.length; round++) {
    let learnt = false;
    steps.forEach(({ pipeline, step }, index) => {
      if (done.has(index)) return;
      const id = pipelineId(pipeline);
      const from = imageKey(step.from.resolved);
      const to = imageKey(step.to.resolved);
      if (!from.ok || !to.ok) return;
      const sources = artefacts.find(id, step.from, from);
      if (sources.length === 0) return;
      done.add(index);
      learnt = true;
      keyOrUnknown(graph, id, step.to, step.location, 'the retag target'); // names an unresolved tag
      for (const artefact of sources) {
        artefacts.add(artefact, id, step.to, to);
        builtFrom(graph, artefact, to, step.to, id, step.location, step.from);
      }
      // The promotion itself: the new name is a copy of the built one (trace walks it back to its build).
      if (from.key !== to.key)
        graph.edge(imageId(to), imageId(from), 'copied-from', {
          tag: to.tag,
          fromTag: from.tag,
          fromDigest: from.digest,
          pipeline: id,
          where: whereOf(step.location.file, step.location.line),
          ...assumption(step.to, step.from),
        });
      if (step.pushes)
        graph.edge(id, imageId(to), 'pushes-to', {
          tag: tagOf(to, step.to),
          digest: to.digest,
          where: whereOf(step.location.file, step.location.line),
          step: step.location.step,
          ...assumption(step.to),
        });
    });
    if (!learnt) break;
  }
  // What no build made: a copy of an image from elsewhere (a mirror), or a name that stays unknown.
  steps.forEach(({ pipeline, step }, index) => {
    if (done.has(index)) return;
    const id = pipelineId(pipeline);
    const where = whereOf(step.location.file, step.location.line);
    const to = keyOrUnknown(graph, id, step.to, step.location, 'the retag target');
    const from = imageKey(step.from.resolved);
    if (!from.ok)
      graph.unknown({
        node: id,
        value: step.from.raw,
        variables: from.variables.length > 0 ? from.variables : step.from.unknowns,
        where,
        reason: `the retag source ${step.from.raw}: ${from.reason}`,
      });
    if (to === undefined) return;
    imageNode(graph, to, where);
    if (step.pushes)
      graph.edge(id, imageId(to), 'pushes-to', { tag: tagOf(to, step.to), digest: to.digest, where, step: step.location.step, ...assumption(step.to) });
    if (!from.ok) return;
    if (from.tagVariables.length > 0) {
      // `docker tag api:${TAG} …` in a pipeline that did not build `api:${TAG}`: which build it is cannot be told.
      graph.unknown({
        node: id,
        value: step.from.raw,
        variables: from.tagVariables,
        where,
        reason: `which build ${step.from.raw} comes from is not known (unresolved tag)`,
      });
      return;
    }
    imageNode(graph, from, where);
    graph.edge(imageId(to), imageId(from), 'copied-from', {
      tag: to.tag,
      fromTag: from.tag,
      fromDigest: from.digest,
      pipeline: id,
      where,
      ...assumption(step.to, step.from),
    });
  });
}

/**
 * `certain: false` and the variables it rests on, when a value came from a default the run may
 * override (a Jenkins parameter's defaultValue) — like a FROM resting on an ARG default; `{}` otherwise.
 */
function assumption(...values: readonly CiValue[]): { certain?: false; assumed?: string[] } {
  const assumed = [...new Set(values.flatMap((v) => v.assumed ?? []))];
  return assumed.length === 0 ? {} : { certain: false, assumed };
}

/** The Dockerfile a build step builds, looked up relative to the repository and to the build context. */
function resolveDockerfile(
  graph: GraphBuilder,
  pipeline: Pipeline,
  step: ImageBuildStep,
  dockerfiles: ReadonlyMap<string, DockerfileInfo>,
): string | undefined {
  const id = pipelineId(pipeline);
  const where = whereOf(step.location.file, step.location.line);
  const unresolved = [...step.dockerfile.unknowns, ...step.context.unknowns, ...variablesIn(step.dockerfile.resolved), ...variablesIn(step.context.resolved)];
  if (unresolved.length > 0) {
    const value = `${step.dockerfile.raw} (context ${step.context.raw})`;
    graph.unknown({ node: id, value, variables: [...new Set(unresolved)], where, reason: 'the Dockerfile or build context holds an unresolved variable' });
    return undefined;
  }
  const candidates = [
    ...new Set([joinPath(pipeline.repository, step.dockerfile.resolved), joinPath(pipeline.repository, step.context.resolved, step.dockerfile.resolved)]),
  ].filter((file): file is string => file !== undefined && dockerfiles.has(file));
  if (candidates.length === 1) return `dockerfile:${candidates[0] ?? ''}`;
  const reason =
    candidates.length === 0
      ? `the Dockerfile ${step.dockerfile.resolved} (context ${step.context.resolved}) is not among the Dockerfiles found in the sources`
      : `the Dockerfile could be ${candidates.join(' or ')}`;
  graph.unknown({ node: id, value: step.dockerfile.raw, variables: [], where, reason });
  return undefined;
}

/** A `/`-separated path below the source root, or undefined when it leaves it. */
function joinPath(...parts: string[]): string | undefined {
  const joined = path.posix.normalize(path.posix.join(...parts.map((p) => p.replace(/\\/g, '/'))));
  if (joined === '..' || joined.startsWith('../') || path.posix.isAbsolute(joined)) return undefined;
  return joined.replace(/^\.\//, '');
}

/** The image key of a CI value, or an unknown on `node` when its name is not resolved. */
function keyOrUnknown(graph: GraphBuilder, node: string, value: CiValue, location: CiLocation, what: string): ResolvedImageKey | undefined {
  const key = imageKey(value.resolved);
  const where = whereOf(location.file, location.line);
  if (!key.ok) {
    const variables = key.variables.length > 0 ? key.variables : value.unknowns;
    graph.unknown({ node, value: value.raw, variables, where, reason: `${what} ${value.raw}: ${key.reason}` });
    return undefined;
  }
  if (key.tagVariables.length > 0)
    graph.unknown({ node, value: value.raw, variables: key.tagVariables, where, reason: `${what} has an unresolved tag; the image repository is known` });
  return key;
}

/** The tag as written when it holds a variable (for display), else the resolved one. */
function tagOf(key: ResolvedImageKey, value: CiValue): string | undefined {
  if (key.tagVariables.length === 0) return key.tag;
  const at = value.resolved.lastIndexOf(':');
  return at > value.resolved.lastIndexOf('/') ? value.resolved.slice(at + 1) : undefined;
}
