import { createRequire } from 'node:module';
import type * as Cvss from 'ae-cvss-calculator';
import type { SeverityLevel } from '../core/severity.js';

// a CommonJS module whose named exports Node's ESM loader cannot detect
const { fromVector } = createRequire(import.meta.url)('ae-cvss-calculator') as typeof Cvss;

/** A finding's severity, with the score and where it came from. */
export interface Severity {
  level: SeverityLevel;
  score: number | undefined;
  vector: string | undefined;
  /** `CVSS_V3 vector`, `database_specific.severity`, `ecosystem_specific.severity`, or `none`. */
  source: string;
}

/** Newest CVSS first: when an advisory gives several, the newest version's score is the one shown. */
const cvssPreference = ['CVSS_V4', 'CVSS_V3', 'CVSS_V2'];

/**
 * The severity of an advisory: computed from its CVSS vectors (v4.0, v3.1, v3.0, v2, with a CVSS
 * library — the score written next to a vector is not trusted), else the record's own severity
 * word, else UNKNOWN.
 */
export function severityOf(vectors: readonly { type: string; score: string }[], words: readonly unknown[]): Severity {
  const sorted = [...vectors].sort((a, b) => rank(a.type) - rank(b.type));
  for (const { type, score } of sorted) {
    const computed = cvssScore(score);
    if (computed !== undefined) return { level: levelOfScore(computed, type === 'CVSS_V2'), score: computed, vector: score, source: `${type} vector` };
  }
  for (const word of words) {
    const level = levelOfWord(word);
    if (level) return { level, score: undefined, vector: undefined, source: 'advisory severity field' };
  }
  return { level: 'UNKNOWN', score: undefined, vector: undefined, source: 'none' };
}

function rank(type: string): number {
  const index = cvssPreference.indexOf(type);
  return index < 0 ? cvssPreference.length : index;
}

function cvssScore(vector: string): number | undefined {
  try {
    const parsed = fromVector(vector);
    const overall = parsed?.calculateScores().overall;
    return typeof overall === 'number' && Number.isFinite(overall) ? overall : undefined;
  } catch {
    return undefined; // a malformed vector: fall through to the next source of severity
  }
}

/** CVSS v3/v4 qualitative ratings; v2 has no CRITICAL (7.0–10.0 is HIGH). */
export function levelOfScore(score: number, v2 = false): SeverityLevel {
  if (score >= 9 && !v2) return 'CRITICAL';
  if (score >= 7) return 'HIGH';
  if (score >= 4) return 'MEDIUM';
  if (score > 0) return 'LOW';
  return 'UNKNOWN';
}

/** GHSA `MODERATE`, Ubuntu `negligible`, Debian `unimportant`... mapped to the five levels. */
function levelOfWord(word: unknown): SeverityLevel | undefined {
  if (typeof word !== 'string') return undefined;
  const normalised = word.trim().toUpperCase();
  if (normalised === 'CRITICAL') return 'CRITICAL';
  if (normalised === 'HIGH' || normalised === 'IMPORTANT') return 'HIGH';
  if (normalised === 'MEDIUM' || normalised === 'MODERATE') return 'MEDIUM';
  if (normalised === 'LOW' || normalised === 'NEGLIGIBLE' || normalised === 'UNIMPORTANT') return 'LOW';
  return undefined;
}
