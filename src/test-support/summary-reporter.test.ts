import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const vitestBin = path.resolve(here, '../../node_modules/vitest/vitest.mjs');

interface Run {
  code: number | null;
  stdout: string;
}

/** Runs vitest on `files` in a temp dir with the summary reporter alone (tests use vitest's globals). */
async function runVitest(dir: string, name: string, files: Record<string, string>, args: string[] = []): Promise<Run> {
  const root = path.join(dir, name);
  await mkdir(root);
  const config = [
    `import { SummaryReporter } from ${JSON.stringify(path.join(here, 'summary-reporter.ts'))};`,
    `export default { test: { include: ['*.test.ts'], globals: true, reporters: [new SummaryReporter()] } };`,
  ].join('\n');
  await writeFile(path.join(root, 'vitest.config.mjs'), config);
  for (const [file, text] of Object.entries(files)) await writeFile(path.join(root, file), text);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [vitestBin, 'run', '--root', root, ...args],
      { cwd: root, env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 },
      (error, stdout) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout });
      },
    );
  });
}

const skip = JSON.stringify(path.join(here, 'skip.ts'));

describe('the test summary at the end of a vitest run', () => {
  let dir: string;
  let mixed: Run;
  let unexplained: Run;
  let clean: Run;
  let filtered: Run;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shipshape-summary-'));
    [mixed, unexplained, clean, filtered] = await Promise.all([
      runVitest(dir, 'mixed', {
        'a.test.ts': [
          `import { skipWhen } from ${skip};`,
          `describe('tools', skipWhen(undefined, 'frobnicate is not installed'), () => { it('one', () => {}); it('two', () => {}); });`,
          `it('passes', () => { expect(1).toBe(1); });`,
          `it('fails', () => { expect(1).toBe(2); });`,
          `it('skips at run time', (ctx) => { ctx.skip('no network here'); });`,
        ].join('\n'),
        'b.test.ts': `throw new Error('cannot load');\n`,
        'c.test.ts': `describe('hooks', () => { beforeAll(() => { throw new Error('setup broke'); }); it('x', () => {}); it('y', () => {}); });\n`,
      }),
      runVitest(dir, 'unexplained', { 'a.test.ts': `it('passes', () => {});\nit.skip('quietly', () => {});\n` }),
      runVitest(dir, 'clean', {
        'a.test.ts': `import { skipWhen } from ${skip};\nit('passes', () => {});\nit('needs a tool', skipWhen('frobnicate is not installed'), () => {});\n`,
      }),
      runVitest(
        dir,
        'filtered',
        {
          'a.test.ts': `it('keep me', () => {});\nit('drop me', () => {});\n`,
          'b.test.ts': `it.only('keep only', () => {});\nit('left out by only', () => {});\n`,
        },
        ['-t', 'keep', '--allowOnly'],
      ),
    ]);
  }, 120_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('ends a failed run with the closing line too, counting failures outside tests, and fails it', () => {
    const lines = mixed.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('tests: 1 passed, 4 failed, 3 skipped');
    expect(mixed.code).toBe(1);
    expect(lines).toContain('failed outside a test: b.test.ts: cannot load');
    expect(lines).toContain('failed outside a test: c.test.ts › hooks: setup broke');
  });

  it('lists every skipped group or test under its reason: skipWhen and ctx.skip(note) alike', () => {
    const lines = mixed.stdout.split('\n');
    const start = lines.indexOf('skipped (3), by reason:');
    expect(start).toBeGreaterThanOrEqual(0);
    expect(lines.slice(start, start + 5)).toEqual([
      'skipped (3), by reason:',
      '  frobnicate is not installed',
      '    a.test.ts › tools (2 tests)',
      '  no network here',
      '    a.test.ts › skips at run time',
    ]);
  });

  it('fails a run whose only fault is a skip without a reason, and names it', () => {
    const lines = unexplained.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('tests: 1 passed, 0 failed, 1 skipped');
    expect(lines).toContain('    a.test.ts › quietly');
    expect(lines.some((line) => line.includes('NO REASON GIVEN'))).toBe(true);
    expect(unexplained.code).toBe(1);
  });

  it('passes a run whose skips all say why', () => {
    expect(clean.stdout.trimEnd().split('\n').slice(-4)).toEqual([
      'skipped (1), by reason:',
      '  frobnicate is not installed',
      '    a.test.ts › needs a tool',
      'tests: 1 passed, 0 failed, 1 skipped',
    ]);
    expect(clean.code).toBe(0);
  });

  it('does not count the tests a run leaves out with -t or .only as skipped, nor fail for them', () => {
    expect(filtered.stdout.trimEnd().split('\n').slice(-2)).toEqual([
      "not selected by the run's filters (-t, file:line, .only): 2",
      'tests: 2 passed, 0 failed, 0 skipped',
    ]);
    expect(filtered.code).toBe(0);
  });
});
