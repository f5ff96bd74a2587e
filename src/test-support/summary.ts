/**
 * The closing summary of a test run (printed by ./summary-reporter.ts): every skipped test or
 * group with the reason it was skipped, what failed outside a test, a line per vitest project when
 * there are several, and last one plain line `tests: N passed, N failed, N skipped` that CI logs
 * and tools can read. A skip without a reason fails the run: every skip says what it needs.
 */

/** `unselected`: left out by the run's own filters (`-t`, `file:line`, `.only`), not skipped. */
type Outcome = 'passed' | 'failed' | 'skipped' | 'unselected';

/** One test as the run left it. */
export interface TestRecord {
  /** The vitest project ('' when there is only one). */
  project: string;
  /** The test file, relative to the repository. */
  file: string;
  /** The suite names from the outermost, then the test's own name. */
  names: string[];
  outcome: Outcome;
  /** Why it was skipped (skipped tests only); undefined: nobody said. */
  reason?: string | undefined;
  /** For a skipped test: how many of `names` name what was skipped (fewer: a whole suite, 0: the whole file). */
  skippedAt?: number;
}

/** A file or suite that failed outside its tests (an import, a hook), or an error vitest caught outside any file. */
export interface OutsideFailure {
  project: string;
  /** `file` or `file › suite`; empty for errors outside any file. */
  where: string;
  message: string;
  /** True when a failed test already counts it (a failed beforeAll fails the tests it stopped). */
  counted: boolean;
}

export interface Summary {
  lines: string[];
  /** False when anything failed or a skip gave no reason. */
  ok: boolean;
}

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

const noReason = 'NO REASON GIVEN: skip with skipWhen(reason) from src/test-support/skip.ts';

function countLine(counts: Counts): string {
  return `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`;
}

function count(records: readonly TestRecord[], failures: readonly OutsideFailure[]): Counts {
  return {
    passed: records.filter((record) => record.outcome === 'passed').length,
    failed: records.filter((record) => record.outcome === 'failed').length + failures.filter((failure) => !failure.counted).length,
    skipped: records.filter((record) => record.outcome === 'skipped').length,
  };
}

/** `[project] file › suite › test`, down to `depth` names. */
function labelOf(record: TestRecord, depth: number): string {
  const what = [record.file, ...record.names.slice(0, depth)].join(' › ');
  return record.project === '' ? what : `[${record.project}] ${what}`;
}

/** The skipped tests by reason, then by what was skipped (a file, a suite, a test). */
function groupsOf(skipped: readonly TestRecord[]): Map<string, Map<string, TestRecord[]>> {
  const byReason = new Map<string, Map<string, TestRecord[]>>();
  for (const record of skipped) {
    const reason = record.reason ?? noReason;
    const label = labelOf(record, record.skippedAt ?? record.names.length);
    const groups = byReason.get(reason) ?? new Map<string, TestRecord[]>();
    groups.set(label, [...(groups.get(label) ?? []), record]);
    byReason.set(reason, groups);
  }
  return byReason;
}

/** The summary's lines; `projects` names them in the order to list (the first is the main run). */
export function summarize(records: readonly TestRecord[], failures: readonly OutsideFailure[], projects: readonly string[] = ['']): Summary {
  const lines: string[] = [];
  const skipped = records.filter((record) => record.outcome === 'skipped');
  const byReason = groupsOf(skipped);
  if (skipped.length > 0) lines.push(`skipped (${skipped.length}), by reason:`);
  for (const reason of [...byReason.keys()].sort((a, b) => Number(a === noReason) - Number(b === noReason) || a.localeCompare(b))) {
    lines.push(`  ${reason}`);
    const groups = byReason.get(reason) ?? new Map<string, TestRecord[]>();
    for (const label of [...groups.keys()].sort()) {
      const [first, ...more] = groups.get(label) ?? [];
      // a group of one names its test
      if (first !== undefined) lines.push(`    ${more.length === 0 ? labelOf(first, first.names.length) : `${label} (${more.length + 1} tests)`}`);
    }
  }
  for (const failure of failures) {
    lines.push(
      `failed outside a test: ${failure.project === '' ? '' : `[${failure.project}] `}${failure.where === '' ? '' : `${failure.where}: `}${failure.message.split('\n')[0] ?? ''}`,
    );
  }
  if (projects.length > 1) {
    for (const project of projects) {
      const own = count(
        records.filter((record) => record.project === project),
        failures.filter((failure) => failure.project === project),
      );
      lines.push(`${project}: ${countLine(own)}`);
    }
  }
  const unselected = records.filter((record) => record.outcome === 'unselected').length;
  if (unselected > 0) lines.push(`not selected by the run's filters (-t, file:line, .only): ${unselected}`);
  const total = count(records, failures);
  lines.push(`tests: ${countLine(total)}`);
  return { lines, ok: total.failed === 0 && !byReason.has(noReason) };
}
