/** Standard output or standard error. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
  /** Below the terminal guard (`terminal.ts`), the stream itself: only a progress line's redraw writes to it. */
  unguarded?: OutputStream | undefined;
}

/** Everything the CLI touches of its process, so commands can be run and tested in-process. */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Record<string, string | undefined>;
  /** Reads all of standard input (for `--password-stdin`, `-` arguments). */
  readStdin(): Promise<string>;
  homedir: string;
  /** The working directory: where `shipshape.yaml` and `.shipshapeignore` are looked for. */
  cwd: string;
}

/** Exit codes (the README's "Exit codes" table): 0 success; 1 `posture --fail-under` missed without `--exit-code`; 2 a usage or input error, or an input not read (fail closed). `--exit-code N` makes N the code of findings. */
export const ExitCode = { ok: 0, findings: 1, error: 2 } as const;
