import { ownEntry } from '../../core/records.js';
import { hasFlag, programOf, unwrap, type ShellCommand } from './shell.js';

/** A package-manager invocation found in a RUN: which tool, its subcommand, its options and package arguments. */
export interface PackageCommand {
  tool: string;
  subcommand: string;
  words: ShellCommand;
  /** Non-option words after the subcommand. */
  packages: string[];
}

// options of these tools that take a separate value word, so the value is not read as a package
const valued: Record<string, Set<string>> = {
  'apt-get': new Set(['-o', '-c', '-t', '--target-release', '--option', '--config-file']),
  apt: new Set(['-o', '-c', '-t', '--target-release', '--option']),
  apk: new Set(['-X', '--repository', '-t', '--virtual', '-p', '--root', '--arch', '--cache-dir', '--keys-dir', '--repositories-file']),
  yum: new Set(['-c', '--config', '--installroot', '--enablerepo', '--disablerepo', '--releasever', '-x', '--exclude', '--setopt']),
  dnf: new Set(['-c', '--config', '--installroot', '--enablerepo', '--disablerepo', '--releasever', '-x', '--exclude', '--setopt', '--repo']),
  microdnf: new Set(['--enablerepo', '--disablerepo', '--setopt']),
  pip: new Set([
    '-r',
    '--requirement',
    '-c',
    '--constraint',
    '-i',
    '--index-url',
    '--extra-index-url',
    '-f',
    '--find-links',
    '-t',
    '--target',
    '--prefix',
    '--root',
    '--trusted-host',
    '-e',
    '--editable',
    '--platform',
    '--python-version',
  ]),
  npm: new Set(['--prefix', '--registry', '-w', '--workspace', '--cache']),
};

/** The tool's invocations in the commands: `apt-get install …` → { tool: 'apt-get', subcommand: 'install', … }. */
export function packageCommands(commands: readonly ShellCommand[], tools: readonly string[]): PackageCommand[] {
  const found: PackageCommand[] = [];
  for (const command of commands) {
    const words = unwrap(command);
    let tool = programOf(words);
    let rest = words.slice(1);
    // `python3 -m pip install`
    if (/^python[0-9.]*$/.test(tool) && rest[0] === '-m') {
      tool = rest[1] ?? '';
      rest = rest.slice(2);
    }
    if (/^pip[0-9.]*$/.test(tool)) tool = 'pip';
    if (!tools.includes(tool)) continue;
    const takesValue = ownEntry(valued, tool) ?? new Set<string>();
    let subcommand = '';
    const packages: string[] = [];
    for (let i = 0; i < rest.length; i++) {
      const w = rest[i] ?? '';
      if (w.startsWith('-')) {
        if (takesValue.has(w)) i++;
        continue;
      }
      if (!subcommand) subcommand = w;
      else packages.push(w);
    }
    found.push({ tool, subcommand, words, packages });
  }
  return found;
}

/** Whether the words include a long option or short letter (see shell.hasFlag). */
export function withFlag(command: PackageCommand, long: readonly string[], short: readonly string[] = []): boolean {
  return hasFlag(command.words.slice(1), long, short);
}
