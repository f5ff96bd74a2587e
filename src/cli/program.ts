import { Command, CommanderError } from 'commander';
import { isShipshapeError, messageOf } from '../core/errors.js';
import { imageInspectCommand } from './commands/image-inspect.js';
import { composeCommand } from './commands/compose.js';
import { hostCommand } from './commands/host.js';
import { dbCommand } from './commands/db.js';
import { dockerfileCommand } from './commands/dockerfile.js';
import { k8sCommand } from './commands/k8s.js';
import { mapCommand, traceCommand } from './commands/map.js';
import { historyCommand, registryCommand } from './commands/registry.js';
import { postureCommand } from './commands/posture.js';
import { fixCommand } from './commands/fix.js';
import { demoCommand } from './commands/demo.js';
import { sbomCommand } from './commands/sbom.js';
import { scanCommand } from './commands/scan.js';
import { versionCommand } from './commands/version.js';
import { runCommand, serveCommand, tokenCommand, workerCommand } from './commands/serve.js';
import { escapeControls } from '../core/format.js';
import { ExitCode, type CliIo } from './io.js';
import { guardIo } from './terminal.js';
import { applyConventions } from './conventions.js';
import { version } from './version.js';

/**
 * The whole command tree. `done` receives the exit code a command's action decides on. Exported so
 * a contract test can walk every command and option.
 */
export function createProgram(io: CliIo, done: (code: number) => void): Command {
  const program = new Command('shipshape')
    .description('Container security posture across the lifecycle: build, distribute, run.')
    .version(version, '-v, --version')
    // options of the program only before the command: `k8s check --version v1.29` is the policy version
    .enablePositionalOptions();
  program.addCommand(new Command('image').description('read container images').addCommand(imageInspectCommand(io, done)));
  program.addCommand(sbomCommand(io, done));
  program.addCommand(scanCommand(io, done));
  program.addCommand(dbCommand(io, done));
  program.addCommand(dockerfileCommand(io, done));
  program.addCommand(k8sCommand(io, done));
  program.addCommand(composeCommand(io, done));
  program.addCommand(hostCommand(io, done));
  program.addCommand(registryCommand(io, done));
  program.addCommand(historyCommand(io, done));
  program.addCommand(postureCommand(io, done));
  program.addCommand(fixCommand(io, done));
  program.addCommand(mapCommand(io, done));
  program.addCommand(traceCommand(io, done));
  program.addCommand(demoCommand(io, done));
  program.addCommand(serveCommand(io, done));
  program.addCommand(workerCommand(io, done));
  program.addCommand(tokenCommand(io, done));
  program.addCommand(runCommand(io, done));
  program.addCommand(versionCommand(io, done));
  applyConventions(program, io);
  configureOutput(program, io);
  return program;
}

/**
 * Runs the CLI with the given arguments (without `node` and the script) and returns the exit code.
 * Errors are printed as one clear message (with a hint when there is one), never a stack trace,
 * unless SHIPSHAPE_DEBUG is set.
 */
export async function run(argv: readonly string[], given: CliIo): Promise<number> {
  // nothing from the input reaches the terminal raw, whichever path it takes
  const io = guardIo(given);
  let exitCode: number = ExitCode.ok;
  const program = createProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

/**
 * Commander's own errors (unknown option, missing argument, invalid choice or value) look like ours:
 * `shipshape: error: …` and a hint, control characters of the input escaped; they exit 2 (reportError).
 */
function configureOutput(command: Command, io: CliIo): void {
  command
    .exitOverride()
    .showHelpAfterError('  hint: run with --help for usage')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`shipshape: ${text.startsWith('error: ') ? '' : 'error: '}${shown(text)}\n`),
    });
  for (const sub of command.commands) configureOutput(sub, io);
}

/**
 * A message as stderr shows it: control characters escaped, and every line after the first indented,
 * so a line break in a name the message quotes cannot start a line that looks like one of ours.
 */
function shown(message: string): string {
  return escapeControls(message.replace(/\n+$/, ''), { keepNewlines: true }).replaceAll('\n', '\n  ');
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // help and version "errors" are successes; commander has already printed its message
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' ? ExitCode.ok : ExitCode.error;
  }
  const debug = Boolean(io.env.SHIPSHAPE_DEBUG);
  if (isShipshapeError(error)) {
    io.stderr.write(`shipshape: error: ${shown(error.message)}\n`);
    if (error.hint) io.stderr.write(`  hint: ${shown(error.hint)}\n`);
    if (debug && error.cause) io.stderr.write(`  cause: ${messageOf(error.cause)}\n`);
  } else {
    io.stderr.write(`shipshape: internal error: ${shown(messageOf(error))}\n  (this is a bug; set SHIPSHAPE_DEBUG=1 for details and report it)\n`);
  }
  if (debug && error instanceof Error) io.stderr.write(`${error.stack ?? ''}\n`);
  return ExitCode.error;
}
