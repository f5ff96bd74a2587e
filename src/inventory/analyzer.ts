import type { FileEntry } from '../image/layer/entry.js';
import type { AnalyzerOutput } from './model.js';

/** A file's content handed to an analyser (read from a layer while it streams). */
export interface CapturedFile {
  /** Absolute path in the image: `/var/lib/dpkg/status`. */
  path: string;
  entry: FileEntry;
  content: Buffer;
}

/**
 * One analyser per package format (or OS-identification file). Analysers are pure and synchronous:
 * no I/O, no clock, no globals; the same file gives the same output, which is what lets the output
 * be cached per layer. They must never throw on bad content: problems go into `notes` and whatever
 * could be read is still returned. (A throw is caught and reported as a diagnostic all the same.)
 */
export interface FileAnalyzer {
  /** Stable id, e.g. `dpkg`, `rpm`, `npm`. */
  readonly id: string;
  /** Bump when the output for the same input changes: cached layer results are then re-computed. */
  readonly version: number;
  /** Largest file the analyser reads; larger matching files are skipped with a diagnostic. */
  readonly maxBytes: number;
  /**
   * Optional leading bytes the content must start with (e.g. ELF `\x7fELF`, zip `PK\x03\x04`):
   * files that do not are dropped after their first bytes, without being buffered.
   */
  readonly magic?: Buffer | undefined;
  /** Cheap test on the path and tar header: does the analyser want this file? Called for every entry. */
  required(path: string, entry: FileEntry): boolean;
  analyze(file: CapturedFile): AnalyzerOutput;
}
