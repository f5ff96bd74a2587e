#!/usr/bin/env node
import { homedir } from 'node:os';
import { run } from './program.js';
import { readBoundedText } from './stdin.js';

// The only file that touches the real process: everything below takes a CliIo.
// A reader that stops early (`| head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
const exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  readStdin: () => readBoundedText(process.stdin),
  homedir: homedir(),
  cwd: process.cwd(),
});
process.exitCode = exitCode;
