import { DockerfileParser, From, JSONInstruction, ModifiableInstruction, PropertyInstruction, Run, type Instruction } from 'dockerfile-ast';
import { maxDockerfileInheritedVariables } from '../../core/limits.js';
import { escapeRegExp } from '../../core/text.js';
import type { DockerInstruction, ParsedDockerfile, ParseProblem, Property, SourceRange, Stage } from './model.js';
import { substitute } from './substitute.js';

export interface ParseOptions {
  /** The Dockerfile path as the user gave it, copied into findings. */
  file: string;
  /** Whether a `.dockerignore` sits next to the Dockerfile. */
  hasDockerignore?: boolean | undefined;
  /** `--build-arg NAME=value`: overrides ARG defaults. */
  buildArgs?: Readonly<Record<string, string>> | undefined;
}

const knownKeywords = new Set([
  'ADD',
  'ARG',
  'CMD',
  'COPY',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'FROM',
  'HEALTHCHECK',
  'LABEL',
  'MAINTAINER',
  'ONBUILD',
  'RUN',
  'SHELL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
]);
// the shell expands variables in these itself at run time; BuildKit leaves them alone
const shellExpanded = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'HEALTHCHECK']);
const shells = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh']);

/**
 * Parses a Dockerfile (with `dockerfile-ast`) into the model rules read: stages, instructions with
 * flags and 1-based ranges, RUN shell text, ARG/ENV values with `$X`/`${X:-d}` substituted where
 * known. Structural problems (no FROM, unknown instruction…) are collected in `problems`.
 */
export function parseDockerfile(content: string, options: ParseOptions): ParsedDockerfile {
  const text = content.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const lines = text.split('\n');
  const ast = DockerfileParser.parse(text);
  const escape = ast.getEscapeCharacter();
  const buildArgs = options.buildArgs ?? {};
  const problems: ParseProblem[] = [];
  const instructions: DockerInstruction[] = [];
  const globalArgs: DockerInstruction[] = [];
  const stages: Stage[] = [];
  const globals = new Map<string, string | undefined>();
  const scope: StageScope = { byName: new Map(), inheritBudget: maxDockerfileInheritedVariables };
  let stage: Stage | undefined;

  for (const node of ast.getInstructions()) {
    const keyword = node.getKeyword();
    const range = rangeOf(node);
    if (!knownKeywords.has(keyword)) problems.push({ message: `unknown instruction \`${node.getInstruction()}\``, range });
    const vars = stage?.variables ?? globals;
    const instruction = build(node, keyword, range, shellExpanded.has(keyword) ? new Map() : vars, escape, lines, stage?.index ?? -1);
    instructions.push(instruction);

    if (keyword === 'FROM' && node instanceof From) {
      stage = newStage(node, instruction, stages, globals, escape, problems, scope);
      stages.push(stage);
      if (stage.name !== undefined && !scope.byName.has(stage.name)) scope.byName.set(stage.name, stage.index);
      continue;
    }
    if (!stage) {
      if (keyword === 'ARG') {
        globalArgs.push(instruction);
        declare(instruction, globals, globals, buildArgs, escape);
      } else if (knownKeywords.has(keyword)) {
        problems.push({ message: `\`${keyword}\` before the first FROM: only ARG may come before it`, range });
      }
      continue;
    }
    stage.instructions.push(instruction);
    if (keyword === 'ARG') declare(instruction, stage.variables, globals, buildArgs, escape);
    if (keyword === 'ENV') for (const p of instruction.properties) stage.variables.set(p.name, p.resolved);
  }
  if (stages.length === 0 && instructions.length > 0) problems.push({ message: 'no FROM instruction', range: instructions[0]?.range ?? startRange });
  if (instructions.length === 0) problems.push({ message: 'the Dockerfile holds no instructions', range: startRange });
  return { file: options.file, escape, instructions, globalArgs, stages, hasDockerignore: options.hasDockerignore ?? false, problems };
}

const startRange: SourceRange = { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 };

function rangeOf(node: { getRange(): { start: { line: number; character: number }; end: { line: number; character: number } } }): SourceRange {
  const { start, end } = node.getRange();
  return { startLine: start.line + 1, startColumn: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 };
}

function build(
  node: Instruction,
  keyword: string,
  range: SourceRange,
  vars: Map<string, string | undefined>,
  escape: string,
  lines: string[],
  stage: number,
): DockerInstruction {
  const rawArguments = node.getRawArgumentsContent() ?? '';
  const expand = (s: string): string => substitute(s, vars, escape);
  const flags =
    node instanceof ModifiableInstruction
      ? node.getFlags().map((f) => ({ name: f.getName().toLowerCase(), value: f.getValue() === null ? undefined : expand(f.getValue() ?? '') }))
      : [];
  const json = node instanceof JSONInstruction ? jsonForm(node, rawArguments, escape) : undefined;
  const properties: Property[] =
    node instanceof PropertyInstruction
      ? node
          .getProperties()
          .map((p) => ({ name: p.getName(), value: p.getValue() ?? undefined, resolved: p.getValue() === null ? undefined : expand(p.getValue() ?? '') }))
      : [];
  const heredocs = node instanceof Run || 'getHeredocs' in node ? heredocsOf(node, lines) : [];
  return {
    keyword,
    range,
    rawArguments,
    arguments: json ? json.map(expand) : node.getArguments().map((a) => expand(a.getValue())),
    flags,
    json,
    command: keyword === 'RUN' && !json ? runCommand(rawArguments, escape, heredocs) : undefined,
    heredocs: heredocs.map(({ name, content }) => ({ name, content })),
    properties,
    stage,
  };
}

/** The strings of an exec-form (JSON array) instruction; JSON.parse first, as dockerfile-ast drops spaces inside the strings. */
function jsonForm(node: JSONInstruction, raw: string, escape: string): string[] | undefined {
  const text = joinContinuations(raw, escape).trim();
  if (!text.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string')) return parsed as string[];
  } catch {
    // not valid JSON: BuildKit runs it in shell form, unless dockerfile-ast saw strings
  }
  const strings = node.getJSONStrings().map((s) => s.getJSONValue());
  return strings.length > 0 ? strings : undefined;
}

interface HeredocText {
  name: string;
  content: string;
}

function heredocsOf(node: Instruction, lines: string[]): HeredocText[] {
  const getter = (
    node as unknown as {
      getHeredocs?: () => { getName(): string; getContentRange(): { start: { line: number }; end: { line: number; character: number } } | null }[];
    }
  ).getHeredocs;
  if (typeof getter !== 'function') return [];
  return getter.call(node).map((h) => {
    const r = h.getContentRange();
    const content = r ? lines.slice(r.start.line, r.end.line + 1).join('\n') : '';
    return { name: h.getName(), content };
  });
}

/**
 * The shell text of a RUN: continuation lines joined, comment lines inside them dropped (as
 * BuildKit does), and heredoc bodies appended when they feed a shell (`RUN <<EOF`, `RUN bash <<EOF`).
 */
function runCommand(raw: string, escape: string, heredocs: HeredocText[]): string {
  // Each body and its delimiter line follow the line that opens the heredoc, in order: cut them
  // out in one walk forward (searching the whole text again per heredoc is quadratic).
  const kept: string[] = [];
  const bodies: string[] = [];
  let from = 0;
  for (const h of heredocs) {
    const marker = h.content ? raw.indexOf(`\n${h.content}`, from) : -1;
    if (marker >= 0) {
      kept.push(raw.slice(from, marker));
      from = marker + 1 + h.content.length;
    }
    const delimiter = new RegExp(`\\n[\\t ]*${escapeRegExp(h.name)}[\\t ]*(?=\\n|$)`, 'g');
    delimiter.lastIndex = from;
    const end = delimiter.exec(raw);
    if (end !== null) {
      kept.push(raw.slice(from, end.index));
      from = end.index + end[0].length;
    }
    bodies.push(h.content);
  }
  kept.push(raw.slice(from));
  const rest = kept.join('');
  const head = joinContinuations(rest, escape);
  if (heredocs.length === 0) return head;
  const stripped = head.replace(/\d?<<-?\s*(["']?)[A-Za-z0-9_.-]+\1/g, ' ').trim();
  const program = (stripped.split(/\s+/)[0] ?? '').replace(/^.*\//, '');
  const feedsShell = stripped === '' || shells.has(program);
  return feedsShell ? [stripped, ...bodies].filter((s) => s !== '').join('\n') : stripped;
}

function joinContinuations(raw: string, escape: string): string {
  const out: string[] = [];
  let continued = false;
  for (const line of raw.split('\n')) {
    if (continued && /^\s*#/.test(line)) continue;
    const trimmed = line.replace(/\s+$/, '');
    const continues = trimmed.endsWith(escape);
    const body = continues ? trimmed.slice(0, -escape.length) : line;
    if (continued && out.length > 0) out[out.length - 1] += ` ${body}`;
    else out.push(body);
    continued = continues;
  }
  return out.join('\n').trim();
}

function declare(
  instruction: DockerInstruction,
  into: Map<string, string | undefined>,
  globals: Map<string, string | undefined>,
  buildArgs: Readonly<Record<string, string>>,
  escape: string,
): void {
  for (const p of instruction.properties) {
    const given = Object.hasOwn(buildArgs, p.name) ? buildArgs[p.name] : undefined;
    // `ARG X` inside a stage takes the global ARG's value
    const value = given ?? (p.value !== undefined ? substitute(p.value, into, escape) : into === globals ? undefined : globals.get(p.name));
    p.resolved = value;
    into.set(p.name, value);
  }
}

/** What stage creation needs of the stages before: names (first wins), and what may still be copied. */
interface StageScope {
  byName: Map<string, number>;
  /** Variables stages may still copy from their parents (`maxDockerfileInheritedVariables`). */
  inheritBudget: number;
}

function newStage(
  node: From,
  instruction: DockerInstruction,
  stages: Stage[],
  globals: Map<string, string | undefined>,
  escape: string,
  problems: ParseProblem[],
  scope: StageScope,
): Stage {
  const written = node.getImage() ?? '';
  if (!written) problems.push({ message: 'FROM without an image', range: instruction.range });
  const image = substitute(written, globals, escape);
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const withTag = at >= 0 ? image.slice(0, at) : image;
  const colon = withTag.lastIndexOf(':');
  const tagged = colon > withTag.lastIndexOf('/');
  const imageName = tagged ? withTag.slice(0, colon) : withTag;
  const parentIndex = scope.byName.get(image.toLowerCase());
  const parent = parentIndex === undefined ? undefined : stages[parentIndex];
  let inherited = parent?.variables;
  if (inherited !== undefined && inherited.size > scope.inheritBudget) {
    // report once: past the budget no stage inherits
    if (scope.inheritBudget >= 0) {
      problems.push({
        message: `the stages inherit more than ${maxDockerfileInheritedVariables} ARG/ENV values from their parent stages (the maxDockerfileInheritedVariables limit): from this stage on, the values of parent stages are unknown`,
        range: instruction.range,
      });
    }
    scope.inheritBudget = -1;
    inherited = undefined;
  }
  if (inherited !== undefined) scope.inheritBudget -= inherited.size;
  const platform = node.getPlatformFlag()?.getValue() ?? undefined;
  return {
    index: stages.length,
    from: instruction,
    name: node.getBuildStage()?.toLowerCase() ?? undefined,
    image,
    imageName,
    tag: tagged ? withTag.slice(colon + 1) : undefined,
    digest,
    platform: platform === undefined ? undefined : substitute(platform, globals, escape),
    parent: parent?.index,
    unresolved: image.includes('$'),
    instructions: [],
    variables: new Map(inherited ?? []),
  };
}
