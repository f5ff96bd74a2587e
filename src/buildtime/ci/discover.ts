/**
 * Finds CI definitions under a directory and reads them: Jenkinsfiles (`Jenkinsfile`,
 * `Jenkinsfile.*`, `*.jenkinsfile`), GitHub workflows (`.github/workflows/*.yml|yaml`),
 * `.gitlab-ci.yml` (with local includes), TeamCity Kotlin DSL (`.kts` under `.teamcity/`).
 * The walk is bounded (depth, entries, file size), skips `node_modules`, `vendor` and `.git`, and
 * never follows symbolic links. A pipeline belongs to the repository whose `.git` holds it, else to
 * the directory its CI layout hangs from.
 */
import { realpathSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { pushAll } from '../../core/collections.js';
import { UsageError, messageOf } from '../../core/errors.js';
import { ciSearchLimits, maxCiFileBytes } from '../../core/limits.js';
import { readRegularFile, readRegularFileSync } from '../../core/regular-file.js';
import { parseGithubWorkflow } from './github-actions.js';
import { parseGitlabCi, type GitlabOptions, type GitlabProject } from './gitlab-ci.js';
import { parseJenkinsfile } from './jenkins.js';
import type { CiSystem, CiValue, Pipeline } from './model.js';
import { parseTeamcity, teamcityRegistryConnections } from './teamcity.js';

export interface DiscoverOptions {
  /** Where problems of the walk itself go (pipelines carry their own). */
  diagnostics?: string[];
  /** Deepest directory level walked below `root` (default `ciSearchLimits.maxDepth`). */
  maxDepth?: number;
  /** Largest definition file read, in bytes (default `maxCiFileBytes`). */
  maxFileBytes?: number;
  /** Most directory entries looked at (default `ciSearchLimits.maxEntries`). */
  maxEntries?: number;
  /** The GitLab project of a repository (relative to `root`), when the estate tells it. */
  gitlabProject?: (repository: string) => GitlabProject | undefined;
}

export interface ParseOptions {
  /** Reads a file of the repository (relative to its root), for GitLab `include: local:`. */
  readFile?: (repoPath: string) => string | undefined;
  /** TeamCity Docker registry connections defined in sibling files. */
  registryConnections?: ReadonlyMap<string, CiValue>;
  /** The repository's GitLab project, for GitLab's predefined registry variables. */
  gitlabProject?: GitlabProject | undefined;
}

const skippedDirs = new Set(['node_modules', '.git', 'vendor']);

/** Every pipeline a file defines (TeamCity files define one per BuildType). */
export function parsePipelines(system: CiSystem, file: string, text: string, repository: string, options: ParseOptions = {}): Pipeline[] {
  switch (system) {
    case 'jenkins':
      return [parseJenkinsfile(file, text, repository)];
    case 'github-actions':
      return [parseGithubWorkflow(file, text, repository)];
    case 'gitlab-ci': {
      const gitlab: GitlabOptions = { project: options.gitlabProject };
      if (options.readFile !== undefined) gitlab.readFile = options.readFile;
      return [parseGitlabCi(file, text, repository, gitlab)];
    }
    case 'teamcity':
      return parseTeamcity(file, text, repository, options.registryConnections === undefined ? {} : { registryConnections: options.registryConnections });
  }
}

/**
 * The pipeline a file defines. A TeamCity file with no BuildType gives an empty pipeline; with
 * several, use `parsePipelines`.
 */
export function parsePipeline(system: CiSystem, file: string, text: string, repository: string, options: ParseOptions = {}): Pipeline {
  const pipelines = parsePipelines(system, file, text, repository, options);
  if (pipelines.length > 1) throw new UsageError(`${file} defines ${pipelines.length} pipelines: read it with parsePipelines`);
  return pipelines[0] ?? { id: `${system}:${file}`, system, file, repository, name: undefined, steps: [], unknownVariables: [], diagnostics: [] };
}

interface Found {
  system: CiSystem;
  /** Absolute path. */
  absolute: string;
  /** Relative to the scanned root, `/`-separated. */
  file: string;
  repository: string;
  /** TeamCity: the `.teamcity` directory (files there share registry connections). */
  group?: string;
}

/** What kind of CI file `relative` (a `/`-separated path) is, if any. */
export function ciSystemOf(relative: string): CiSystem | undefined {
  const parts = relative.split('/');
  const name = parts[parts.length - 1] ?? '';
  if (name === 'Jenkinsfile' || name.startsWith('Jenkinsfile.') || name.toLowerCase().endsWith('.jenkinsfile')) return 'jenkins';
  if (name === '.gitlab-ci.yml') return 'gitlab-ci';
  if (parts.length >= 3 && parts[parts.length - 2] === 'workflows' && parts[parts.length - 3] === '.github' && /\.ya?ml$/.test(name)) return 'github-actions';
  if (parts.slice(0, -1).includes('.teamcity') && /\.kts?$/.test(name)) return 'teamcity';
  return undefined;
}

/** The directory a CI file's layout hangs from: above `.github` / `.teamcity`, else its own. */
function ciRoot(relative: string, system: CiSystem): string {
  const parts = relative.split('/').slice(0, -1);
  const marker = system === 'github-actions' ? '.github' : system === 'teamcity' ? '.teamcity' : undefined;
  if (marker !== undefined) {
    const at = parts.lastIndexOf(marker);
    if (at >= 0) return parts.slice(0, at).join('/') || '.';
  }
  return parts.join('/') || '.';
}

function teamcityDir(relative: string): string {
  const parts = relative.split('/');
  return parts.slice(0, parts.lastIndexOf('.teamcity') + 1).join('/');
}

/** Walks `root` and reads every CI definition found. */
export async function discoverPipelines(root: string, options: DiscoverOptions = {}): Promise<Pipeline[]> {
  const diagnostics = options.diagnostics ?? [];
  const maxDepth = options.maxDepth ?? ciSearchLimits.maxDepth;
  const maxFileBytes = options.maxFileBytes ?? maxCiFileBytes;
  const maxEntries = options.maxEntries ?? ciSearchLimits.maxEntries;
  const found: Found[] = [];
  let seen = 0;
  let depthReported = false;

  const walk = async (dir: string, relative: string, depth: number, repository: string | undefined): Promise<void> => {
    let dirents;
    try {
      dirents = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      diagnostics.push(`${relative || '.'}: cannot list: ${(error as Error).message}`);
      return;
    }
    dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const repo = dirents.some((d) => d.name === '.git') ? relative || '.' : repository;
    for (const dirent of dirents) {
      if (++seen > maxEntries) {
        if (seen === maxEntries + 1) diagnostics.push(`more than ${maxEntries} directory entries under ${root}: the rest is not searched for CI files`);
        return;
      }
      const childRelative = relative === '' ? dirent.name : `${relative}/${dirent.name}`;
      const absolute = path.join(dir, dirent.name);
      if (dirent.isDirectory()) {
        if (skippedDirs.has(dirent.name)) continue;
        if (depth >= maxDepth) {
          if (!depthReported) diagnostics.push(`directories deeper than ${maxDepth} levels (e.g. ${childRelative}) are not searched for CI files`);
          depthReported = true;
          continue;
        }
        await walk(absolute, childRelative, depth + 1, repo);
        continue;
      }
      if (!dirent.isFile()) continue;
      const system = ciSystemOf(childRelative);
      if (system === undefined) continue;
      const entry: Found = { system, absolute, file: childRelative, repository: repo ?? ciRoot(childRelative, system) };
      if (system === 'teamcity') entry.group = teamcityDir(childRelative);
      found.push(entry);
    }
  };
  const rootStat = await stat(root).catch(() => undefined);
  if (rootStat?.isDirectory() !== true) {
    diagnostics.push(`${root}: not a directory`);
    return [];
  }
  await walk(root, '', 0, undefined);

  const texts = new Map<string, string>();
  for (const entry of found) {
    try {
      texts.set(entry.file, (await readRegularFile(entry.absolute, maxFileBytes, 'maxCiFileBytes')).toString('utf8'));
    } catch (error) {
      diagnostics.push(`${entry.file}: ${messageOf(error)}: skipped`);
    }
  }

  // TeamCity files of one .teamcity directory share their registry connections
  const connections = new Map<string, Map<string, CiValue>>();
  for (const entry of found) {
    const text = texts.get(entry.file);
    if (entry.group === undefined || text === undefined) continue;
    const group = connections.get(entry.group) ?? new Map<string, CiValue>();
    try {
      for (const [id, url] of teamcityRegistryConnections(text)) group.set(id, url);
    } catch {
      // the same file's own read below fails the same way, and says so
    }
    connections.set(entry.group, group);
  }

  const pipelines: Pipeline[] = [];
  for (const entry of found) {
    const text = texts.get(entry.file);
    if (text === undefined) continue;
    const repositoryDir = path.join(root, entry.repository);
    const parseOptions: ParseOptions = {
      readFile: (p) => readRepositoryFile(repositoryDir, p, maxFileBytes, diagnostics),
      gitlabProject: options.gitlabProject?.(entry.repository),
    };
    const group = entry.group === undefined ? undefined : connections.get(entry.group);
    if (group !== undefined) parseOptions.registryConnections = group;
    try {
      pushAll(pipelines, parsePipelines(entry.system, entry.file, text, entry.repository, parseOptions));
    } catch (error) {
      // a reader bug must not hide the other pipelines: report it with the file
      diagnostics.push(`${entry.file}: could not be read: ${(error as Error).message}`);
    }
  }
  return pipelines;
}

/**
 * A file inside the repository (no escape through `..` or links), bounded in size, and only a
 * regular file: an include naming a FIFO or a device must not block the read of the estate.
 */
function readRepositoryFile(repositoryDir: string, relative: string, maxBytes: number, diagnostics: string[]): string | undefined {
  const target = path.resolve(repositoryDir, relative);
  try {
    const realRepo = realpathSync(repositoryDir);
    const realTarget = realpathSync(target);
    if (realTarget !== realRepo && !realTarget.startsWith(`${realRepo}${path.sep}`)) {
      diagnostics.push(`${relative}: outside the repository: not read`);
      return undefined;
    }
    return readRegularFileSync(realTarget, maxBytes, 'maxCiFileBytes').toString('utf8');
  } catch (error) {
    // absent: the reader reports the include it could not find; anything else is said here
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') diagnostics.push(`${relative}: cannot read: ${messageOf(error)}`);
    return undefined;
  }
}
