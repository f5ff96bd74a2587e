import { describe, expect, it } from 'vitest';
import { summarize, type TestRecord } from './summary.js';

const record = (project: string, outcome: TestRecord['outcome'], reason?: string): TestRecord => ({
  project,
  file: 'src/x.test.ts',
  names: ['suite', `${outcome} ${reason ?? ''}`.trim()],
  outcome,
  ...(outcome === 'skipped' ? { reason, skippedAt: 2 } : {}),
});

describe('summarize', () => {
  it('gives a line per project when there are several, then the totals of all', () => {
    const records = [record('main', 'passed'), record('main', 'skipped', 'no tool'), record('without-shared', 'passed'), record('without-shared', 'failed')];
    const { lines, ok } = summarize(records, [], ['main', 'without-shared']);
    expect(lines.slice(-3)).toEqual([
      'main: 1 passed, 0 failed, 1 skipped',
      'without-shared: 1 passed, 1 failed, 0 skipped',
      'tests: 2 passed, 1 failed, 1 skipped',
    ]);
    expect(lines).toContain('    [main] src/x.test.ts › suite › skipped no tool');
    expect(ok).toBe(false);
  });

  it('lists the skips without a reason last, and counts a failure outside a test once', () => {
    const records = [record('', 'skipped'), record('', 'skipped', 'b'), record('', 'skipped', 'a')];
    const failures = [
      { project: '', where: 'src/y.test.ts', message: 'boom\nstack', counted: false },
      { project: '', where: 'src/z.test.ts › hooks', message: 'setup', counted: true },
    ];
    const { lines, ok } = summarize(records, failures);
    expect(lines.filter((line) => !line.startsWith('    '))).toEqual([
      'skipped (3), by reason:',
      '  a',
      '  b',
      '  NO REASON GIVEN: skip with skipWhen(reason) from src/test-support/skip.ts',
      'failed outside a test: src/y.test.ts: boom',
      'failed outside a test: src/z.test.ts › hooks: setup',
      'tests: 0 passed, 1 failed, 3 skipped',
    ]);
    expect(ok).toBe(false);
    expect(summarize([record('', 'passed'), record('', 'skipped', 'a')], []).ok).toBe(true);
  });
});
