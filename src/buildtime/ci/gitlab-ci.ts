/**
 * GitLab CI (`.gitlab-ci.yml`): jobs (top-level keys that are not keywords; `.hidden` ones are
 * templates), `extends` and `default:` merged as GitLab merges them, local `include:` files,
 * `!reference` tags, global and job `variables:`, jobs ordered by `stages:`. `before_script` and
 * `script` share a shell; `after_script` has its own. Predefined variables (`$CI_REGISTRY_IMAGE`,
 * `$CI_COMMIT_SHA`…) are unknown, named — but for the registry and project ones the estate tells
 * (`GitlabProject`): `$CI_REGISTRY_IMAGE` is `$CI_REGISTRY/$CI_PROJECT_PATH`, never a guess.
 */
import type { Pipeline } from './model.js';
import { ShellSession } from './shell.js';
import { plainSource } from '../shell/lexer.js';
import { PipelineBuilder } from './steps.js';
import { Scope } from './values.js';
import { normalizePath } from './names.js';
import { bool, contentLine, entries, get, items, loadYaml, text, type YNode } from './yaml-tree.js';

export interface GitlabOptions {
  /** Reads a file of the repository (path relative to its root) for `include: local:`; undefined when absent. */
  readFile?: (path: string) => string | undefined;
  /** What the estate says about the repository's GitLab project. */
  project?: GitlabProject | undefined;
}

/** The GitLab project a `.gitlab-ci.yml` runs in, as the estate describes it (`shipshape.yaml`'s `gitlab:`). */
export interface GitlabProject {
  /** `$CI_REGISTRY`: the GitLab instance's container registry, host[:port]. */
  registry: string | undefined;
  /** `$CI_PROJECT_PATH`: `group[/subgroup…]/project`. */
  path: string | undefined;
}

/**
 * GitLab's predefined variables the project facts settle. `$CI_REGISTRY_IMAGE` is the registry and
 * the project path lower-cased (GitLab lower-cases the path, not the host), only when both are known.
 */
function predefinedVariables(project: GitlabProject | undefined): Map<string, string> {
  const values = new Map<string, string>();
  if (project?.registry !== undefined) values.set('CI_REGISTRY', project.registry);
  if (project?.path !== undefined) {
    const slash = project.path.lastIndexOf('/');
    values.set('CI_PROJECT_PATH', project.path);
    values.set('CI_PROJECT_NAMESPACE', project.path.slice(0, Math.max(slash, 0)));
    values.set('CI_PROJECT_NAME', project.path.slice(slash + 1));
    if (project.registry !== undefined) values.set('CI_REGISTRY_IMAGE', `${project.registry}/${project.path.toLowerCase()}`);
  }
  return values;
}

/** GitLab's global keywords: top-level keys that are not jobs. */
export const gitlabKeywords: ReadonlySet<string> = new Set([
  'image',
  'services',
  'stages',
  'types',
  'before_script',
  'after_script',
  'variables',
  'cache',
  'include',
  'default',
  'workflow',
  'spec',
]);
const defaultStages = ['.pre', 'build', 'test', 'deploy', '.post'];
const defaultable = [
  'image',
  'services',
  'before_script',
  'after_script',
  'cache',
  'tags',
  'retry',
  'timeout',
  'interruptible',
  'artifacts',
  'hooks',
  'id_tokens',
];
const workspaceVars = ['CI_PROJECT_DIR'];
const maxIncludes = 150;

/** GitLab's deep merge: maps merge key by key, anything else is replaced. */
function deepMerge(base: YNode, over: YNode): YNode {
  if (base.kind !== 'map' || over.kind !== 'map') return over;
  const merged = new Map(base.entries);
  for (const [key, value] of over.entries) {
    const existing = merged.get(key);
    merged.set(key, existing === undefined ? value : deepMerge(existing, value));
  }
  return { ...over, entries: merged };
}

class GitlabReader {
  readonly builder: PipelineBuilder;
  /** GitLab's predefined variables the estate settles; a `variables:` entry of the file overrides them. */
  private readonly predefined = new Scope();
  private root: YNode | undefined;
  private includes = 0;

  constructor(
    file: string,
    repository: string,
    private readonly options: GitlabOptions,
  ) {
    this.builder = new PipelineBuilder('gitlab-ci', file, repository);
    for (const [name, value] of predefinedVariables(options.project)) this.predefined.set(name, { kind: 'value', resolved: value, unknowns: [] });
  }

  /** Path of a repository file relative to the scanned root. */
  private scannedPath(repoPath: string): string {
    return normalizePath(this.builder.repository === '.' ? repoPath : `${this.builder.repository}/${repoPath}`);
  }

  /** A document with its local includes merged in before it (the including file wins). */
  private load(source: string, file: string, seen: Set<string>): YNode | undefined {
    const doc = loadYaml(source, file, this.builder.diagnostics);
    if (doc === undefined) return undefined;
    if (doc.kind !== 'map') {
      this.builder.diagnostics.push(`${file}: not a GitLab CI configuration (the document is not a mapping)`);
      return undefined;
    }
    let base: YNode | undefined;
    for (const include of items(get(doc, 'include'))) {
      const local = include.kind === 'scalar' ? text(include) : text(get(include, 'local'));
      if (local === undefined || /^[a-z]+:\/\//i.test(local) || (include.kind === 'map' && get(include, 'local') === undefined)) {
        const kind =
          include.kind === 'map'
            ? ([...include.entries.keys()].find((k) => ['project', 'remote', 'template', 'component'].includes(k)) ?? 'include')
            : 'remote';
        this.builder.diagnostics.push(`${file}: line ${include.line}: ${kind} include is not read (only local files are)`);
        continue;
      }
      const path = normalizePath(local.replace(/^\/+/, ''));
      if (path.includes('*')) {
        this.builder.diagnostics.push(`${file}: line ${include.line}: wildcard include ${local} is not read`);
        continue;
      }
      if (path.startsWith('..') || seen.has(path)) continue;
      if (++this.includes > maxIncludes) {
        this.builder.diagnostics.push(`${file}: more than ${maxIncludes} includes: read no further`);
        break;
      }
      const content = this.options.readFile?.(path);
      if (content === undefined) {
        this.builder.diagnostics.push(`${file}: line ${include.line}: included file ${local} not found`);
        continue;
      }
      const included = this.load(content, this.scannedPath(path), new Set([...seen, path]));
      if (included !== undefined) base = base === undefined ? included : deepMerge(base, included);
    }
    return base === undefined ? doc : deepMerge(base, doc);
  }

  read(source: string): Pipeline {
    const root = this.load(source, this.builder.file, new Set());
    if (root === undefined) return this.builder.build(undefined);
    this.root = root;
    const globalScope = this.predefined.child();
    bindVariables(globalScope, get(root, 'variables'));
    const stages = items(get(root, 'stages')).map((s) => text(s) ?? '');
    const stageOrder = stages.length > 0 ? ['.pre', ...stages, '.post'] : defaultStages;
    const jobs: { name: string; job: YNode; stage: number; stageName: string; position: number }[] = [];
    let position = 0;
    for (const [name, node] of entries(root)) {
      if (gitlabKeywords.has(name) || name.startsWith('.') || node.kind !== 'map') continue;
      const job = this.resolveJob(name, new Set());
      if (job === undefined || get(job, 'trigger') !== undefined) continue;
      const stageName = text(get(job, 'stage')) ?? 'test';
      let stage = stageOrder.indexOf(stageName);
      if (stage < 0) {
        this.builder.diagnostics.push(`job ${name}: stage ${stageName} is not in stages`);
        stage = stageOrder.length;
      }
      jobs.push({ name, job, stage, stageName, position: position++ });
    }
    jobs.sort((a, b) => a.stage - b.stage || a.position - b.position);
    for (const { name, job, stageName } of jobs) this.job(name, job, stageName, globalScope);
    return this.builder.build(undefined);
  }

  /** A job with `extends` and `default:` applied. */
  private resolveJob(name: string, visiting: Set<string>): YNode | undefined {
    const own = get(this.root, name);
    if (own?.kind !== 'map') return undefined;
    if (visiting.has(name) || visiting.size > 11) {
      this.builder.diagnostics.push(`job ${name}: extends loops or nests too deep`);
      return own;
    }
    let merged: YNode | undefined;
    for (const parent of items(get(own, 'extends'))) {
      const parentName = text(parent);
      if (parentName === undefined) continue;
      const resolved = this.resolveJob(parentName, new Set([...visiting, name]));
      if (resolved === undefined) {
        this.builder.diagnostics.push(`job ${name}: extends ${parentName}, which is not defined`);
        continue;
      }
      merged = merged === undefined ? resolved : deepMerge(merged, resolved);
    }
    const withoutExtends: YNode = { ...own, entries: new Map([...own.entries].filter(([k]) => k !== 'extends')) };
    let job = merged === undefined ? withoutExtends : deepMerge(merged, withoutExtends);
    if (visiting.size === 0) job = this.applyDefaults(job);
    return job;
  }

  private applyDefaults(job: YNode): YNode {
    if (job.kind !== 'map') return job;
    const inherit = get(get(job, 'inherit'), 'default');
    if (bool(inherit) === false) return job;
    const allowed = inherit?.kind === 'seq' ? new Set(inherit.items.map((i) => text(i) ?? '')) : undefined;
    const defaults = get(this.root, 'default');
    const entries = new Map(job.entries);
    for (const key of defaultable) {
      if (entries.has(key) || (allowed !== undefined && !allowed.has(key))) continue;
      const value =
        get(defaults, key) ?? (key === 'image' || key === 'services' || key === 'before_script' || key === 'after_script' ? get(this.root, key) : undefined);
      if (value !== undefined) entries.set(key, value);
    }
    return { ...job, entries };
  }

  /** Script lines: strings, nested lists (anchors) and `!reference` tags, flattened. */
  private scriptLines(node: YNode | undefined, depth = 0): YNode[] {
    if (node === undefined || depth > 10) return [];
    if (node.kind === 'scalar') return [node];
    if (node.kind === 'seq') return node.items.flatMap((item) => this.scriptLines(item, depth + 1));
    if (node.kind === 'reference') {
      const [jobName, ...keys] = node.path;
      let target: YNode | undefined = jobName === undefined ? undefined : (this.resolveJobLoose(jobName) ?? get(this.root, jobName));
      for (const key of keys) target = get(target, key);
      if (target === undefined) this.builder.diagnostics.push(`${node.file}: line ${node.line}: !reference [${node.path.join(', ')}] not found`);
      return this.scriptLines(target, depth + 1);
    }
    return [];
  }

  private resolveJobLoose(name: string): YNode | undefined {
    const own = get(this.root, name);
    return own === undefined ? undefined : this.resolveJob(name, new Set(['(reference)']));
  }

  private job(name: string, job: YNode, stage: string, globalScope: Scope): void {
    const place = { stage, conditions: ['rules', 'only', 'except'].filter((key) => get(job, key) !== undefined) };
    const inheritVariables = bool(get(get(job, 'inherit'), 'variables'));
    const scope = (inheritVariables === false ? this.predefined : globalScope).child();
    bindVariables(scope, get(job, 'variables'));
    const allowFailure = get(job, 'allow_failure');
    const ignoreFailure = bool(allowFailure) === true;
    const partial = allowFailure?.kind === 'map';
    const run = (session: ShellSession, lines: YNode[]): void => {
      for (const line of lines) {
        const script = text(line);
        if (script === undefined) continue;
        const steps = session.run(plainSource(script, contentLine(line)), { ignoreFailure });
        for (const step of steps) {
          // allow_failure: exit_codes: […] lets some exit codes pass: cannot tell which the scan uses
          if (step.kind === 'security' && partial && step.gating === true) step.gating = undefined;
          this.builder.add(step, name, line.file, place);
        }
      }
    };
    const options = { scope, workspaceVars, diagnostics: this.builder.diagnostics, errexit: true, pipefail: false };
    const main = new ShellSession(options);
    run(main, [...this.scriptLines(get(job, 'before_script')), ...this.scriptLines(get(job, 'script'))]);
    run(new ShellSession(options), this.scriptLines(get(job, 'after_script')));
  }
}

/** `variables:` entries (`X: value` or `X: { value: …, expand: false }`) as lazy bindings. */
function bindVariables(scope: Scope, variables: YNode | undefined): void {
  for (const [name, node] of entries(variables)) {
    const value = node.kind === 'map' ? get(node, 'value') : node;
    const raw = text(value) ?? '';
    if (node.kind === 'map' && bool(get(node, 'expand')) === false) scope.set(name, { kind: 'value', resolved: raw, unknowns: [] });
    else scope.set(name, { kind: 'lazy', raw, syntaxes: ['gitlab'], scope, dynamic: true });
  }
}

/** Reads one `.gitlab-ci.yml` (and its local includes). */
export function parseGitlabCi(file: string, text: string, repository: string, options: GitlabOptions = {}): Pipeline {
  return new GitlabReader(file, repository, options).read(text);
}
