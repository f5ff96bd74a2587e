import type { FileEntry } from './entry.js';

/**
 * Something that wants to read certain files of each layer as the layer streams past: the
 * inventory's package analysers, later the secret scanner. The image engine knows nothing of what
 * they find; it calls them, and keeps their (JSON) output per layer, in the layer cache too.
 */
export interface LayerFileVisitor {
  /** Stable id; with `version`, part of the layer cache key. */
  readonly id: string;
  readonly version: number;
  /** Largest file read; a larger matching file is recorded as skipped. */
  readonly maxBytes: number;
  /** Leading bytes a file must start with to be read at all. */
  readonly magic?: Buffer | undefined;
  /** Cheap test on a regular file's path and header. */
  required(path: string, entry: FileEntry): boolean;
  /** Reads one file's whole content; returns plain JSON data, or undefined for nothing found. */
  analyze(file: { path: string; entry: FileEntry; content: Buffer }): unknown;
}

/** What one visitor made of one file of one layer. */
export interface LayerAnalysis {
  analyzer: string;
  /** Absolute path of the file in the image. */
  path: string;
  output?: unknown;
  /** Why the file could not be analysed (too large, the analyser failed). */
  error?: string | undefined;
}

/** The layer cache key part that says which visitors' results a scan holds. */
export function visitorsKey(visitors: readonly LayerFileVisitor[]): string {
  return visitors
    .map((v) => `${v.id}@${v.version}`)
    .sort()
    .join(',');
}

/** Whether an output holds anything worth keeping: not undefined, and not only empty lists and objects. */
export function hasContent(output: unknown): boolean {
  if (output === undefined || output === null) return false;
  if (Array.isArray(output)) return output.length > 0;
  if (typeof output === 'object') return Object.values(output).some(hasContent);
  return true;
}
