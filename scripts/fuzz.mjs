#!/usr/bin/env node
// scripts/fuzz.mjs — the long fuzz run: every property of the `*.fuzz.test.ts` files (the short run
// is part of `npm test`) for a bounded time each, then a table of what ran and what failed.
// `npm run fuzz -- --help` for options. The harness is src/test-support/fuzz.ts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const USAGE = `Usage: npm run fuzz -- [--seconds N] [--runs N] [--max-bytes N] [--seed N] [FILTER...]

Runs each fuzz property (src/**/*.fuzz.test.ts) until it has checked --runs inputs or run for
--seconds (whichever comes first; shrinking a failure counts), with inputs grown up to --max-bytes,
two test files at a time as in npm test, and prints inputs and time per property.

Options:
  --seconds N    time per property (default 60: about 25 minutes in all on 2 cores)
  --runs N       inputs per property at most (default 1000000)
  --max-bytes N  largest input the mutators grow (default 524288)
  --seed N       fast-check seed (default: a new one per property; failures print theirs)
  FILTER         only the fuzz test files whose path contains FILTER (e.g. tar, dockerfile)
  -h, --help     this text`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seconds: { type: 'string', default: '60' },
    runs: { type: 'string', default: '1000000' },
    'max-bytes': { type: 'string', default: String(512 * 1024) },
    seed: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
for (const name of ['seconds', 'runs', 'max-bytes', ...(values.seed === undefined ? [] : ['seed'])]) {
  if (!/^-?\d+$/.test(values[name])) {
    console.error(`fuzz: --${name} must be a whole number, not ${JSON.stringify(values[name])}`);
    process.exit(2);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'shipshape-fuzz-'));
const stats = join(dir, 'stats.jsonl');
const started = Date.now();
// the fuzz test files, those the filters name (vitest's own filters would match other tests too)
const files = readdirSync('src', { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.fuzz.test.ts'))
  .map((file) => join('src', file))
  .filter((file) => positionals.length === 0 || positionals.some((filter) => file.includes(filter)));
if (files.length === 0) {
  console.error(`fuzz: no fuzz test file matches ${positionals.join(', ')}`);
  process.exit(2);
}
const result = spawnSync('npx', ['vitest', 'run', '--project', 'main', `--testTimeout=${(Number(values.seconds) + 120) * 1000}`, ...files], {
  stdio: 'inherit',
  env: {
    ...process.env,
    SHIPSHAPE_FUZZ_RUNS: values.runs,
    SHIPSHAPE_FUZZ_SECONDS: values.seconds,
    SHIPSHAPE_FUZZ_MAX_BYTES: values['max-bytes'],
    SHIPSHAPE_FUZZ_STATS: stats,
    ...(values.seed === undefined ? {} : { SHIPSHAPE_FUZZ_SEED: values.seed }),
  },
});
const wall = (Date.now() - started) / 1000;

let rows = [];
try {
  rows = readFileSync(stats, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
} catch {
  // no property ran (a filter that matched nothing, or vitest failed to start)
}
rmSync(dir, { recursive: true, force: true });

const width = Math.max(8, ...rows.map((row) => row.name.length));
console.log(`\n${'PROPERTY'.padEnd(width)}  ${'INPUTS'.padStart(9)}  ${'SECONDS'.padStart(7)}  RESULT`);
for (const row of rows.sort((a, b) => a.name.localeCompare(b.name))) {
  console.log(`${row.name.padEnd(width)}  ${String(row.inputs).padStart(9)}  ${row.seconds.toFixed(1).padStart(7)}  ${row.failed ? 'FAILED' : 'passed'}`);
}
const inputs = rows.reduce((sum, row) => sum + row.inputs, 0);
const failed = rows.filter((row) => row.failed).map((row) => row.name);
console.log(
  `\nfuzz: ${rows.length} properties, ${inputs.toLocaleString('en')} inputs in ${(wall / 60).toFixed(1)} minutes (${values.seconds} s per property at most, inputs up to ${values['max-bytes']} bytes); ${failed.length === 0 ? 'no failure' : `failed: ${failed.join(', ')}`}`,
);
process.exit(result.status ?? 1);
