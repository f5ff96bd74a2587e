import { z } from 'zod';

/**
 * OSV records (https://ossf.github.io/osv-schema/), as far as matching needs them. Lenient: foreign
 * data, so unknown fields are ignored and what we do not use is not required; what we cannot match
 * without (id, affected package, range events) is.
 */
const event = z.union([
  z.object({ introduced: z.string() }),
  z.object({ fixed: z.string() }),
  z.object({ last_affected: z.string() }),
  z.object({ limit: z.string() }),
]);
export type OsvEvent = z.infer<typeof event>;

const range = z.object({
  type: z.string(),
  repo: z.string().optional(),
  events: z.array(event),
});
export type OsvRange = z.infer<typeof range>;

const affected = z.object({
  package: z.object({ ecosystem: z.string(), name: z.string(), purl: z.string().optional() }).optional(),
  ranges: z.array(range).optional(),
  versions: z.array(z.string()).optional(),
  severity: z.array(z.object({ type: z.string(), score: z.string() })).optional(),
  ecosystem_specific: z.record(z.string(), z.unknown()).optional(),
  database_specific: z.record(z.string(), z.unknown()).optional(),
});
export type OsvAffected = z.infer<typeof affected>;

export const osvRecordSchema = z.object({
  id: z.string().min(1),
  modified: z.string(),
  published: z.string().optional(),
  withdrawn: z.string().optional(),
  aliases: z.array(z.string()).nullish(),
  related: z.array(z.string()).nullish(),
  summary: z.string().optional(),
  details: z.string().optional(),
  severity: z.array(z.object({ type: z.string(), score: z.string() })).nullish(),
  affected: z.array(affected).nullish(),
  references: z.array(z.object({ type: z.string(), url: z.string() })).nullish(),
  database_specific: z.record(z.string(), z.unknown()).nullish(),
});
export type OsvRecord = z.infer<typeof osvRecordSchema>;

/**
 * The name a package is looked up by in an ecosystem: PyPI names are normalised as PEP 503 says
 * (case, runs of `-_.`), everything else as written.
 */
export function packageKey(ecosystem: string, name: string): string {
  const base = ecosystemBase(ecosystem);
  if (base === 'PyPI') return name.toLowerCase().replace(/[-_.]+/g, '-');
  return name;
}

/** `Debian:11` → `Debian`; `Alpine:v3.19` → `Alpine`; `npm` → `npm`. */
export function ecosystemBase(ecosystem: string): string {
  const colon = ecosystem.indexOf(':');
  return colon < 0 ? ecosystem : ecosystem.slice(0, colon);
}
