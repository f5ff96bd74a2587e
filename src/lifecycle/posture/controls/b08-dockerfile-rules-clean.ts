import path from 'node:path';
import { isRemote, sourcesOf } from '../../../buildtime/dockerfile/copy-sources.js';
import type { DockerInstruction } from '../../../buildtime/dockerfile/model.js';
import { packageCommands, withFlag, type PackageCommand } from '../../../buildtime/dockerfile/packages.js';
import { dockerfileRule } from '../../../buildtime/dockerfile/registry.js';
import { runCommands } from '../../../buildtime/dockerfile/stages.js';
import { pushAll } from '../../../core/collections.js';
import { escapeRegExp } from '../../../core/text.js';
import type { RuleFinding } from '../../../rules/rule.js';
import type { DockerfileInfo } from '../../estate-model.js';
import type { FileEdit, ProposedChange } from '../model.js';
import {
  commandsOf,
  dockerfileText,
  dockerignoreNextTo,
  instructionAt,
  nonRootUserPlan,
  proveEdits,
  restOfCommand,
  type DockerfileText,
} from '../support/dockerfile-edits.js';
import { nodeId, onMap } from '../support/ids.js';
import { nonRootByRegistry } from '../support/images.js';
import type { Check, ControlContext, PostureControl } from './control.js';
import { at, change, check, outcomeOf, unknown } from './control.js';

/** SS-CTL-B08: no Dockerfile has a high or critical SS-DF finding. */
export const dockerfileRulesClean: PostureControl = {
  meta: {
    id: 'SS-CTL-B08',
    phase: 'build',
    title: 'Dockerfiles have no high or critical lint findings',
    objective:
      'Dockerfiles follow the build rules that matter for security (no piping remote scripts into a shell, no disabled verification, no root user, no secrets).',
    evaluation:
      'Per Dockerfile: no HIGH/CRITICAL SS-DF finding is met, a HIGH one is partial, a CRITICAL one is a gap. Findings of any severity with an exact edit (COPY for a local ADD, a .dockerignore, package-manager flags) are proposed as patches, met or not.',
    references: [
      { framework: 'NIST SP 800-190', id: '4.1.2', title: 'Image configuration defects' },
      { framework: 'CIS Docker Benchmark', id: '4.11', title: 'Ensure only verified packages are installed' },
    ],
    weight: 1,
  },
  evaluate(context) {
    const { dockerfiles } = context.evidence.build;
    if (dockerfiles.length === 0) return unknown('no Dockerfiles were read');
    const checks: Check[] = [];
    const changes: ProposedChange[] = [];
    for (const dockerfile of dockerfiles) {
      const nodes = onMap(context.map, [nodeId.dockerfile(dockerfile.file)]);
      // A user left to an unread base image is settled by the built image's config when a registry scan read it (as in B04).
      const settled =
        nonRootByRegistry(context.map, context.evidence.registries, dockerfile) === undefined
          ? []
          : dockerfile.findings.filter((f) => f.ruleId === 'SS-DF-003');
      const serious = dockerfile.findings.filter((f) => (f.severity === 'HIGH' || f.severity === 'CRITICAL') && !settled.includes(f));
      if (serious.length === 0) {
        const lower = `${dockerfile.findings.length - settled.length} lower${settled.length > 0 ? "; SS-DF-003 settled by the built image's config, read from the registry" : ''}`;
        checks.push(check('met', `${dockerfile.file}: no high or critical finding (${lower})`, dockerfile.file, nodes));
        continue;
      }
      const critical = serious.some((f) => f.severity === 'CRITICAL');
      const first = serious[0];
      const list = serious.map((f) => `${f.ruleId} ${f.title} (line ${f.location.startLine ?? '?'})`).join('; ');
      checks.push(
        check(
          critical ? 'gap' : 'partial',
          `${dockerfile.file}: ${list}`,
          at(dockerfile.file, first?.location.startLine),
          nodes,
          serious.map((f) => f.ruleId),
        ),
      );
      for (const finding of serious) changes.push(seriousChange(context, dockerfile, finding, nodes));
    }
    const patches = [...dockerfiles.flatMap((d) => ruleFixes(context, d)), ...dockerignores(context)];
    const outcome = outcomeOf(
      checks,
      [...changes, ...patches],
      { subject: 'Dockerfiles', met: 'are free of high and critical findings', notMet: 'have high or critical findings' },
      'no Dockerfiles were read',
    );
    // the exact edits are worth making whatever the status (`shipshape fix --rule SS-DF-004`)
    return outcome.status === 'met' ? { ...outcome, changes: patches } : outcome;
  },
};

/** A high or critical finding's change: by hand with the rule's remediation; SS-DF-003 is SS-CTL-B04's USER edit. */
function seriousChange(context: ControlContext, dockerfile: DockerfileInfo, finding: RuleFinding, nodes: string[]): ProposedChange {
  const place = at(dockerfile.file, finding.location.startLine);
  const fields = { file: dockerfile.file, line: finding.location.startLine, snippet: undefined, nodes };
  if (finding.ruleId === 'SS-DF-003' && nonRootUserPlan(context, dockerfile).kind === 'patch') {
    // one patch sets the USER: the SS-CTL-B04 change (also chosen by `--rule SS-DF-003`)
    return change(`${finding.ruleId} at ${place}: ${finding.message}. The SS-CTL-B04 change for this Dockerfile adds the USER.`, fields);
  }
  return {
    ...change(`${finding.ruleId} at ${place}: ${finding.message}. ${dockerfileRule(finding.ruleId)?.meta.remediation ?? ''}`.trim(), fields),
    rules: [finding.ruleId],
  };
}

/** A flag a package manager's install takes to leave no cache or extras behind, and the commands the rule flags without it. */
interface FlagFix {
  /** The command up to its subcommand, as written on one line (options between them included). */
  head: RegExp;
  flag: string;
  /** The rule's own test: the command lacks the flag. */
  lacks: (command: PackageCommand) => boolean;
  tools: string[];
  subcommand: string;
}

const flagFixes: Record<string, FlagFix> = {
  'SS-DF-007': {
    head: /(?<![\w.-])(?:apt-get|apt)((?:[ \t]+-\S+)*)[ \t]+install(?![\w-])/g,
    flag: '--no-install-recommends',
    lacks: (c) => !withFlag(c, ['--no-install-recommends']) && !c.words.some((w) => /^APT::Install-Recommends=(false|0)$/i.test(w)),
    tools: ['apt-get', 'apt'],
    subcommand: 'install',
  },
  'SS-DF-014': {
    head: /(?<![\w.-])apk((?:[ \t]+-\S+)*)[ \t]+add(?![\w-])/g,
    flag: '--no-cache',
    lacks: (c) => !withFlag(c, ['--no-cache']),
    tools: ['apk'],
    subcommand: 'add',
  },
  'SS-DF-028': {
    head: /(?<![\w.-])(?:python[0-9.]*[ \t]+-m[ \t]+pip|pip[0-9.]*)((?:[ \t]+-\S+)*)[ \t]+install(?![\w-])/g,
    flag: '--no-cache-dir',
    lacks: (c) => !withFlag(c, ['--no-cache-dir']),
    tools: ['pip'],
    subcommand: 'install',
  },
};

/**
 * The flag added after the subcommand of each command of the RUN that lacks it, one substitution a
 * line (the span from the first command to the last changed): only when the commands found in the
 * text are exactly those the rule reads.
 */
function flagEdits(source: DockerfileText, run: DockerInstruction, fix: FlagFix): FileEdit[] | undefined {
  const commands = commandsOf(source, run);
  const lacking = packageCommands(commands, fix.tools).filter((c) => c.subcommand === fix.subcommand && fix.lacks(c)).length;
  const edits: FileEdit[] = [];
  let found = 0;
  const flagged = new RegExp(`(^|\\s)${fix.flag}(=|\\s|$)`);
  for (let index = run.range.startLine - 1; index < run.range.endLine; index++) {
    const line = source.lines[index] ?? '';
    if (/^\s*#/.test(line)) continue;
    const inserts: number[] = [];
    let start = -1;
    for (const match of line.matchAll(fix.head)) {
      const end = (match.index ?? 0) + match[0].length;
      if (flagged.test(match[1] ?? '') || flagged.test(restOfCommand(source.lines, index, end, run.range.endLine - 1, source.parsed.escape))) continue;
      if (start < 0) start = match.index ?? 0;
      inserts.push(end);
    }
    if (inserts.length === 0) continue;
    found += inserts.length;
    const find = line.slice(start, inserts.at(-1));
    // a substitution replaces the first occurrence: the span must be it
    if (line.indexOf(find) !== start) return undefined;
    let replace = find;
    for (const end of inserts.reverse()) replace = `${replace.slice(0, end - start)} ${fix.flag}${replace.slice(end - start)}`;
    edits.push({ kind: 'substitute', file: source.info.file, line: index + 1, find, replace });
  }
  return found === lacking && found > 0 ? edits : undefined;
}

/** Flags only COPY shares with ADD; ADD's own (`--checksum`, `--keep-git-dir`, `--unpack`) mean the ADD is needed. */
const copyFlags = new Set(['chown', 'chmod', 'link', 'exclude']);
const compressed = /\.(tar|t?gz|tgz|bz2|tbz2?|xz|txz|zst|tzst|lz|lzma|z|zip)$/i;

/** COPY for an ADD whose every source is a local file or directory that is not an archive. */
function copyEdits(source: DockerfileText, add: DockerInstruction): FileEdit[] | undefined {
  const sources = sourcesOf(add);
  if (add.heredocs.length > 0 || sources.length === 0 || add.flags.some((f) => !copyFlags.has(f.name))) return undefined;
  if (sources.some((s) => isRemote(s) || compressed.test(s) || s.includes('$') || /^git@|\.git(#|$)/.test(s))) return undefined;
  const line = source.lines[add.range.startLine - 1] ?? '';
  const keyword = /^(\s*)(add)(?=\s|$)/i.exec(line);
  if (keyword === null) return undefined;
  const copy = keyword[2] === 'add' ? 'copy' : 'COPY';
  return [
    {
      kind: 'substitute',
      file: source.info.file,
      line: add.range.startLine,
      find: `${keyword[1] ?? ''}${keyword[2] ?? ''}`,
      replace: `${keyword[1] ?? ''}${copy}`,
    },
  ];
}

const fixTitles: Record<string, string> = {
  'SS-DF-004': 'COPY for ADD of local files (ADD would also unpack archives and fetch URLs)',
  'SS-DF-007': 'add --no-install-recommends to apt-get install',
  'SS-DF-014': 'add --no-cache to apk add',
  'SS-DF-028': 'add --no-cache-dir to pip install',
};

/** The exact, proven edits for a Dockerfile's findings, one change per rule. */
function ruleFixes(context: ControlContext, dockerfile: DockerfileInfo): ProposedChange[] {
  const source = dockerfileText(context, dockerfile);
  if (source === undefined) return [];
  const nodes = onMap(context.map, [nodeId.dockerfile(dockerfile.file)]);
  const changes: ProposedChange[] = [];
  // every rule's edits hold together with the others' (fix applies a file's edits at once)
  const all: FileEdit[] = [];
  const cleared: RuleFinding[] = [];
  for (const ruleId of Object.keys(fixTitles)) {
    const fix = flagFixes[ruleId];
    // one RUN's commands are fixed together: SS-DF-007 flags each of them at the RUN
    const byInstruction = new Map<DockerInstruction, RuleFinding[]>();
    for (const finding of dockerfile.findings.filter((f) => f.ruleId === ruleId)) {
      const instruction = instructionAt(source, finding, fix === undefined ? 'ADD' : 'RUN');
      if (instruction !== undefined) byInstruction.set(instruction, [...(byInstruction.get(instruction) ?? []), finding]);
    }
    const candidates = [...byInstruction].flatMap(([instruction, findings]) => {
      const found = fix === undefined ? copyEdits(source, instruction) : flagEdits(source, instruction, fix);
      return found === undefined ? [] : [{ findings, edits: found }];
    });
    const proven = (chosen: typeof candidates): boolean =>
      chosen.length > 0 && proveEdits(source, [...all, ...chosen.flatMap((c) => c.edits)], [...cleared, ...chosen.flatMap((c) => c.findings)], 0) === undefined;
    // all of the rule's edits at once; when they do not hold, those that hold alone (a few: each proof lints the file)
    let chosen = candidates;
    if (!proven(chosen)) {
      chosen = candidates.length > 8 ? [] : candidates.filter((c) => proven([c]));
      if (chosen.length < 2 ? chosen.length === 0 : !proven(chosen)) continue;
    }
    const fixed = chosen.flatMap((c) => c.findings);
    const edits = chosen.flatMap((c) => c.edits);
    pushAll(all, edits);
    pushAll(cleared, fixed);
    const lines = [...new Set(fixed.map((f) => f.location.startLine ?? 0))];
    const snippet = edits.map((e) => (e.kind === 'substitute' ? (source.lines[e.line - 1] ?? '').replace(e.find, () => e.replace) : '')).join('\n');
    changes.push({
      ...change(`${ruleId} at ${dockerfile.file}:${lines.join(', ')}: ${fixTitles[ruleId] ?? ''}`, {
        file: dockerfile.file,
        line: lines[0],
        snippet,
        edits,
        nodes,
      }),
      rules: [ruleId],
    });
  }
  return changes;
}

/** What a `.dockerignore` written for SS-DF-021 leaves out, by group; `root`: only at the top of the context. */
const ignoreGroups: { comment: string; entries: { pattern: string; root?: true }[]; installs?: true }[] = [
  {
    comment: 'version control',
    entries: [
      { pattern: '.git', root: true },
      { pattern: '.hg', root: true },
      { pattern: '.svn', root: true },
    ],
  },
  {
    comment: 'secrets: environment files, keys and certificates, credentials',
    entries: [
      '.env',
      '.env.*',
      '*.pem',
      '*.key',
      '*.p12',
      '*.pfx',
      'id_rsa',
      'id_ecdsa',
      'id_ed25519',
      '.netrc',
      '.git-credentials',
      '.aws',
      '.ssh',
      '.docker',
    ].map((name) => ({ pattern: `**/${name}` })),
  },
  { comment: 'dependencies the image installs itself', entries: [{ pattern: '**/node_modules' }], installs: true },
];

/** Whether a `.dockerignore` pattern of ours leaves out `source` (a path the Dockerfile copies by name) or a directory holding it. */
function leavesOut(pattern: string, root: boolean, source: string): boolean {
  const name = new RegExp(`^${escapeRegExp(pattern.replace(/^\*\*\//, '')).replace(/\\\*/g, '[^/]*')}$`);
  const segments = source.split('/').filter((s) => s !== '' && s !== '.');
  return (root ? segments.slice(0, 1) : segments).some((segment) => name.test(segment));
}

/** The sources COPY/ADD take from the build context by name (the whole context, other stages and URLs aside); undefined when one is a variable. */
function namedSources(source: DockerfileText): string[] | undefined {
  const named: string[] = [];
  for (const i of source.parsed.instructions) {
    if ((i.keyword !== 'COPY' && i.keyword !== 'ADD') || i.heredocs.length > 0 || i.flags.some((f) => f.name === 'from')) continue;
    for (const s of sourcesOf(i)) {
      if (s.includes('$')) return undefined;
      const normal = s.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
      if (!isRemote(s) && !['', '.', '*', '.*', './'].includes(normal)) named.push(normal);
    }
  }
  return named;
}

/** Whether a RUN installs the Node.js dependencies itself (then a local node_modules has no business in the context). */
function installsNodeModules(source: DockerfileText): boolean {
  return runCommands(source.parsed).some(({ commands }) =>
    packageCommands(commands, ['npm', 'pnpm', 'yarn']).some((c) => ['ci', 'install', 'i'].includes(c.subcommand) || (c.tool === 'yarn' && c.subcommand === '')),
  );
}

/** The build contexts the estate's pipelines build a Dockerfile with, `/`-separated below the source root. */
function buildContexts(context: ControlContext, files: ReadonlySet<string>): string[] {
  const join = (...parts: string[]): string => path.posix.normalize(path.posix.join(...parts));
  return context.evidence.build.pipelines.flatMap((pipeline) =>
    pipeline.steps.flatMap((step) => {
      if (step.kind !== 'build' || step.dockerfile.unknowns.length > 0 || step.context.unknowns.length > 0) return [];
      const named = [join(pipeline.repository, step.dockerfile.resolved), join(pipeline.repository, step.context.resolved, step.dockerfile.resolved)];
      return named.some((file) => files.has(file)) ? [join(pipeline.repository, step.context.resolved)] : [];
    }),
  );
}

/**
 * SS-DF-021: a `.dockerignore` created next to Dockerfiles that copy their whole context (one per
 * directory), when that directory is their build context; it leaves out nothing a Dockerfile there
 * copies by name, and node_modules only when the image installs its own.
 */
function dockerignores(context: ControlContext): ProposedChange[] {
  const byDirectory = new Map<string, DockerfileInfo[]>();
  for (const dockerfile of context.evidence.build.dockerfiles) {
    const dir = path.posix.dirname(dockerfile.file);
    byDirectory.set(dir, [...(byDirectory.get(dir) ?? []), dockerfile]);
  }
  const changes: ProposedChange[] = [];
  for (const [dir, members] of byDirectory) {
    const flagged = members.filter((d) => d.findings.some((f) => f.ruleId === 'SS-DF-021'));
    const sources = members.map((d) => dockerfileText(context, d));
    if (flagged.length === 0 || sources.some((s) => s === undefined)) continue;
    const texts = sources.filter((s): s is DockerfileText => s !== undefined);
    if (buildContexts(context, new Set(members.map((d) => d.file))).some((c) => c !== path.posix.normalize(dir))) continue;
    const named = texts.map(namedSources);
    if (named.some((n) => n === undefined)) continue;
    const copied = named.flatMap((n) => n ?? []);
    const installs = texts.some(installsNodeModules);
    const lines = [
      '# Written by shipshape fix (SS-DF-021): what `COPY . …` must not put in the image.',
      '# Does the build need one of these? Delete its line.',
    ];
    for (const group of ignoreGroups) {
      if (group.installs === true && !installs) continue;
      const kept = group.entries.filter((e) => !copied.some((s) => leavesOut(e.pattern, e.root === true, s)));
      if (kept.length > 0) pushAll(lines, [`# ${group.comment}`, ...kept.map((e) => e.pattern)]);
    }
    const file = dockerignoreNextTo(flagged[0]?.file ?? '');
    const edits: FileEdit[] = [{ kind: 'create', file, text: `${lines.join('\n')}\n` }];
    const proven = texts.every(
      (t) =>
        proveEdits(
          t,
          edits,
          t.info.findings.filter((f) => f.ruleId === 'SS-DF-021'),
          0,
          true,
        ) === undefined,
    );
    if (!proven) continue;
    const places = flagged.map(
      (d) =>
        `${d.file}:${d.findings
          .filter((f) => f.ruleId === 'SS-DF-021')
          .map((f) => f.location.startLine ?? '?')
          .join(', ')}`,
    );
    changes.push({
      ...change(
        `SS-DF-021 at ${places.join('; ')}: create ${file} so that \`COPY . …\` leaves version control, environment files, keys and credentials out of the image`,
        {
          file,
          line: undefined,
          snippet: edits[0]?.kind === 'create' ? edits[0].text : undefined,
          edits,
          nodes: onMap(
            context.map,
            flagged.map((d) => nodeId.dockerfile(d.file)),
          ),
        },
      ),
      rules: ['SS-DF-021'],
    });
  }
  return changes;
}
