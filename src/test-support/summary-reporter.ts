import path from 'node:path';
import type { SerializedError } from 'vitest';
import type { Reporter, TestCase, TestModule, TestRunEndReason, TestSpecification, TestSuite, Vitest } from 'vitest/node';
import { summarize, type OutsideFailure, type TestRecord } from './summary.js';
import { pushAll } from '../core/collections.js';

/**
 * A vitest reporter (vitest.config.ts lists it after the default one) that ends every run, passed
 * or failed, with ./summary.ts: the skipped tests with their reasons (`skipWhen` keeps them in the
 * task's meta, `ctx.skip(note)` in the result) and the closing `tests: …` line. A skip without a
 * reason makes the run fail.
 */
export class SummaryReporter implements Reporter {
  private vitest: Vitest | undefined;
  /** Test files this run filters (`file:line`, a name pattern): their other tests were not selected, not skipped. */
  private filtered = new Set<string>();

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunStart(specifications: ReadonlyArray<TestSpecification>): void {
    this.filtered = new Set(
      specifications
        .filter(
          (spec) =>
            (spec.testLines?.length ?? 0) > 0 ||
            spec.testNamePattern !== undefined ||
            (spec.testIds?.length ?? 0) > 0 ||
            (spec.testTagsFilter?.length ?? 0) > 0,
        )
        .map((spec) => spec.moduleId),
    );
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>, reason: TestRunEndReason): void {
    const root = this.vitest?.config.root ?? process.cwd();
    const projects = this.vitest?.projects.map((project) => project.name) ?? [''];
    // One project needs no name on each line.
    const projectOf = (module: TestModule): string => (projects.length > 1 ? module.project.name : '');
    const records: TestRecord[] = [];
    const failures: OutsideFailure[] = [];
    for (const module of testModules) {
      const file = path.relative(root, module.moduleId);
      const project = projectOf(module);
      const cases = [...module.children.allTests()];
      const filtered =
        this.vitest?.config.testNamePattern !== undefined ||
        this.filtered.has(module.moduleId) ||
        [...module.children.allSuites(), ...cases].some((task) => task.options.mode === 'only');
      const tests = cases.map((test) => recordOf(test, project, file, reason, filtered));
      pushAll(records, tests);
      for (const suite of [module, ...module.children.allSuites()]) {
        const errors = suite.errors();
        if (errors.length === 0) continue;
        const counted = cases.some((test, index) => tests[index]?.outcome === 'failed' && [...ancestors(test)].includes(suite));
        const where = suite.type === 'module' ? file : `${file} › ${suite.fullName}`;
        failures.push({ project, where, message: errors.map((error) => error.message).join('; '), counted });
      }
    }
    for (const error of unhandledErrors) failures.push({ project: '', where: '', message: `unhandled error: ${error.message}`, counted: false });
    const summary = summarize(records, failures, projects.length > 1 ? projects : ['']);
    if (reason === 'interrupted') summary.lines.splice(-1, 0, 'the run was interrupted: tests that did not run count as failed');
    const log = (line: string): void => (this.vitest ? this.vitest.logger.log(line) : console.log(line));
    log('');
    for (const line of summary.lines) log(line);
    if (!summary.ok) process.exitCode = 1;
  }
}

/** The suites around a test, innermost first, then its module. */
function* ancestors(test: TestCase): Generator<TestSuite | TestModule> {
  for (let parent: TestSuite | TestModule = test.parent; ; parent = parent.parent) {
    yield parent;
    if (parent.type === 'module') return;
  }
}

function recordOf(test: TestCase, project: string, file: string, reason: TestRunEndReason, filtered: boolean): TestRecord {
  const suites = [...ancestors(test)].filter((parent): parent is TestSuite => parent.type === 'suite').reverse();
  const names = [...suites.map((suite) => suite.name), test.name];
  const result = test.result();
  if (result.state === 'passed') return { project, file, names, outcome: 'passed' };
  // A test whose suite failed (a hook, its collection) did not run: it did not pass either.
  const suiteFailed = [...ancestors(test)].some((parent) => parent.state() === 'failed' && parent.errors().length > 0);
  if (result.state === 'failed' || suiteFailed || (result.state === 'pending' && reason === 'interrupted')) return { project, file, names, outcome: 'failed' };
  // Skipped: name the outermost suite the skip came from (children of a skipped suite are skipped too).
  const outermost = suites.findIndex((suite) => suite.options.mode === 'skip');
  const skippedAt = test.options.mode === 'skip' && outermost >= 0 ? outermost + 1 : names.length;
  const note = result.state === 'skipped' ? result.note : undefined;
  const why = test.meta().skipReason ?? note;
  if (why === undefined && filtered) return { project, file, names, outcome: 'unselected' };
  return { project, file, names, outcome: 'skipped', reason: why, skippedAt };
}
