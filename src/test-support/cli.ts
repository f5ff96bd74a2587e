import { run } from '../cli/program.js';
import type { CliIo } from '../cli/io.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  /** Environment the command sees (nothing of the test process's leaks in). */
  env?: Record<string, string | undefined>;
  /** What `readStdin` returns (`--password-stdin`, `-` arguments). */
  stdin?: string;
  homedir?: string;
  /** The working directory the command sees (default: the test process's). */
  cwd?: string;
}

/** Runs the CLI in-process with captured output, as a user would run `shipshape <args>`. */
export async function runCli(args: string[], options: CliRunOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: options.env ?? {},
    readStdin: async () => options.stdin ?? '',
    homedir: options.homedir ?? '/nonexistent',
    cwd: options.cwd ?? process.cwd(),
  };
  return { code: await run(args, io), stdout, stderr };
}
