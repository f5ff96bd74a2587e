import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { discoverPipelines } from '../buildtime/ci/discover.js';
import type { GitlabProject } from '../buildtime/ci/gitlab-ci.js';
import type { Pipeline } from '../buildtime/ci/model.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { LimitExceededError, NotFoundError, UsageError, messageOf } from '../core/errors.js';
import { maxDockerfileBytes, sourceWalkLimits } from '../core/limits.js';
import { readRegularFile } from '../core/regular-file.js';
import type { RegistryScanReport } from '../distribute/model.js';
import { nodeInfoOf, type NodeInfo } from '../runtime/cluster/nodes.js';
import { imageReferences } from '../runtime/manifests/images.js';
import { loadManifests, type K8sObject, type ManifestSource } from '../runtime/manifests/load.js';
import { readManifestSources } from '../runtime/manifests/sources.js';
import { checkPodSecurity } from '../runtime/pod-security.js';
import { parseVersion } from '../runtime/pss/types.js';
import { checkWorkloads } from '../runtime/rules/check.js';
import { isDockerfileName, readDockerfile } from './dockerfiles.js';
import { checkCompose } from '../runtime/compose/check.js';
import type { RuleFinding } from '../rules/rule.js';
import { composeFileNames } from '../runtime/compose/sources.js';
import type { GitlabEstate } from './config.js';
import type { BuildEvidence, DockerfileInfo, EstateEvidence, RunEvidence } from './estate-model.js';
import { withInheritedConfig, type DockerfileSource } from './inheritance.js';
import { pushAll } from '../core/collections.js';

/** What to read: from `shipshape.yaml` or the command line (registries are scanned by the caller). */
export interface EstateConfig {
  sources: string[];
  registryReports: RegistryScanReport[];
  manifests: string[];
  cluster?: { kubeconfig: string; context?: string; namespaces?: string[]; inPod: boolean } | undefined;
  /** Kubernetes version the Pod Security Standards are checked at (`v1.29`; default latest). */
  k8sVersion?: string;
  allowedRegistries?: string[];
  /** The GitLab registry and project paths, for GitLab's predefined variables (`$CI_REGISTRY_IMAGE`). */
  gitlab?: GitlabEstate | undefined;
}

export interface CollectHooks {
  onProgress?(message: string): void;
  /** Reads standard input for a `-` manifest path (the CLI passes its own). */
  readStdin?: () => Promise<string>;
}

const { maxDepth, maxEntries } = sourceWalkLimits;
const skippedDirectories = new Set(['node_modules', 'vendor', '.git']);

/**
 * Reads an estate: Dockerfiles, repositories and CI pipelines under the source roots (a Dockerfile
 * whose parent image another Dockerfile builds is read through it: see inheritance.ts); manifests
 * and/or a live cluster (objects, nodes — Node objects in manifest dumps count too —, Pod Security
 * results, workload findings, images); the registry reports as given. Missing inputs are errors;
 * unreadable parts of them are diagnostics.
 */
export async function collectEstate(config: EstateConfig, hooks: CollectHooks = {}, parts: EstateParts = {}): Promise<EstateEvidence> {
  if (config.k8sVersion !== undefined) {
    try {
      parseVersion(config.k8sVersion);
    } catch {
      throw new UsageError(`invalid Kubernetes version ${JSON.stringify(config.k8sVersion)}: use v1.N (e.g. v1.29) or latest`);
    }
  }
  const diagnostics: Diagnostic[] = [];
  const texts = new Map<string, DockerfileSource>();
  const compose = { files: [] as string[], findings: [] as RuleFinding[] };
  const build = await collectBuild(config.sources, diagnostics, hooks, config.gitlab, texts, parts.sources, compose);
  const run = config.manifests.length > 0 || config.cluster !== undefined ? await collectRun(config, diagnostics, hooks, parts.cluster) : undefined;
  // compose files in the sources are deployments too: their findings join the run phase's
  if (run && compose.findings.length > 0) {
    pushAll(run.sources, compose.files);
    pushAll(run.findings, compose.findings);
  }
  const dockerfileTexts = new Map([...texts].map(([file, source]) => [file, source.text]));
  return { build, registries: config.registryReports, run, diagnostics, dockerfileTexts };
}

/** Parts of an estate read elsewhere (by a fleet's workers): the source trees by index, the live cluster. */
export interface EstateParts {
  sources?: ReadonlyMap<number, SourceTreeRead> | undefined;
  cluster?: ClusterRead | undefined;
}

/** One source tree read: its repositories, pipelines and Dockerfiles (with their text), named as the estate names them. Plain data. */
export interface SourceTreeRead {
  root: string;
  repositories: string[];
  pipelines: Pipeline[];
  dockerfiles: DockerfileInfo[];
  texts: [string, DockerfileSource][];
  /** SS-CMP findings of the compose files in the tree (a deployment read as the run phase reads manifests). */
  composeFindings: RuleFinding[];
  /** The compose files read. */
  composeFiles: string[];
  diagnostics: Diagnostic[];
}

/** The live cluster read: plain data (its objects without their line look-up: a cluster object has no lines). */
export interface ClusterRead {
  source: string;
  server: string;
  objects: Omit<K8sObject, 'lineOf'>[];
  nodes: NodeInfo[];
  diagnostics: Diagnostic[];
}

/** Reads the source tree `roots[index]` (named with the prefix the estate gives it among `roots`). */
export async function readSourceTree(
  roots: readonly string[],
  index: number,
  gitlab: GitlabEstate | undefined,
  hooks: CollectHooks = {},
): Promise<SourceTreeRead> {
  const root = roots[index] as string;
  const info = await stat(root).catch(() => undefined);
  if (info === undefined) throw new NotFoundError(`source ${root}: no such directory`);
  if (!info.isDirectory())
    throw new UsageError(`source ${root} is not a directory`, { hint: 'give the directory holding the repositories (or one repository)' });
  hooks.onProgress?.(`reading sources in ${root}`);
  const diagnostics: Diagnostic[] = [];
  const prefix = rootPrefixes(roots)[index] ?? '';
  const found = await walk(root, diagnostics);
  const ciDiagnostics: string[] = [];
  const gitlabProject = (repository: string): GitlabProject | undefined =>
    gitlab === undefined ? undefined : { registry: gitlab.registry, path: gitlab.projects[withPrefix(prefix, repository)] };
  const pipelines = (await discoverPipelines(root, { diagnostics: ciDiagnostics, gitlabProject })).map((p) => prefixPipeline(p, prefix));
  for (const message of ciDiagnostics) diagnostics.push({ level: 'warning', code: 'ci.discover', message, where: root });
  const rootRepositories = [...found.gitDirectories, ...pipelines.map((p) => unprefix(p.repository, prefix))];
  const dockerfiles: DockerfileInfo[] = [];
  const texts: [string, DockerfileSource][] = [];
  for (const file of found.dockerfiles) {
    const text = await readBounded(path.join(root, file), diagnostics);
    if (text === undefined) continue;
    const repository = repositoryOf(file, rootRepositories);
    if (!rootRepositories.includes(repository)) rootRepositories.push(repository);
    const hasDockerignore = found.files.has(path.posix.join(path.posix.dirname(file), '.dockerignore'));
    dockerfiles.push(readDockerfile(withPrefix(prefix, file), text, withPrefix(prefix, repository), { hasDockerignore }));
    texts.push([withPrefix(prefix, file), { text, hasDockerignore }]);
  }
  const composeFiles: string[] = [];
  const composeFindings: RuleFinding[] = [];
  for (const file of found.composeFiles) {
    const text = await readBounded(path.join(root, file), diagnostics);
    if (text === undefined) continue;
    const checked = checkCompose(withPrefix(prefix, file), text);
    composeFiles.push(withPrefix(prefix, file));
    pushAll(composeFindings, checked.findings);
    pushAll(diagnostics, checked.diagnostics);
  }
  hooks.onProgress?.(
    `${root}: ${found.dockerfiles.length} Dockerfiles, ${pipelines.length} pipelines${composeFiles.length > 0 ? `, ${composeFiles.length} compose files` : ''}`,
  );
  return {
    root,
    repositories: rootRepositories.map((r) => withPrefix(prefix, r)),
    pipelines,
    dockerfiles,
    texts,
    composeFindings,
    composeFiles,
    diagnostics,
  };
}

/** Reads the estate's live cluster as plain data. */
export async function readEstateCluster(cluster: NonNullable<EstateConfig['cluster']>): Promise<ClusterRead> {
  const { readCluster } = await import('../runtime/cluster/read.js');
  const live = await readCluster({ kubeconfig: cluster.kubeconfig, context: cluster.context, inPod: cluster.inPod, namespaces: cluster.namespaces });
  return { ...live, objects: live.objects.map(({ lineOf: _none, ...object }) => object) };
}

async function collectBuild(
  roots: readonly string[],
  diagnostics: Diagnostic[],
  hooks: CollectHooks,
  gitlab: GitlabEstate | undefined,
  texts: Map<string, DockerfileSource>,
  given: ReadonlyMap<number, SourceTreeRead> | undefined,
  compose: { files: string[]; findings: RuleFinding[] },
): Promise<BuildEvidence> {
  const repositories = new Set<string>();
  const pipelines: Pipeline[] = [];
  const dockerfiles: DockerfileInfo[] = [];
  for (const index of roots.keys()) {
    const tree = given?.get(index) ?? (await readSourceTree(roots, index, gitlab, hooks));
    pushAll(compose.files, tree.composeFiles);
    pushAll(compose.findings, tree.composeFindings);
    pushAll(diagnostics, tree.diagnostics);
    for (const repository of tree.repositories) repositories.add(repository);
    pushAll(pipelines, tree.pipelines);
    pushAll(dockerfiles, tree.dockerfiles);
    for (const [file, source] of tree.texts) texts.set(file, source);
  }
  for (const repository of Object.keys(gitlab?.projects ?? {}).filter((r) => !repositories.has(r))) {
    diagnostics.push({
      level: 'warning',
      code: 'config.gitlab-project',
      message: `gitlab.projects names ${repository}, which is not a repository of the sources (${[...repositories].sort().join(', ') || 'none'}): its project path is not used`,
    });
  }
  const build: BuildEvidence = { sources: [...roots], repositories: [...repositories].sort(), pipelines, dockerfiles };
  return { ...build, dockerfiles: withInheritedConfig(build, texts) };
}

interface WalkResult {
  /** `/`-separated, relative to the root. */
  dockerfiles: string[];
  composeFiles: string[];
  gitDirectories: string[];
  files: Set<string>;
}

/** Every Dockerfile and `.git` below a root, without following symbolic links, bounded. */
async function walk(root: string, diagnostics: Diagnostic[]): Promise<WalkResult> {
  const result: WalkResult = { dockerfiles: [], composeFiles: [], gitDirectories: [], files: new Set() };
  let entries = 0;
  const visit = async (relative: string, depth: number): Promise<void> => {
    if (depth > maxDepth) {
      diagnostics.push({
        level: 'warning',
        code: 'source.too-deep',
        message: `directories deeper than ${maxDepth} levels are not read`,
        where: path.join(root, relative),
      });
      return;
    }
    let children;
    try {
      children = await readdir(path.join(root, relative), { withFileTypes: true });
    } catch (error) {
      diagnostics.push({ level: 'warning', code: 'source.unreadable', message: `cannot list: ${messageOf(error)}`, where: path.join(root, relative) });
      return;
    }
    for (const child of children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (++entries > maxEntries) {
        if (entries === maxEntries + 1)
          diagnostics.push({ level: 'warning', code: 'source.too-many-files', message: `more than ${maxEntries} entries; the rest are not read`, where: root });
        return;
      }
      const name = relative === '' ? child.name : `${relative}/${child.name}`;
      if (child.isDirectory()) {
        if (child.name === '.git') result.gitDirectories.push(relative === '' ? '.' : relative);
        if (!skippedDirectories.has(child.name)) await visit(name, depth + 1);
      } else if (child.isFile()) {
        result.files.add(name);
        if (isDockerfileName(child.name)) result.dockerfiles.push(name);
        if ((composeFileNames as readonly string[]).includes(child.name)) result.composeFiles.push(name);
      } else if (child.isSymbolicLink() && child.name === '.git') {
        result.gitDirectories.push(relative === '' ? '.' : relative);
      }
    }
  };
  await visit('', 0);
  return result;
}

async function readBounded(file: string, diagnostics: Diagnostic[]): Promise<string | undefined> {
  try {
    return (await readRegularFile(file, maxDockerfileBytes, 'maxDockerfileBytes')).toString('utf8');
  } catch (error) {
    const code = error instanceof LimitExceededError ? 'source.too-large' : 'source.unreadable';
    diagnostics.push({ level: 'warning', code, message: `not read: ${messageOf(error)}`, where: file });
    return undefined;
  }
}

/** The deepest repository holding a file, else the root (`.`). */
function repositoryOf(file: string, repositories: readonly string[]): string {
  let best = '.';
  for (const repository of repositories) {
    if (repository === '.' || !file.startsWith(`${repository}/`)) continue;
    if (best === '.' || repository.length > best.length) best = repository;
  }
  return best;
}

/** With several roots, paths and ids are prefixed with each root's name (made unique) so they cannot collide. */
/**
 * Where a file the estate names (`payments-api/Jenkinsfile`; with several source roots,
 * `<root's name>/payments-api/Jenkinsfile`) is on disk; an absolute name (a manifest) is itself.
 * Undefined when no source root holds it.
 */
export function estateFilePath(roots: readonly string[], file: string): string | undefined {
  if (path.isAbsolute(file)) return file;
  const prefixes = rootPrefixes(roots);
  for (const [index, root] of roots.entries()) {
    const prefix = prefixes[index] ?? '';
    if (prefix === '') return path.resolve(root, file);
    if (file.startsWith(`${prefix}/`)) return path.resolve(root, file.slice(prefix.length + 1));
  }
  return undefined;
}

function rootPrefixes(roots: readonly string[]): string[] {
  if (roots.length <= 1) return roots.map(() => '');
  const used = new Map<string, number>();
  return roots.map((root) => {
    const base = path.basename(path.resolve(root)) || 'root';
    const count = (used.get(base) ?? 0) + 1;
    used.set(base, count);
    return count === 1 ? base : `${base}-${count}`;
  });
}

function withPrefix(prefix: string, relative: string): string {
  if (prefix === '') return relative;
  return relative === '.' ? prefix : `${prefix}/${relative}`;
}

function unprefix(relative: string, prefix: string): string {
  if (prefix === '') return relative;
  if (relative === prefix) return '.';
  return relative.startsWith(`${prefix}/`) ? relative.slice(prefix.length + 1) : relative;
}

function prefixPipeline(pipeline: Pipeline, prefix: string): Pipeline {
  if (prefix === '') return pipeline;
  const colon = pipeline.id.indexOf(':');
  return {
    ...pipeline,
    id: `${pipeline.id.slice(0, colon + 1)}${prefix}/${pipeline.id.slice(colon + 1)}`,
    file: withPrefix(prefix, pipeline.file),
    repository: withPrefix(prefix, pipeline.repository),
    steps: pipeline.steps.map((step) => ({ ...step, location: { ...step.location, file: withPrefix(prefix, step.location.file) } })),
  };
}

async function collectRun(config: EstateConfig, diagnostics: Diagnostic[], hooks: CollectHooks, given: ClusterRead | undefined): Promise<RunEvidence> {
  const sources: ManifestSource[] = [];
  for (const given of config.manifests) {
    hooks.onProgress?.(`reading manifests ${given}`);
    pushAll(sources, await readManifestSources(given, { readStdin: hooks.readStdin }));
  }
  const loaded = loadManifests(sources);
  const objects: K8sObject[] = loaded.objects;
  pushAll(diagnostics, loaded.diagnostics);
  const nodes: NodeInfo[] = objects.filter((o) => o.kind === 'Node' && o.apiVersion === 'v1').map((o) => nodeInfoOf(o.raw));
  const read = [...config.manifests];
  let cluster = 'manifests';
  if (config.cluster !== undefined) {
    hooks.onProgress?.(`reading cluster ${config.cluster.context ?? '(current context)'}`);
    const live = given ?? (await readEstateCluster(config.cluster));
    pushAll(
      objects,
      live.objects.map((object) => ({ ...object, lineOf: () => 0 })),
    );
    pushAll(diagnostics, live.diagnostics);
    for (const node of live.nodes) if (!nodes.some((n) => n.name === node.name)) nodes.push(node);
    read.push(live.source);
    cluster = live.source.replace(/^cluster:/, '');
  }
  return {
    sources: read,
    cluster,
    objects,
    podSecurity: checkPodSecurity(objects, { level: 'restricted', version: config.k8sVersion ?? 'latest', explicit: false }),
    findings: checkWorkloads(objects, { allowedRegistries: config.allowedRegistries }),
    images: imageReferences(objects),
    nodes,
  };
}
