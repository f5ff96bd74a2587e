import { hashSecret, maskSecret } from './mask.js';
import type { SecretMatch, SecretRule, SecretScope } from './types.js';

export interface ScanContentOptions {
  /** Which rules apply (default `content`: file contents). */
  scope?: SecretScope | undefined;
  /** Secrets matching one of these are dropped (tested on the whole secret). */
  allowValues?: readonly RegExp[] | undefined;
  /** Most matches kept per text; a file of thousands of hits says no more after the first ones. */
  maxMatches?: number | undefined;
}

interface Candidate {
  rule: SecretRule;
  start: number;
  end: number;
  /** Index of the first character of the whole match (what line and column point at). */
  at: number;
  secret: string;
}

const defaultMaxMatches = 50;

/**
 * Finds secrets in one file's content (or one config string). A Buffer is read as latin1, one
 * character per byte, so columns count bytes and any encoding scans; secrets are re-read as UTF-8.
 * Returns masked matches in text order; where two rules match overlapping characters, the rule
 * listed first wins.
 */
export function scanContent(path: string, content: Buffer | string, rules: readonly SecretRule[], options: ScanContentOptions = {}): SecretMatch[] {
  const scope = options.scope ?? 'content';
  const isBuffer = typeof content !== 'string';
  const text = isBuffer ? content.toString('latin1') : content;
  let lower: string | undefined;
  const candidates: Candidate[] = [];
  for (const rule of rules) {
    if (rule.scope !== scope) continue;
    if (rule.paths && !rule.paths.test(path)) continue;
    lower ??= text.toLowerCase();
    const lowered = lower;
    if (!rule.keywords.some((keyword) => lowered.includes(keyword))) continue;
    collect(rule, text, isBuffer, options.allowValues ?? [], candidates);
  }
  return toMatches(text, dropOverlaps(candidates, rules), options.maxMatches ?? defaultMaxMatches);
}

const compiledPatterns = new WeakMap<SecretRule, RegExp>();

/** The rule's pattern with `g` and `d` (group offsets), compiled once; scanning is synchronous, so one copy is safe. */
function compiled(rule: SecretRule): RegExp {
  let pattern = compiledPatterns.get(rule);
  if (!pattern) {
    pattern = new RegExp(rule.pattern.source, [...new Set([...rule.pattern.flags, 'g', 'd'])].join(''));
    compiledPatterns.set(rule, pattern);
  }
  pattern.lastIndex = 0;
  return pattern;
}

function collect(rule: SecretRule, text: string, fromBytes: boolean, allowValues: readonly RegExp[], out: Candidate[]): void {
  const pattern = compiled(rule);
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    if (match[0].length === 0) {
      pattern.lastIndex++; // never loop on an empty match
      continue;
    }
    const group = rule.secretGroup === undefined ? undefined : match[rule.secretGroup];
    const raw = group ?? match[0];
    const span = group === undefined || rule.secretGroup === undefined ? undefined : match.indices?.[rule.secretGroup];
    const secret = fromBytes ? Buffer.from(raw, 'latin1').toString('utf8') : raw;
    if (rule.accept && !rule.accept(secret, match)) continue;
    if (allowValues.some((allow) => allow.test(secret))) continue;
    const start = span ? span[0] : match.index;
    out.push({ rule, start, end: start + raw.length, at: match.index, secret });
  }
}

/** Keeps, of candidates whose secrets overlap, the one of the earliest rule. */
function dropOverlaps(candidates: Candidate[], rules: readonly SecretRule[]): Candidate[] {
  const rank = new Map(rules.map((rule, i) => [rule, i]));
  const ordered = [...candidates].sort((a, b) => (rank.get(a.rule) ?? 0) - (rank.get(b.rule) ?? 0) || a.start - b.start);
  const kept: Candidate[] = [];
  for (const candidate of ordered) {
    if (!kept.some((k) => candidate.start < k.end && k.start < candidate.end)) kept.push(candidate);
  }
  return kept.sort((a, b) => a.at - b.at || a.start - b.start);
}

function toMatches(text: string, candidates: Candidate[], max: number): SecretMatch[] {
  const matches: SecretMatch[] = [];
  let line = 1;
  let lineStart = 0;
  // candidates are in text order: count newlines once, forward
  let newline = text.indexOf('\n');
  for (const candidate of candidates.slice(0, max)) {
    while (newline !== -1 && newline < candidate.at) {
      line++;
      lineStart = newline + 1;
      newline = text.indexOf('\n', lineStart);
    }
    matches.push({
      ruleId: candidate.rule.meta.id,
      line,
      column: candidate.at - lineStart + 1,
      masked: maskSecret(candidate.secret),
      offset: candidate.start,
      length: candidate.end - candidate.start,
      hash: hashSecret(candidate.secret),
    });
  }
  return matches;
}
