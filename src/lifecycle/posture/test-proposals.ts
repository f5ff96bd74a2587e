/**
 * For the tests that apply proposed changes: what makes a patched CI file wrong for its system,
 * beyond "the reader still reads it". YAML parses with unique keys; GitLab jobs use declared
 * stages, `needs` jobs that exist in the same or an earlier stage, without cycles, and run each
 * tool (trivy, cosign, crane, docker) in an image that has it, `!reference`s pointing at keys that
 * exist; GitHub steps ids are unique and every `steps.<id>.outputs` names an earlier step; Groovy and
 * Kotlin braces balance; TeamCity files import the step kinds they use; every shell script the file
 * holds (run:, script:, sh, scriptContent) passes `bash -n`.
 */
import { isMap, isScalar, isSeq, parseAllDocuments, type YAMLMap } from 'yaml';
import { blockTree, tokenize, type Token } from '../../buildtime/ci/brace-lang.js';
import type { CiSystem } from '../../buildtime/ci/model.js';
import { gitlabKeywords } from '../../buildtime/ci/gitlab-ci.js';
import { bashParses } from './support/test-shell.js';
import { pushAll } from '../../core/collections.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const toolsInImages = ['trivy', 'cosign', 'crane', 'docker'];

/** What is wrong with `after` (a patched `before`) for its CI system; empty when nothing. */
export function structureProblems(system: CiSystem, file: string, before: string, after: string): string[] {
  if (system === 'jenkins' || system === 'teamcity') return braceProblems(system, before, after);
  const docs = parseAllDocuments(after);
  const errors = (Array.isArray(docs) ? docs : []).flatMap((d) => d.errors.map((e) => `${file}: ${e.message.split('\n')[0] ?? ''}`));
  if (errors.length > 0) return errors;
  const doc = Array.isArray(docs) ? docs[0] : undefined;
  const root = doc?.toJS({ maxAliasCount: 100 }) as Json;
  if (!isObject(root)) return [`${file}: not a mapping`];
  const raw = doc?.contents;
  return system === 'gitlab-ci' ? gitlabProblems(root, isMap(raw) ? raw : undefined, before) : githubProblems(root);
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const texts = (value: Json | undefined): string[] => (typeof value === 'string' ? [value] : Array.isArray(value) ? value.flatMap(texts) : []);

/** The programs a command line runs (first word of each pipeline / list element). */
function programs(line: string): string[] {
  return line
    .split(/\|\||&&|[|;]/)
    .map((part) => (part.trim().split(/\s+/)[0] ?? '').replace(/^.*\//, ''))
    .filter(Boolean);
}

function gitlabProblems(root: { [key: string]: Json }, raw: YAMLMap | undefined, before: string): string[] {
  const problems: string[] = [];
  const declared = texts(root.stages);
  const stages = ['.pre', ...(declared.length > 0 ? declared : ['build', 'test', 'deploy']), '.post'];
  const jobs = new Map(
    Object.entries(root).filter(([name, job]) => !gitlabKeywords.has(name) && !name.startsWith('.') && isObject(job)) as [string, { [key: string]: Json }][],
  );
  const stageOf = (job: { [key: string]: Json }): number => stages.indexOf(typeof job.stage === 'string' ? job.stage : 'test');
  const needs = new Map<string, string[]>();
  for (const [name, job] of jobs) {
    if (stageOf(job) < 0) problems.push(`job ${name}: stage ${String(job.stage)} is not declared`);
    const names = (Array.isArray(job.needs) ? job.needs : []).flatMap((n) =>
      typeof n === 'string' ? [n] : isObject(n) && typeof n.job === 'string' ? [n.job] : [],
    );
    needs.set(name, names);
    for (const need of names) {
      const other = jobs.get(need);
      if (other === undefined) problems.push(`job ${name} needs ${need}, which is not a job`);
      else if (stageOf(other) > stageOf(job)) problems.push(`job ${name} needs ${need}, which runs in a later stage`);
    }
    const image =
      typeof job.image === 'string' ? job.image : isObject(job.image) && typeof job.image.name === 'string' ? job.image.name : String(root.image ?? '');
    for (const line of [...texts(job.before_script), ...texts(job.script)]) {
      for (const program of programs(line))
        if (toolsInImages.includes(program) && !image.includes(program)) problems.push(`job ${name} runs ${program} in ${image || 'the default image'}`);
      if (!bashParses(line)) problems.push(`job ${name}: bash -n refuses ${JSON.stringify(line)}`);
    }
  }
  pushAll(problems, cycles(needs));
  // `!reference [job, key]` must point at something the job has
  const original = parseAllDocuments(before);
  const originalRoot = (Array.isArray(original) ? original[0]?.toJS() : undefined) as Json;
  for (const pair of raw?.items ?? []) {
    if (!isMap(pair.value)) continue;
    for (const entry of pair.value.items) {
      if (!isSeq(entry.value) || entry.value.tag !== '!reference') continue;
      const [job, key] = entry.value.items.map((i) => (isScalar(i) ? String(i.value) : ''));
      const target = isObject(originalRoot) ? originalRoot[job ?? ''] : undefined;
      if (!isObject(target) || target[key ?? ''] === undefined) problems.push(`!reference [${job ?? ''}, ${key ?? ''}] points at nothing`);
    }
  }
  return problems;
}

function cycles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const state = new Map<string, 'visiting' | 'done'>();
  const found: string[] = [];
  const visit = (node: string, trail: string[]): void => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'visiting') {
      found.push(`needs cycle: ${[...trail, node].join(' → ')}`);
      return;
    }
    state.set(node, 'visiting');
    for (const next of graph.get(node) ?? []) visit(next, [...trail, node]);
    state.set(node, 'done');
  };
  for (const node of graph.keys()) visit(node, []);
  return found;
}

function githubProblems(root: { [key: string]: Json }): string[] {
  const problems: string[] = [];
  for (const [jobId, job] of Object.entries(isObject(root.jobs) ? root.jobs : {})) {
    const seen = new Set<string>();
    for (const step of isObject(job) && Array.isArray(job.steps) ? job.steps : []) {
      if (!isObject(step)) continue;
      for (const text of JSON.stringify(step).matchAll(/steps\.([\w-]+)\.outputs/g))
        if (!seen.has(text[1] ?? '')) problems.push(`job ${jobId}: steps.${text[1] ?? ''} is not an earlier step`);
      if (typeof step.id === 'string') {
        if (seen.has(step.id)) problems.push(`job ${jobId}: two steps have id ${step.id}`);
        seen.add(step.id);
      }
      if (typeof step.run === 'string' && !bashParses(step.run.replace(/\$\{\{[^}]*\}\}/g, 'X')))
        problems.push(`job ${jobId}: bash -n refuses ${JSON.stringify(step.run)}`);
    }
  }
  return problems;
}

function braceProblems(system: 'jenkins' | 'teamcity', before: string, after: string): string[] {
  const language = system === 'jenkins' ? 'groovy' : 'kotlin';
  const known: string[] = [];
  blockTree(tokenize(before, language), known);
  const diagnostics: string[] = [];
  blockTree(tokenize(after, language), diagnostics);
  const problems = diagnostics.filter((d) => !known.includes(d));
  const tokens = tokenize(after, language);
  tokens.forEach((token, k) => {
    if (token.kind !== 'string') return;
    const previous = tokens.slice(Math.max(0, k - 2), k);
    const script =
      system === 'jenkins'
        ? previous.some((t) => t.kind === 'ident' && t.text === 'sh')
        : previous.some((t) => t.kind === 'ident' && t.text === 'scriptContent');
    if (!script) return;
    const text = scriptText(token, system);
    if (!bashParses(text)) problems.push(`bash -n refuses ${JSON.stringify(text)}`);
  });
  if (system === 'teamcity') {
    const imports = [...after.matchAll(/^\s*import\s+([\w.*]+)/gm)].map((m) => m[1] ?? '');
    for (const kind of ['script', 'dockerCommand']) {
      if (new RegExp(`^\\s*${kind}\\s*\\{`, 'm').test(after) && !imports.some((i) => i.endsWith(`.buildSteps.${kind}`) || i.endsWith('.buildSteps.*')))
        problems.push(`no import for the ${kind} step`);
    }
  }
  return problems;
}

/** The shell text a string becomes: templates as a word; for TeamCity, parameters substituted. */
function scriptText(token: Extract<Token, { kind: 'string' }>, system: 'jenkins' | 'teamcity'): string {
  const text = token.parts.map((p) => (p.kind === 'text' ? p.text : 'X')).join('');
  return system === 'teamcity' ? text.replace(/%%|%[\w.-]+%/g, (m) => (m === '%%' ? '%' : 'X')) : text;
}
