/**
 * Non-fatal problems found while working: shown in every report and in the exit summary.
 * A scanner that silently drops what it could not read misses vulnerabilities; this is where
 * such things go instead.
 */
export type DiagnosticLevel = 'info' | 'warning' | 'error';

export interface Diagnostic {
  level: DiagnosticLevel;
  /** Stable machine-readable code, e.g. `layer.invalid-whiteout`. */
  code: string;
  message: string;
  /** Where: a layer index, a path inside the image, a registry URL... */
  where?: string;
}

/** Collects diagnostics from deep inside a computation without threading arrays everywhere. */
export class Diagnostics {
  readonly items: Diagnostic[] = [];

  add(level: DiagnosticLevel, code: string, message: string, where?: string): void {
    this.items.push(where === undefined ? { level, code, message } : { level, code, message, where });
  }

  warn(code: string, message: string, where?: string): void {
    this.add('warning', code, message, where);
  }
}
