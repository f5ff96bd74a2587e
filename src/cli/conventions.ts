import { InvalidArgumentError, type Command, type Option } from 'commander';
import type { CliIo } from './io.js';
import { applyScanConfig } from './scan-config.js';

/**
 * The conventions every command follows, applied once over the whole tree when the program is
 * built, so that no command can forget one:
 * - every flag can come from the environment as `SHIPSHAPE_<FLAG>` (`--exit-code` ⇒
 *   `SHIPSHAPE_EXIT_CODE`, `--no-cache` ⇒ `SHIPSHAPE_NO_CACHE`); the command line wins;
 * - every command takes `--no-color`;
 * - `scan image` and `registry scan` take their settings from `shipshape.yaml`'s `scan:` too.
 */
export function applyConventions(program: Command, io: CliIo): void {
  for (const command of leaves(program)) {
    if (!command.options.some((option) => option.long === '--no-color')) command.option('--no-color', 'no colour, even on a terminal (also: NO_COLOR)');
    for (const option of command.options) {
      // a hidden option is an old spelling: its environment variable is the new one's
      if (!option.hidden && option.long) option.env(envVarOf(option));
    }
  }
  // precedence: flag > environment > config file (`scan:`) > default; commander reads `process.env`,
  // the CLI only `io.env` (tests give their own), so the values are set here
  program.hook('preAction', async (_program, command) => {
    dropForeignEnvironment(command, io.env);
    await applyScanConfig(command, io);
    applyEnvironment(command, io.env);
  });
}

/** `--exit-code` → `SHIPSHAPE_EXIT_CODE`. */
function envVarOf(option: Option): string {
  return `SHIPSHAPE_${(option.long ?? '').replace(/^--/, '').replaceAll('-', '_').toUpperCase()}`;
}

/** Every command that runs something (has no subcommands). */
export function leaves(command: Command): Command[] {
  return command.commands.length === 0 ? [command] : command.commands.flatMap(leaves);
}

/** Values a switch's variable may have to leave it off: `SHIPSHAPE_INSECURE=false` is not `--insecure`. */
const off = new Set(['', '0', 'false', 'no', 'off']);

/**
 * Undoes what commander took from `process.env` that `io.env` does not say (or says off): the CLI
 * reads its environment only through `io.env`.
 */
function dropForeignEnvironment(command: Command, env: CliIo['env']): void {
  for (const option of command.options) {
    if (option.envVar === undefined || command.getOptionValueSource(option.attributeName()) !== 'env') continue;
    const value = env[option.envVar];
    if (value === undefined || switchedOff(option, value)) {
      command.setOptionValueWithSource(option.attributeName(), option.negate ? (option.defaultValue ?? true) : option.defaultValue, 'default');
    }
  }
}

/**
 * Sets each option not given on the command line from its variable, parsed and checked as the
 * flag's value is (a bad value is a usage error naming the variable); its source is `env`.
 */
function applyEnvironment(command: Command, env: CliIo['env']): void {
  for (const option of command.options) {
    const value = option.envVar === undefined ? undefined : env[option.envVar];
    if (value === undefined || switchedOff(option, value)) continue;
    const key = option.attributeName();
    const source = command.getOptionValueSource(key);
    if (source !== undefined && !['default', 'config', 'env'].includes(source)) continue;
    command.setOptionValueWithSource(key, option.required || option.optional ? parsed(command, option, value) : !option.negate, 'env');
  }
}

/** A variable's value through the option's parser, as commander parses the flag's. */
function parsed(command: Command, option: Option, value: string): unknown {
  if (!option.parseArg) return option.variadic ? [value] : value;
  const key = option.attributeName();
  try {
    return option.parseArg(value, command.getOptionValueSource(key) === 'default' ? command.getOptionValue(key) : undefined);
  } catch (error) {
    if (!(error instanceof InvalidArgumentError)) throw error;
    return command.error(`environment variable '${option.envVar ?? ''}' with value '${value}' is invalid. ${error.message}`, {
      exitCode: error.exitCode,
      code: error.code,
    });
  }
}

function switchedOff(option: Option, value: string): boolean {
  return !(option.required || option.optional) && off.has(value.trim().toLowerCase());
}
