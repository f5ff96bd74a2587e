import type { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { runCli } from '../test-support/cli.js';
import { durationMs, numericFlagParsers, parseDuration, parseExitCode, parseIndex, parsePositiveInt, parseScore, parseSize } from './flags.js';
import type { CliIo } from './io.js';
import { createProgram } from './program.js';

const io: CliIo = {
  stdout: { write: () => true },
  stderr: { write: () => true },
  env: {},
  readStdin: async () => '',
  homedir: '/nonexistent',
  cwd: '/nonexistent',
};

/** Every command of the program with its path of names (`['scan', 'image']`), depth first. */
function commands(command: Command, names: string[] = []): { names: string[]; command: Command }[] {
  return [{ names, command }, ...command.commands.flatMap((sub) => commands(sub, [...names, sub.name()]))];
}

/** Placeholders that say "a number": an option written with one of them must have a numeric parser. */
const numericPlaceholders = new Set(['n', 'score', 'days', 'duration', 'size', 'id', 'count', 'seconds', 'bytes', 'port']);

function isNumeric(option: Option): boolean {
  const placeholder = /<([\w-]+)(?:\.\.\.)?>/.exec(option.flags)?.[1];
  return (placeholder !== undefined && numericPlaceholders.has(placeholder)) || typeof option.defaultValue === 'number' || option.long === '--exit-code';
}

const numericOptions = commands(createProgram(io, () => undefined)).flatMap(({ names, command }) =>
  command.options.filter(isNumeric).map((option) => ({ names, option })),
);

describe('numeric flags', () => {
  it('every numeric option of every command goes through one of the validators, --exit-code through parseExitCode', () => {
    expect(numericOptions.map(({ names, option }) => `${names.join(' ')} ${option.long ?? ''}`)).toEqual(
      expect.arrayContaining([
        'posture --exit-code',
        'posture --fail-under',
        'scan image --max-db-age',
        'scan image --parallel',
        'registry scan --max-image-age',
        'image inspect --layer',
      ]),
    );
    for (const { names, option } of numericOptions) {
      const where = `${names.join(' ')} ${option.flags}`;
      expect(numericFlagParsers.has(option.parseArg as (text: string) => unknown), where).toBe(true);
      if (option.long === '--exit-code') expect(option.parseArg, where).toBe(parseExitCode);
    }
  });

  it.each(numericOptions.map(({ names, option }) => [`${names.join(' ')} ${option.long ?? ''}`, names, option] as const))(
    '%s rejects a value that is not a number before the command runs: exit 2, one line naming the option',
    async (_, names, option) => {
      const { code, stdout, stderr } = await runCli([...names, option.long ?? '', 'abc']);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(
        new RegExp(`^shipshape: error: option '${option.flags.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}' argument 'abc' is invalid\\. Expected `),
      );
      expect(stderr).not.toMatch(/\n\s+at /);
    },
  );

  it('exit codes are whole numbers from 0 to 255, written in digits', () => {
    expect([parseExitCode('0'), parseExitCode('1'), parseExitCode('255')]).toEqual([0, 1, 255]);
    for (const bad of ['abc', '256', '300', '-1', '1.5', '', ' 1', '0x10', '1e2']) expect(() => parseExitCode(bad), bad).toThrow(/from 0 to 255/);
  });

  it('counts, positions, scores, durations and sizes refuse what Number() would quietly accept', () => {
    expect([parsePositiveInt('3'), parseIndex('0'), parseScore('72.5'), parseSize('512MiB'), parseSize('8 GB')]).toEqual([3, 0, 72.5, 512 * 1024 ** 2, 8e9]);
    expect([parseDuration('7d'), durationMs('90m'), durationMs('1.5h')]).toEqual(['7d', 5_400_000, 5_400_000]);
    for (const bad of ['0', '-2', '', '1e3', '0x10', '2.0', '9007199254740993']) expect(() => parsePositiveInt(bad), bad).toThrow(/at least 1/);
    for (const bad of ['-1', 'one', '']) expect(() => parseIndex(bad), bad).toThrow(/at least 0/);
    for (const bad of ['101', '-1', '', 'abc', '1e1']) expect(() => parseScore(bad), bad).toThrow(/from 0 to 100/);
    for (const bad of ['7', '7x', '', 'd', '-1d', `${'9'.repeat(400)}d`]) expect(() => parseDuration(bad), bad).toThrow(/s, m, h, d or w/);
    for (const bad of ['0', 'lots', '', '0.1', `${'9'.repeat(400)}`]) expect(() => parseSize(bad), bad).toThrow(/Expected a size/);
  });

  it('a bad value of a gate stops the command before it prints any result', async () => {
    const dockerfile = new URL('../../examples/estate/repos/payments-api/Dockerfile', import.meta.url).pathname;
    for (const value of ['abc', '300', '-1']) {
      const { code, stdout, stderr } = await runCli(['dockerfile', 'lint', dockerfile, '--exit-code', value]);
      expect([code, stdout], value).toEqual([2, '']);
      expect(stderr).toContain("shipshape: error: option '--exit-code <n>' argument");
    }
    expect((await runCli(['dockerfile', 'lint', dockerfile, '--exit-code', '7'])).code).toBe(7);
  });
});
