import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { ShipshapeError } from '../core/errors.js';

/**
 * The shared harness of the property-based fuzz tests (`*.fuzz.test.ts`, beside the parsers they
 * fuzz). Each property feeds generated hostile inputs to a parser and asserts what every parser of
 * attacker bytes owes: it returns or fails with a typed error (never a TypeError, RangeError or
 * SyntaxError escaping), within a time bound, with output bounded by its input.
 *
 * The environment sets the size of a run (`npm test` runs a short one, `npm run fuzz` a long one):
 *   SHIPSHAPE_FUZZ_RUNS     inputs per property (default 60; a property's weight scales it)
 *   SHIPSHAPE_FUZZ_SECONDS  stop a property after this many seconds, passing (default 40: within vitest's
 *                           per-test timeout, shrinking included)
 *   SHIPSHAPE_FUZZ_MAX_BYTES  largest input the mutators grow (default 64 KiB; besides twice a larger seed)
 *   SHIPSHAPE_FUZZ_SEED, SHIPSHAPE_FUZZ_PATH   replay a failure (fast-check prints both)
 *   SHIPSHAPE_FUZZ_STATS    append one JSON line per property run (name, inputs, seconds) to this file
 */
export interface FuzzSettings {
  runs: number;
  seconds: number;
  maxBytes: number;
  seed: number | undefined;
  path: string | undefined;
  statsFile: string | undefined;
  /**
   * One input may take this long (wall time), plus a millisecond per `minBytesPerMs` bytes of it: a
   * product bound for hostile input — linear work passes, quadratic work on a large input does not —
   * generous against load.
   */
  timeBoundMs: number;
  minBytesPerMs: number;
  /** An input running this long is a hang: async ones fail the property, synchronous ones are reported and the process ended. */
  hangMs: number;
}

const number = (value: string | undefined): number | undefined => (value === undefined || value === '' ? undefined : Number(value));

export const fuzzSettings: FuzzSettings = {
  runs: number(process.env.SHIPSHAPE_FUZZ_RUNS) ?? 60,
  seconds: number(process.env.SHIPSHAPE_FUZZ_SECONDS) ?? 40,
  maxBytes: number(process.env.SHIPSHAPE_FUZZ_MAX_BYTES) ?? 64 * 1024,
  seed: number(process.env.SHIPSHAPE_FUZZ_SEED),
  path: process.env.SHIPSHAPE_FUZZ_PATH || undefined,
  statsFile: process.env.SHIPSHAPE_FUZZ_STATS || undefined,
  timeBoundMs: 3000,
  minBytesPerMs: 25,
  hangMs: 20_000,
};

export interface FuzzOptions<T> {
  /** Scales SHIPSHAPE_FUZZ_RUNS for this property (slow targets: below 1). */
  weight?: number;
  /** How an input is shown if it hangs (default: fast-check's own rendering, shortened). */
  describe?: (input: T) => string;
}

/**
 * Checks `property` on generated inputs. A failure throws with fast-check's report: the shrunk
 * counterexample, and the seed and path that replay it (SHIPSHAPE_FUZZ_SEED / SHIPSHAPE_FUZZ_PATH).
 */
export async function fuzz<T>(name: string, input: fc.Arbitrary<T>, property: (value: T) => void | Promise<void>, options: FuzzOptions<T> = {}): Promise<void> {
  const runs = Math.max(1, Math.round(fuzzSettings.runs * (options.weight ?? 1)));
  const show = options.describe ?? ((value: T) => (typeof value === 'string' || Buffer.isBuffer(value) ? preview(value) : fc.stringify(value)));
  const started = performance.now();
  const details = await fc.check(
    fc.asyncProperty(input, async (value) => {
      inputBytes = sizeOf(value);
      watchdog().start(name, () => show(value), value);
      try {
        await property(value);
      } finally {
        watchdog().stop();
      }
    }),
    {
      numRuns: runs,
      timeout: fuzzSettings.hangMs,
      interruptAfterTimeLimit: fuzzSettings.seconds * 1000,
      markInterruptAsFailure: false,
      ...(fuzzSettings.seed === undefined ? {} : { seed: fuzzSettings.seed }),
      ...(fuzzSettings.path === undefined ? {} : { path: fuzzSettings.path }),
    },
  );
  const seconds = (performance.now() - started) / 1000;
  if (fuzzSettings.statsFile) {
    appendFileSync(
      fuzzSettings.statsFile,
      `${JSON.stringify({ name, inputs: details.numRuns, seconds: Math.round(seconds * 10) / 10, failed: details.failed })}\n`,
    );
  }
  if (details.failed) throw failure(name, details, show);
}

/** Writes a failing input whole (the message shows it shortened) to test-artifacts/fuzz/; the line that says where, or why not. */
function saveCounterexample(name: string, value: unknown): string {
  try {
    const dir = join('test-artifacts', 'fuzz');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.${Buffer.isBuffer(value) ? 'bin' : typeof value === 'string' ? 'txt' : 'json'}`);
    writeFileSync(file, Buffer.isBuffer(value) || typeof value === 'string' ? value : fc.stringify(value));
    return `the whole input: ${file}`;
  } catch (error) {
    return `the whole input could not be saved: ${String(error)}`;
  }
}

/** The failure of a property: why, on which (shrunk) input, and how to replay it. */
function failure<T>(name: string, details: fc.RunDetails<[T]>, show: (value: T) => string): Error {
  const cause = details.errorInstance;
  const why = cause instanceof Error ? cause.message : String(cause);
  const input = details.counterexample === null ? '(none)' : show(details.counterexample[0]);
  const saved = details.counterexample === null ? undefined : saveCounterexample(name, details.counterexample[0]);
  return new Error(
    [
      `fuzz ${name}: failed after ${details.numRuns} inputs (shrunk ${details.numShrinks} times): ${why}`,
      `input: ${input}`,
      ...(saved === undefined ? [] : [saved]),
      `replay: SHIPSHAPE_FUZZ_SEED=${details.seed} SHIPSHAPE_FUZZ_PATH=${details.counterexamplePath ?? ''} npx vitest run --project main <this file>`,
    ].join('\n'),
    { cause },
  );
}

/**
 * Counts the inputs that reached a point of the parser (past the magic, into the records...): a fuzz
 * whose inputs all fail the first check tests nothing, so each property says how deep enough of them get.
 */
export class Reach {
  private readonly counts = new Map<string, number>();
  private inputs = 0;

  /** Counts one input; `labels` are the points it reached. */
  input(...labels: (string | false | undefined)[]): void {
    this.inputs++;
    for (const label of labels) if (label) this.counts.set(label, (this.counts.get(label) ?? 0) + 1);
  }

  /**
   * Fails unless about `fraction` of the inputs reached `label`: fewer than four standard
   * deviations below it, or none where none is all but impossible (under 1 in 100,000). A short
   * run's chance must never fail the suite: with 60 inputs and 5%, none at all happens 1 run in 22.
   */
  expect(label: string, fraction: number): void {
    if (fuzzSettings.path !== undefined) return; // a replay runs one input, not a sample
    const count = this.counts.get(label) ?? 0;
    const expected = fraction * this.inputs;
    const floor = Math.max(expected - 4 * Math.sqrt(expected * (1 - fraction)), (1 - fraction) ** this.inputs < 1e-5 ? 1 : 0);
    if (count < floor) {
      throw new Error(
        `only ${count} of ${this.inputs} inputs reached "${label}" (expected ${Math.round(fraction * 100)}%): the generators no longer reach the parser`,
      );
    }
  }
}

/** What a parser promises about failure: to never throw, or to throw only Shipshape's typed errors. */
export type FailureContract = 'never-throws' | 'typed-errors';

/**
 * Runs parser code on one input, synchronously: fails the property if it throws against its
 * contract or takes longer than the time bound. Returns what it returned, or undefined when it
 * threw a typed error.
 */
export function bounded<R>(contract: FailureContract, run: () => R): R | undefined {
  const started = performance.now();
  let result: R | undefined;
  try {
    result = run();
  } catch (error) {
    checkThrown(contract, error);
  }
  checkTime(started);
  return result;
}

/** `bounded` for asynchronous parsers (streams, files). */
export async function boundedAsync<R>(contract: FailureContract, run: () => Promise<R>): Promise<R | undefined> {
  const started = performance.now();
  let result: R | undefined;
  try {
    result = await run();
  } catch (error) {
    checkThrown(contract, error);
  }
  checkTime(started);
  return result;
}

function checkThrown(contract: FailureContract, error: unknown): void {
  if (contract === 'typed-errors' && error instanceof ShipshapeError) return;
  const what = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
  throw new Error(`${contract === 'never-throws' ? 'threw, though it never throws' : 'threw an untyped error'}: ${what}`);
}

/** Bytes (or characters) of the input being run, for its time bound. */
let inputBytes = 0;

/** The size of an input: its buffers' and strings' lengths, two levels into tuples and records. */
function sizeOf(value: unknown, depth = 0): number {
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value.length;
  if (depth >= 2 || typeof value !== 'object' || value === null) return 0;
  return Object.values(value).reduce((sum: number, item) => sum + sizeOf(item, depth + 1), 0);
}

function checkTime(started: number): void {
  const elapsed = performance.now() - started;
  const bound = fuzzSettings.timeBoundMs + inputBytes / fuzzSettings.minBytesPerMs;
  if (elapsed > bound)
    throw new Error(
      `one input took ${Math.round(elapsed)} ms, over its bound of ${Math.round(bound)} ms (${fuzzSettings.timeBoundMs} ms + 1 ms per ${fuzzSettings.minBytesPerMs} of its ${inputBytes} bytes)`,
    );
}

/**
 * Memory bounded: what a parser returns for an input (as JSON) is at most `ratio` times the input's
 * size, plus 64 KiB. Output that grows faster than its input (notes per byte, a list multiplied by
 * another) is how a small hostile file becomes gigabytes in a real one.
 */
export function checkOutputBound(output: unknown, inputBytes: number, ratio = 10): void {
  const json = JSON.stringify(output) ?? '';
  const bytes = Buffer.byteLength(json);
  const bound = ratio * inputBytes + 64 * 1024;
  if (bytes > bound)
    throw new Error(
      `output of ${bytes} bytes for ${inputBytes} bytes of input: over the bound of ${bound} (${ratio}× + 64 KiB); it starts ${json.slice(0, 400)}`,
    );
}

/**
 * The messages JavaScript engines give their own errors (TypeError, RangeError...): in a note or a
 * diagnostic they mean a catch-all caught a bug, which the parser should have diagnosed itself.
 * (JSON.parse's SyntaxError is not among them: "not valid JSON (…)" is how a parser says what it read.)
 */
const engineErrors =
  /Cannot read propert|Cannot set propert|Cannot create property|Cannot destructure|Cannot convert|is not a function|is not iterable|is not a constructor|Invalid array length|Invalid string length|Maximum call stack size exceeded|out of range|outside buffer bounds|Invalid time value|Reduce of empty array|internal error/;

/** Fails the property when a note or diagnostic is a caught engine error (`allowed` lists the ones a parser documents). */
export function checkNoMaskedCrash(messages: Iterable<string | undefined>, allowed?: RegExp): void {
  for (const message of messages) {
    if (message === undefined || !engineErrors.test(message)) continue;
    if (allowed?.test(message)) continue;
    throw new Error(`a caught internal error was reported as a diagnostic: ${message}`);
  }
}

/** A short printable view of a fuzz input: a hang report shows it, with its size. */
export function preview(value: Buffer | string, max = 600): string {
  if (typeof value !== 'string') return `${value.length} bytes: ${value.subarray(0, max / 2).toString('hex')}${value.length > max / 2 ? '…' : ''}`;
  return `${value.length} characters: ${JSON.stringify(value.slice(0, max))}${value.length > max ? '…' : ''}`;
}

/**
 * A synchronous parser that loops forever cannot be timed out from its own thread. A watchdog
 * thread sees each input start and stop; when one runs past `hangMs` it prints the input and ends
 * the test process, so a hang is a failure naming its input instead of a suite that never ends.
 */
interface Watchdog {
  /** `value`, when text or bytes, is kept whole (up to `wholeBytes`) for the hang's file in test-artifacts/fuzz/. */
  start(name: string, describe: () => string, value: unknown): void;
  stop(): void;
}

const previewBytes = 8192;
const wholeBytes = 4 * 1024 * 1024;
let current: Watchdog | undefined;

function watchdog(): Watchdog {
  current ??= startWatchdog();
  return current;
}

function startWatchdog(): Watchdog {
  const state = new Int32Array(new SharedArrayBuffer(16)); // [generation, busy, preview length, whole length]
  const text = new Uint8Array(new SharedArrayBuffer(previewBytes));
  const whole = new Uint8Array(new SharedArrayBuffer(wholeBytes));
  const code = `
    const { workerData } = require('node:worker_threads');
    const { writeSync, mkdirSync, writeFileSync } = require('node:fs');
    const state = new Int32Array(workerData.state.buffer);
    const text = new Uint8Array(workerData.text.buffer);
    const whole = new Uint8Array(workerData.whole.buffer);
    let seen = -1, since = Date.now();
    setInterval(() => {
      const generation = Atomics.load(state, 0);
      if (Atomics.load(state, 1) === 0 || generation !== seen) { seen = generation; since = Date.now(); return; }
      if (Date.now() - since < workerData.hangMs) return;
      const input = Buffer.from(text.subarray(0, Atomics.load(state, 2))).toString('utf8');
      let saved = '';
      try {
        mkdirSync('test-artifacts/fuzz', { recursive: true });
        const file = 'test-artifacts/fuzz/' + input.split(':')[0].replace(/[^a-z0-9]+/gi, '-') + '.hang';
        writeFileSync(file, whole.subarray(0, Atomics.load(state, 3)));
        saved = 'the whole input: ' + file + '\\n';
      } catch (error) {
        saved = 'the whole input could not be saved: ' + String(error) + '\\n';
      }
      writeSync(2, '\\nfuzz: an input ran for more than ' + workerData.hangMs + ' ms (a hang); ending the test process.\\n' + input + '\\n' + saved);
      process.kill(process.pid, 'SIGKILL');
    }, 250);`;
  const worker = new Worker(code, { eval: true, workerData: { state, text, whole, hangMs: fuzzSettings.hangMs } });
  worker.unref();
  const encoder = new TextEncoder();
  return {
    start(name, describe, value) {
      let shown: string;
      try {
        shown = describe();
      } catch (error) {
        shown = `(the input could not be shown: ${String(error)})`;
      }
      const { written } = encoder.encodeInto(`${name}: ${shown}`.slice(0, previewBytes / 4), text);
      Atomics.store(state, 2, written);
      let wholeLength = 0;
      if (typeof value === 'string') wholeLength = encoder.encodeInto(value, whole).written;
      else if (value instanceof Uint8Array) {
        wholeLength = Math.min(value.length, wholeBytes);
        whole.set(value.subarray(0, wholeLength));
      }
      Atomics.store(state, 3, wholeLength);
      Atomics.add(state, 0, 1);
      Atomics.store(state, 1, 1);
    },
    stop() {
      Atomics.store(state, 1, 0);
    },
  };
}
