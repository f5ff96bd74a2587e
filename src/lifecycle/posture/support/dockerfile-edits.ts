/**
 * Edits of Dockerfiles for the build controls (B04, B08), placed from the Dockerfile as the
 * project's parser reads it and proven on its text before they are proposed: applied, the
 * Dockerfile still parses, the findings the edit is for are gone and no other finding is new. The
 * inserted text is ours (a numeric user, a fixed user name); nothing of the Dockerfile is quoted
 * into it.
 */
import path from 'node:path';
import type { InheritedConfig } from '../../../buildtime/dockerfile/image-config.js';
import { lintDockerfile } from '../../../buildtime/dockerfile/lint.js';
import type { DockerInstruction, ParsedDockerfile, Stage } from '../../../buildtime/dockerfile/model.js';
import { parseDockerfile } from '../../../buildtime/dockerfile/parse.js';
import { programOf, unwrap, type ShellCommand } from '../../../buildtime/dockerfile/shell.js';
import { finalChain, runCommands } from '../../../buildtime/dockerfile/stages.js';
import type { RuleFinding } from '../../../rules/rule.js';
import type { DockerfileInfo } from '../../estate-model.js';
import { applyEdits, EditError } from '../apply.js';
import type { ControlContext } from '../controls/control.js';
import type { FileEdit } from '../model.js';
import { findStored, parseImage } from './images.js';

/** A Dockerfile of the evidence with its text, split as `applyEdits` splits it and parsed as the reader parses it. */
export interface DockerfileText {
  info: DockerfileInfo;
  text: string;
  lines: string[];
  parsed: ParsedDockerfile;
  hasDockerignore: boolean;
  inherited: InheritedConfig | undefined;
}

/**
 * The text of a Dockerfile from the context, when it is at hand and is still the text the evidence
 * was read from (its FROM lines where the reader saw them). A bare carriage return, a line break
 * to the parser but not to the line editor, leaves it unread.
 */
export function dockerfileText(context: ControlContext, info: DockerfileInfo): DockerfileText | undefined {
  const cached = sources.get(info);
  if (cached !== undefined && cached.texts === context.dockerfileTexts) return cached.source;
  const source = readText(context, info);
  sources.set(info, { texts: context.dockerfileTexts, source });
  return source;
}

const sources = new WeakMap<DockerfileInfo, { texts: ControlContext['dockerfileTexts']; source: DockerfileText | undefined }>();

function readText(context: ControlContext, info: DockerfileInfo): DockerfileText | undefined {
  const text = context.dockerfileTexts?.get(info.file);
  if (text === undefined || /\r(?!\n)/.test(text)) return undefined;
  const hasDockerignore = !info.findings.some((f) => f.ruleId === 'SS-DF-021');
  let parsed: ParsedDockerfile;
  try {
    parsed = parseDockerfile(text, { file: info.file, hasDockerignore });
  } catch {
    // the reader could not parse it either (its finding says so): nothing to place an edit by
    return undefined;
  }
  const lines = parsed.stages.map((s) => s.from.range.startLine);
  if (lines.length !== info.froms.length || lines.some((line, i) => info.froms[i]?.line !== line)) return undefined;
  return { info, text, lines: text.split(/\r?\n/), parsed, hasDockerignore, inherited: inheritedOf(context, info) };
}

/** What the reader gave the Dockerfile from its estate parent (as inheritance.ts does), for linting it the same way. */
function inheritedOf(context: ControlContext, info: DockerfileInfo): InheritedConfig | undefined {
  const parentFile = info.config?.files[1];
  const parent = context.evidence.build.dockerfiles.find((d) => d.file === parentFile);
  const root = info.froms[info.finalChain.at(-1) ?? -1];
  return parent?.config === undefined || root === undefined ? undefined : { image: root.resolved, config: parent.config };
}

// each Dockerfile is linted once as it is, however many edits are proven on it
const linted = new WeakMap<DockerfileText, RuleFinding[]>();

const keyOf = (f: RuleFinding): string => `${f.ruleId} ${f.message.replace(/\bline \d+/g, 'line N')}`;

/**
 * Why the edits do not do what they must on the Dockerfile (undefined: they do): they apply, the
 * result parses into `added` more instructions, the `cleared` findings are gone and no finding is
 * new. `hasDockerignore` is the lint's view after the change (a `.dockerignore` it creates).
 */
export function proveEdits(
  source: DockerfileText,
  edits: readonly FileEdit[],
  cleared: readonly RuleFinding[],
  added: number,
  hasDockerignore = source.hasDockerignore,
): string | undefined {
  const { file } = source.info;
  let patched: string;
  try {
    patched = applyEdits(source.text, file, edits);
  } catch (error) {
    if (error instanceof EditError) return error.message;
    throw error;
  }
  const options = { file, inherited: source.inherited };
  const before = linted.get(source) ?? lintDockerfile(source.text, { ...options, hasDockerignore: source.hasDockerignore });
  linted.set(source, before);
  const after = lintDockerfile(patched, { ...options, hasDockerignore });
  let count: number;
  try {
    count = parseDockerfile(patched, { file }).instructions.length;
  } catch (error) {
    return `the patched Dockerfile does not parse: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (count !== source.parsed.instructions.length + added) return 'the patched Dockerfile does not read as the original with the new instructions';
  const left = new Map<string, number>();
  for (const f of before) left.set(keyOf(f), (left.get(keyOf(f)) ?? 0) + 1);
  for (const f of cleared) left.set(keyOf(f), (left.get(keyOf(f)) ?? 0) - 1);
  for (const f of after) {
    const count = left.get(keyOf(f)) ?? 0;
    if (count <= 0) return `the patched Dockerfile has ${f.ruleId} at line ${f.location.startLine ?? '?'}: ${f.message}`;
    left.set(keyOf(f), count - 1);
  }
  return undefined;
}

const instructionIndex = new WeakMap<ParsedDockerfile, Map<string, DockerInstruction>>();

/** The instruction a finding points at. */
export function instructionAt(source: DockerfileText, finding: RuleFinding, keyword: string): DockerInstruction | undefined {
  let index = instructionIndex.get(source.parsed);
  if (index === undefined) {
    index = new Map(source.parsed.instructions.map((i) => [`${i.keyword} ${i.range.startLine}`, i]));
    instructionIndex.set(source.parsed, index);
  }
  return index.get(`${keyword} ${finding.location.startLine ?? 0}`);
}

const runIndex = new WeakMap<DockerfileText, Map<DockerInstruction, ShellCommand[]>>();

/** The simple commands of a RUN, as the rules read them. */
export function commandsOf(source: DockerfileText, run: DockerInstruction): ShellCommand[] {
  let index = runIndex.get(source);
  if (index === undefined) {
    index = new Map(runCommands(source.parsed).map((r) => [r.run, r.commands]));
    runIndex.set(source, index);
  }
  return index.get(run) ?? [];
}

/**
 * The rest of the command a match starts, from `offset` on line `index`: up to the next `&&`, `||`,
 * `;` or `|`, or the end of a line not continued with the escape character.
 */
export function restOfCommand(lines: readonly string[], index: number, offset: number, last: number, escape: string): string {
  let rest = '';
  for (let i = index; i <= last; i++) {
    const line = i === index ? (lines[i] ?? '').slice(offset) : (lines[i] ?? '');
    const stop = /&&|\|\||[;|]/.exec(line);
    if (stop) return rest + line.slice(0, stop.index);
    rest += `${line} `;
    if (!line.trimEnd().endsWith(escape)) return rest;
  }
  return rest;
}

/** Instructions after which USER may go: they only describe the image. */
const metadata = new Set(['CMD', 'ENTRYPOINT', 'EXPOSE', 'HEALTHCHECK', 'LABEL', 'STOPSIGNAL']);

/**
 * The line to insert before so that the text lands before instruction `index` of the stage (its
 * comment lines directly above it kept with it), or after the stage's last instruction when `index`
 * is past the end.
 */
function lineBefore(source: DockerfileText, stage: Stage, index: number): number {
  const next = stage.instructions[index];
  const previous = stage.instructions[index - 1] ?? stage.from;
  if (next === undefined) return previous.range.endLine + 1;
  let line = next.range.startLine;
  while (line - 1 > previous.range.endLine && /^\s*#/.test(source.lines[line - 2] ?? '')) line--;
  return line;
}

/** A user the build creates with a fixed uid (and gid when known), or one it creates with none. */
type Created = { name: string | undefined; uid: string | undefined; gid: string | undefined };

const valued = new Set(['-b', '-c', '-d', '-e', '-f', '-g', '-G', '-h', '-k', '-K', '-p', '-P', '-R', '-s', '-u', '-Z']);
const longValued =
  /^--(base-dir|comment|home-dir|home|expiredate|inactive|gid|groups|ingroup|skel|key|password|root|prefix|shell|uid|gecos|selinux-user|firstuid|lastuid|conf)$/;
const isId = (value: string | undefined): value is string => value !== undefined && /^\d{1,10}$/.test(value);

/** The options and the name (last operand) of a useradd/adduser/groupadd/addgroup command. */
function accountCommand(words: readonly string[]): { options: Map<string, string>; name: string | undefined } {
  const options = new Map<string, string>();
  let name: string | undefined;
  for (let i = 1; i < words.length; i++) {
    const word = words[i] ?? '';
    const long = /^(--[\w-]+)=(.*)$/s.exec(word);
    if (long) options.set(long[1] ?? '', long[2] ?? '');
    else if (valued.has(word) || longValued.test(word)) options.set(word, words[++i] ?? '');
    else if (word.startsWith('-')) options.set(word, '');
    else name = word;
  }
  return { options, name };
}

/** The last user the RUNs of these stages create, as `USER` should name it. */
function createdUser(parsed: ParsedDockerfile, stages: readonly Stage[]): Created | undefined {
  const indexes = new Set(stages.map((s) => s.index));
  const groups = new Map<string, string>();
  let user: Created | undefined;
  for (const { run, commands } of runCommands(parsed)) {
    if (!indexes.has(run.stage)) continue;
    for (const command of commands) {
      const program = programOf(command);
      const { options, name } = accountCommand(unwrap(command));
      if (program === 'groupadd' || program === 'addgroup') {
        const gid = options.get('-g') ?? options.get('--gid');
        if (name !== undefined && isId(gid)) groups.set(name, gid);
      } else if (program === 'useradd' || program === 'adduser') {
        const uid = options.get('-u') ?? options.get('--uid');
        // busybox adduser: -g is the GECOS field, -G the group
        const group =
          program === 'useradd' ? (options.get('-g') ?? options.get('--gid')) : (options.get('-G') ?? options.get('--gid') ?? options.get('--ingroup'));
        const gid = isId(group) ? group : group === undefined ? undefined : groups.get(group);
        user = { name, uid: isId(uid) && uid !== '0' ? uid : undefined, gid };
      }
    }
  }
  return user;
}

/** The estate Dockerfiles whose images this one builds on, nearest first (its `config.files`), with their texts. */
function estateParents(context: ControlContext, info: DockerfileInfo): (DockerfileText | undefined)[] {
  return (info.config?.files.slice(1) ?? []).map((file) => {
    const parent = context.evidence.build.dockerfiles.find((d) => d.file === file);
    return parent === undefined ? undefined : dockerfileText(context, parent);
  });
}

/**
 * The Dockerfiles of the estate that build on the images this one builds (any stage, through the
 * map's `builds` and `based-on` edges, or the FROM chains the reader followed).
 */
function estateChildren(context: ControlContext, info: DockerfileInfo): string[] {
  const self = `dockerfile:${info.file}`;
  const built = new Set(context.map.edges.filter((e) => e.kind === 'builds' && e.from === self).map((e) => e.to));
  const children = new Set<string>();
  for (const edge of context.map.edges)
    if (edge.kind === 'based-on' && built.has(edge.to) && edge.from !== self && edge.from.startsWith('dockerfile:'))
      children.add(edge.from.slice('dockerfile:'.length));
  for (const other of context.evidence.build.dockerfiles)
    if (other.file !== info.file && other.config?.files.slice(1).includes(info.file)) children.add(other.file);
  return [...children].sort();
}

type BaseOs = 'debian' | 'alpine' | 'none' | undefined;

const debianTag = /(^|-)(slim|bookworm|bullseye|buster|trixie|jammy|noble|focal)(-|$)/;

/**
 * What the final image starts from, for creating a user in it: Debian/Ubuntu or Alpine (from the
 * estate Dockerfile that builds the parent, else a registry scan's OS of the parent, else its name);
 * `none` for scratch and distroless (nothing to run a command with); undefined when not known.
 */
function baseOsOf(context: ControlContext, info: DockerfileInfo, depth = 0): BaseOs {
  const root = info.froms[info.finalChain.at(-1) ?? -1];
  if (root === undefined || root.unknowns.length > 0) return undefined;
  if (root.resolved.toLowerCase() === 'scratch') return 'none';
  const parent = context.evidence.build.dockerfiles.find((d) => d.file === info.config?.files[1]);
  if (parent !== undefined && depth < 32) return baseOsOf(context, parent, depth + 1);
  const ref = parseImage(root.resolved);
  if (ref === undefined) return undefined;
  if (/(^|\/)distroless\/|chainguard/.test(`${ref.registry}/${ref.repository}`)) return 'none';
  const platforms = findStored(context.evidence.registries, ref.registry, ref.repository, ref.tag, ref.digest)?.image?.platforms ?? [];
  if (platforms.length > 0) {
    // a parent that runs as a user could not run the commands that create one
    if (platforms.some((p) => p.runsAsRoot === false)) return undefined;
    const ids = new Set(platforms.map((p) => p.os?.id));
    if (ids.size === 1 && (ids.has('debian') || ids.has('ubuntu'))) return 'debian';
    if (ids.size === 1 && ids.has('alpine')) return 'alpine';
    return undefined;
  }
  const name = ref.repository.split('/').at(-1) ?? '';
  // Docker's official images run as root; a variant tag names their distribution
  const official = ref.registry === 'docker.io' && ref.repository.startsWith('library/');
  if (name === 'alpine' || (official && /(^|-)alpine/.test(ref.tag ?? ''))) return 'alpine';
  if (name === 'debian' || name === 'ubuntu' || (official && debianTag.test(ref.tag ?? ''))) return 'debian';
  return undefined;
}

export const defaultUser = '10001:10001';

const createCommands: Record<'debian' | 'alpine', string> = {
  debian: 'RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-create-home app',
  alpine: 'RUN addgroup -S -g 10001 app && adduser -S -u 10001 -G app app',
};

/** A USER for the final stage, proven, or why it is left to be made by hand. */
type UserPlan =
  | { kind: 'patch'; edits: FileEdit[]; snippet: string; user: string; created: 'debian' | 'alpine' | undefined; line: number }
  | { kind: 'manual'; reason: string };

const plans = new WeakMap<DockerfileInfo, { texts: ControlContext['dockerfileTexts']; plan: UserPlan }>();

/**
 * How the final stage of a Dockerfile with SS-DF-003 comes to run as a non-root user: `USER` with a
 * numeric id after its last building instruction (before the CMD, ENTRYPOINT, EXPOSE… that end
 * it), the user the build already creates when it gives it a uid, else 10001:10001 — created first
 * with the distribution's idiom on a Debian/Ubuntu or Alpine base, numeric alone elsewhere (a
 * numeric USER needs no account). Left by hand: a Dockerfile other estate Dockerfiles build on
 * (their RUN steps would run as that user), ONBUILD triggers, a user created without a uid.
 */
export function nonRootUserPlan(context: ControlContext, info: DockerfileInfo): UserPlan {
  const cached = plans.get(info);
  if (cached !== undefined && cached.texts === context.dockerfileTexts) return cached.plan;
  const plan = planUser(context, info);
  plans.set(info, { texts: context.dockerfileTexts, plan });
  return plan;
}

function planUser(context: ControlContext, info: DockerfileInfo): UserPlan {
  const source = dockerfileText(context, info);
  if (source === undefined) return { kind: 'manual', reason: 'the Dockerfile as read is not at hand to place the edit' };
  const children = estateChildren(context, info);
  if (children.length > 0) {
    return {
      kind: 'manual',
      reason: `the image it builds is the parent of ${children.join(', ')}, whose RUN steps would run as that user: add the USER at its end and \`USER root\` before the steps of those that need root`,
    };
  }
  const stage = source.parsed.stages.at(-1);
  const finding = info.findings.find((f) => f.ruleId === 'SS-DF-003');
  if (stage === undefined || finding === undefined) return { kind: 'manual', reason: 'the reader finds no final stage running as root' };
  if (stage.instructions.some((i) => i.keyword === 'ONBUILD'))
    return { kind: 'manual', reason: 'its ONBUILD triggers would run as that user in the images built from it' };
  const chain = finalChain(source.parsed);
  const parents = estateParents(context, info);
  const created = [createdUser(source.parsed, chain), ...parents.map((p) => (p === undefined ? undefined : createdUser(p.parsed, finalChain(p.parsed))))].find(
    (u) => u !== undefined,
  );
  if (created !== undefined && created.uid === undefined) {
    return { kind: 'manual', reason: 'the build creates its user without a fixed uid: give it one (`--uid 10001`) and end the final stage with `USER 10001`' };
  }
  const user = created?.uid === undefined ? defaultUser : created.gid === undefined ? created.uid : `${created.uid}:${created.gid}`;
  const os = created === undefined && !parents.includes(undefined) ? baseOsOf(context, info) : undefined;
  // after the last building instruction: before the CMD, ENTRYPOINT, EXPOSE… that end the stage
  let end = stage.instructions.length;
  while (end > 0 && metadata.has(stage.instructions[end - 1]?.keyword ?? '')) end--;
  const userLine = lineBefore(source, stage, end);
  const attempts: { edits: FileEdit[]; created: 'debian' | 'alpine' | undefined; snippet: string }[] = [];
  if (os === 'debian' || os === 'alpine') {
    const at = createAt(stage, end);
    if (at !== undefined) {
      const create = createCommands[os];
      const line = lineBefore(source, stage, at);
      const edits: FileEdit[] =
        line === userLine
          ? [{ kind: 'insert', file: info.file, line, position: 'before', text: `${create}\nUSER ${user}` }]
          : [
              { kind: 'insert', file: info.file, line, position: 'before', text: create },
              { kind: 'insert', file: info.file, line: userLine, position: 'before', text: `USER ${user}` },
            ];
      attempts.push({ edits, created: os, snippet: `${create}\nUSER ${user}` });
    }
  }
  attempts.push({
    edits: [{ kind: 'insert', file: info.file, line: userLine, position: 'before', text: `USER ${user}` }],
    created: undefined,
    snippet: `USER ${user}`,
  });
  let problem = '';
  for (const attempt of attempts) {
    const why = proveEdits(source, attempt.edits, [finding], attempt.created === undefined ? 1 : 2);
    if (why === undefined) return { kind: 'patch', ...attempt, user, line: userLine };
    problem = why;
  }
  return { kind: 'manual', reason: problem };
}

/**
 * Where in the stage the RUN creating the user can go: while it still runs as root (after the
 * stage's last USER), and not next to a RUN with the same flags (SS-DF-035 would flag two RUNs in a
 * row); the latest such place up to `end`, where USER goes.
 */
function createAt(stage: Stage, end: number): number | undefined {
  const plainRun = (i: DockerInstruction | undefined): boolean => i?.keyword === 'RUN' && i.flags.length === 0;
  const lastUser = stage.instructions.slice(0, end).findLastIndex((i) => i.keyword === 'USER');
  for (let at = end; at > lastUser; at--) {
    if (plainRun(stage.instructions[at - 1])) continue;
    if (at < end && plainRun(stage.instructions[at])) continue;
    return at;
  }
  return undefined;
}

/** `dir/.dockerignore` next to a Dockerfile. */
export function dockerignoreNextTo(file: string): string {
  return path.posix.join(path.posix.dirname(file), '.dockerignore');
}
