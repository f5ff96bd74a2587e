import type { CapturedFile, FileAnalyzer } from '../inventory/analyzer.js';
import type { AnalyzerOutput } from '../inventory/model.js';

/**
 * Runs an analyser on in-memory content the way the layer scan does: `required` must accept the
 * path, and the content must start with the analyser's magic, else the analyser is not called.
 */
export function analyzeContent(analyzer: FileAnalyzer, path: string, content: Buffer | string, mode = 0o644): AnalyzerOutput | undefined {
  const data = Buffer.from(content);
  const entry = { path, type: 'file' as const, size: data.length, mode, uid: 0, gid: 0 };
  if (!analyzer.required(path, entry)) return undefined;
  if (analyzer.magic && !data.subarray(0, analyzer.magic.length).equals(analyzer.magic)) return undefined;
  const file: CapturedFile = { path, entry, content: data };
  return analyzer.analyze(file);
}
