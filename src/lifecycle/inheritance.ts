import { readDockerfile } from './dockerfiles.js';
import type { BuildEvidence, DockerfileInfo } from './estate-model.js';
import { GraphBuilder } from './graph.js';
import { addBuildPhase } from './map-build.js';

/** A Dockerfile's text as collected, kept for reading it again with its parent's configuration. */
export interface DockerfileSource {
  text: string;
  hasDockerignore: boolean;
}

// Parent chains longer than this are not followed: the rest reads as a parent not read.
const maxParents = 32;

/**
 * The estate's Dockerfiles with what their final images inherit: a Dockerfile whose final stage
 * starts FROM an image that exactly one other Dockerfile of the estate builds (the map's `based-on`
 * edge meets that Dockerfile's `builds` edges, retags and promotions included) is read again with
 * that parent's effective configuration, parents first — so its user, health check, ports and
 * entrypoint, and the lint findings about them, come through the FROM chain with the line that
 * sets each. Any other Dockerfile is returned as it was read.
 */
export function withInheritedConfig(build: BuildEvidence, sources: ReadonlyMap<string, DockerfileSource>): DockerfileInfo[] {
  const parents = estateParents(build);
  const byFile = new Map(build.dockerfiles.map((d) => [d.file, d]));
  const done = new Map<string, DockerfileInfo>();
  const resolve = (info: DockerfileInfo, depth: number): DockerfileInfo => {
    const known = done.get(info.file);
    if (known !== undefined) return known;
    const parent = parents.get(info.file);
    const parentInfo = parent === undefined ? undefined : byFile.get(parent.file);
    const source = sources.get(info.file);
    if (parent === undefined || parentInfo === undefined || source === undefined || depth >= maxParents) return info;
    const config = resolve(parentInfo, depth + 1).config;
    if (config === undefined) return info;
    const read = readDockerfile(info.file, source.text, info.repository, {
      hasDockerignore: source.hasDockerignore,
      inherited: { image: parent.image, config },
    });
    done.set(info.file, read);
    return read;
  };
  return build.dockerfiles.map((info) => resolve(info, 0));
}

/**
 * Each Dockerfile's estate parent: the one Dockerfile building the image its final stage starts
 * from (by the image repository, as the map joins them), with the image that FROM names (ARG
 * defaults applied). An image two Dockerfiles build is ambiguous and left out.
 */
function estateParents(build: BuildEvidence): Map<string, { file: string; image: string }> {
  const graph = new GraphBuilder();
  addBuildPhase(graph, build);
  const builders = new Map<string, Set<string>>();
  const bases = new Map<string, string>();
  for (const edge of graph.edges) {
    if (!edge.from.startsWith('dockerfile:')) continue;
    const file = edge.from.slice('dockerfile:'.length);
    if (edge.kind === 'based-on' && edge.attributes.finalStage === true) bases.set(file, edge.to);
    if (edge.kind !== 'builds') continue;
    const set = builders.get(edge.to) ?? new Set<string>();
    set.add(file);
    builders.set(edge.to, set);
  }
  const parents = new Map<string, { file: string; image: string }>();
  for (const info of build.dockerfiles) {
    const root = info.froms[info.finalChain.at(-1) ?? -1];
    const base = bases.get(info.file);
    if (root === undefined || base === undefined) continue;
    const files = [...(builders.get(base) ?? [])].filter((file) => file !== info.file);
    if (files.length === 1 && files[0] !== undefined) parents.set(info.file, { file: files[0], image: root.resolved });
  }
  // A cycle (a FROM the image b builds, b FROM a's) has no bottom: its Dockerfiles keep their own
  // reading. (A longer one is cut by maxParents when resolved.)
  const cyclic = [...parents.keys()].filter((file) => {
    let next = parents.get(file)?.file;
    for (let step = 0; next !== undefined && step <= maxParents; step++) {
      if (next === file) return true;
      next = parents.get(next)?.file;
    }
    return false;
  });
  for (const file of cyclic) parents.delete(file);
  return parents;
}
