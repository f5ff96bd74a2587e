import { UsageError } from '../../core/errors.js';

const unitMs: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `90m`, `72h`, `7d`, `2w` → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(text.trim());
  const unit = match ? unitMs[match[2] as string] : undefined;
  if (!match || unit === undefined) throw new UsageError(`invalid duration ${JSON.stringify(text)}: use a number and s, m, h, d or w (e.g. 72h, 7d)`);
  return Number(match[1]) * unit;
}
