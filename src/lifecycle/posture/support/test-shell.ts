/**
 * For tests of proposed commands: the words a POSIX shell makes of a command line, found by running
 * `sh` with the words as positional parameters and printing them back. Nothing in the words is
 * evaluated by the test itself; a canary file shows whether the shell ran anything.
 */
import { spawnSync } from 'node:child_process';

/** The words `sh` makes of `command` (expansions done, nothing executed unless the quoting is wrong). */
export function shellWords(command: string, env: Record<string, string> = {}): string[] {
  const result = spawnSync('sh', ['-c', `set -- ${command}; for w in "$@"; do printf '%s\\0' "$w"; done`], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
  });
  if (result.status !== 0) throw new Error(`sh refused ${JSON.stringify(command)}: ${result.stderr}`);
  return result.stdout.split('\0').slice(0, -1);
}

/** Whether bash accepts `command` as a script (`bash -n`: parsed, not run). */
export function bashParses(command: string): boolean {
  return spawnSync('bash', ['-n', '-c', command]).status === 0;
}
