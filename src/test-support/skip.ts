import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { TestOptions } from 'vitest';

declare module 'vitest' {
  interface TaskMeta {
    /** Why the test (or every test of the suite) was skipped: the tool or data it needs. */
    skipReason?: string;
  }
}

/**
 * Options for `describe(name, options, fn)` / `it(name, options, fn)`: skipped when any reason is
 * given (the first counts), with that reason kept in the task's meta for the test summary to list
 * (src/test-support/summary-reporter.ts); with none, it runs. The only way tests here skip.
 */
export function skipWhen(...reasons: (string | undefined)[]): TestOptions {
  const reason = reasons.find((candidate) => candidate !== undefined);
  return reason === undefined ? {} : { skip: true, meta: { skipReason: reason } };
}

/** Whether a command is on PATH. */
export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { stdio: 'ignore' }).status === 0;
}

/** Why a test that runs `command` cannot run here (undefined: it is on PATH). */
export function commandMissing(command: string, debianPackage = command): string | undefined {
  return hasCommand(command) ? undefined : `${command} is not installed (apt-get install ${debianPackage})`;
}

/** Why a test that reads `file` (`what` it is, as a reader would name it) cannot run here. */
export function fileMissing(file: string, what: string, debianPackage?: string): string | undefined {
  if (existsSync(file)) return undefined;
  return `${what} not found at ${file}${debianPackage === undefined ? '' : ` (apt-get install ${debianPackage})`}`;
}
