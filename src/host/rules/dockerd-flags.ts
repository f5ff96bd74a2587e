import { dropInOrder } from './drop-ins.js';
import type { HostConfigFile } from './rule.js';
import type { UnitDirective } from './systemd.js';
import { assignmentsOf, directivesOf, effectiveList, expandCommandLine, splitWords } from './systemd.js';

/** Where a setting was written: a file and, where known, its line. */
export interface SettingSource {
  path: string;
  line?: number | undefined;
}

/** A dockerd flag from the unit's command line: `--icc=false` is `{ name: 'icc', value: 'false' }`, a bare `--live-restore` has no value. */
export interface DockerdFlag {
  name: string;
  value: string | undefined;
  /** As written (`--icc=false`, `-H tcp://0.0.0.0:2375`), for messages. */
  written: string;
  from: SettingSource;
}

/** Flags that take their value from the next word (of those the rules read; others' values are skipped as arguments). */
const valueFlags = new Set(['H', 'host', 'insecure-registry', 'userns-remap', 'tlscacert', 'tlscert', 'tlskey', 'config-file', 'l', 'log-level']);

/** The docker.service unit and its drop-ins, with their parsed directives, in the order systemd applies them. */
export function unitFiles(all: readonly HostConfigFile[], kind: 'docker-unit' | 'docker-socket-unit'): { path: string; directives: UnitDirective[] }[] {
  return dropInOrder(all.filter((file) => file.kind === kind)).map((file) => ({ path: file.path, directives: directivesOf(file.parsed) }));
}

/** The environment dockerd starts with: `Environment=` directives, then the `EnvironmentFile=`s we have (theirs win, as in systemd). */
export function dockerdEnvironment(all: readonly HostConfigFile[]): Map<string, { value: string; from: SettingSource }> {
  const units = unitFiles(all, 'docker-unit');
  const environment = new Map<string, { value: string; from: SettingSource }>();
  for (const directive of effectiveList(units, 'Service', 'Environment')) {
    for (const { word } of splitWords(directive.value)) {
      const equals = word.indexOf('=');
      if (equals > 0) environment.set(word.slice(0, equals), { value: word.slice(equals + 1), from: { path: directive.path, line: directive.line } });
    }
  }
  for (const path of environmentFilePaths(all)) {
    const file = all.find((candidate) => candidate.kind === 'docker-env' && candidate.path === path);
    for (const assignment of assignmentsOf(file?.parsed)) {
      environment.set(assignment.name, { value: assignment.value, from: { path, line: assignment.line } });
    }
  }
  return environment;
}

/** The host paths the unit's `EnvironmentFile=` directives name (a leading `-` only says a missing file is fine). */
export function environmentFilePaths(all: readonly HostConfigFile[]): string[] {
  return effectiveList(unitFiles(all, 'docker-unit'), 'Service', 'EnvironmentFile').map((directive) => directive.value.replace(/^-/, ''));
}

/**
 * The flags of the effective `ExecStart=` of docker.service (its last, as Type=notify allows one),
 * environment expanded; undefined when no unit starts dockerd.
 */
export function dockerdFlags(all: readonly HostConfigFile[]): DockerdFlag[] | undefined {
  const execStart = effectiveList(unitFiles(all, 'docker-unit'), 'Service', 'ExecStart').at(-1);
  if (execStart === undefined) return undefined;
  const words = expandCommandLine<SettingSource>(execStart.value, { path: execStart.path, line: execStart.line }, dockerdEnvironment(all));
  // `-`, `@`, `+`, `!`, `:` prefixes of the program name only change how systemd runs it
  return parseFlags(words.slice(1));
}

/** pflag-style flags: `--name=value`, `--name value` (value flags), `--name` (booleans), `-H value`, `-Hvalue`, `-H=value`; `--` ends them. */
function parseFlags(words: readonly { word: string; from: SettingSource }[]): DockerdFlag[] {
  const flags: DockerdFlag[] = [];
  for (let i = 0; i < words.length; i++) {
    const { word, from } = words[i] as { word: string; from: SettingSource };
    if (word === '--') break;
    const long = /^--([^=]+)(?:=(.*))?$/.exec(word);
    const short = long ? undefined : /^-([A-Za-z])=?(.*)$/.exec(word);
    const name = long?.[1] ?? short?.[1];
    if (name === undefined) continue; // an argument, or the value of a flag the rules do not read
    let value = long ? long[2] : short?.[2] === '' ? undefined : short?.[2];
    let written = word;
    if (value === undefined && valueFlags.has(name) && i + 1 < words.length) {
      value = words[++i]?.word;
      written = `${word} ${value}`;
    }
    flags.push({ name, value, written, from });
  }
  return flags;
}
