import { z } from 'zod';
import { CorruptInputError } from '../core/errors.js';
import type { VulnerabilityFinding } from './finding.js';

/** Why a finding is not reported: an ignore-file entry, or a VEX statement. */
export interface Suppression {
  finding: VulnerabilityFinding;
  by: 'ignorefile' | 'vex';
  /** The reason written next to the id, or the VEX status with its justification / impact statement. */
  reason: string;
}

export interface IgnoreEntry {
  id: string;
  /** Restricts the entry to one package (purl without version matches every version). */
  purl: string | undefined;
  expires: Date | undefined;
  reason: string;
  line: number;
}

/**
 * An ignore file, Trivy's `.trivyignore` syntax plus a reason: one id per line, optionally a purl
 * and `exp:YYYY-MM-DD`, then `# reason`. Blank lines and lines starting with `#` are comments.
 *
 *     CVE-2022-37434 exp:2025-06-30   # zlib inflateGetHeader is never called by our code
 *     GHSA-p6mc-m468-83gw pkg:npm/lodash   # dev-only tooling
 */
export function parseIgnoreFile(text: string, file: string): IgnoreEntry[] {
  const entries: IgnoreEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const hash = raw.indexOf('#');
    const body = (hash < 0 ? raw : raw.slice(0, hash)).trim();
    const reason = hash < 0 ? '' : raw.slice(hash + 1).trim();
    if (!body) return;
    const [id = '', ...rest] = body.split(/\s+/);
    let purl: string | undefined;
    let expires: Date | undefined;
    for (const token of rest) {
      if (token.startsWith('exp:')) {
        const date = new Date(`${token.slice(4)}T23:59:59Z`);
        if (!/^\d{4}-\d\d-\d\d$/.test(token.slice(4)) || Number.isNaN(date.getTime())) {
          throw new CorruptInputError(`${file}:${index + 1}: invalid expiry ${JSON.stringify(token)}; write exp:YYYY-MM-DD`);
        }
        expires = date;
      } else if (token.startsWith('pkg:')) {
        purl = token;
      } else {
        throw new CorruptInputError(
          `${file}:${index + 1}: unexpected ${JSON.stringify(token)}; expected an id, then optionally a purl and exp:YYYY-MM-DD, then # reason`,
        );
      }
    }
    entries.push({ id, purl, expires, reason, line: index + 1 });
  });
  return entries;
}

const productSchema = z.union([
  z.string(),
  z.object({ '@id': z.string().optional(), subcomponents: z.array(z.union([z.string(), z.object({ '@id': z.string() })])).optional() }),
]);
const openVexSchema = z.object({
  '@context': z.string().refine((c) => c.startsWith('https://openvex.dev/ns'), 'not an OpenVEX document'),
  statements: z.array(
    z.object({
      vulnerability: z.union([z.string(), z.object({ name: z.string().optional(), '@id': z.string().optional(), aliases: z.array(z.string()).optional() })]),
      products: z.array(productSchema).optional(),
      status: z.enum(['not_affected', 'affected', 'fixed', 'under_investigation']),
      justification: z.string().optional(),
      impact_statement: z.string().optional(),
      action_statement: z.string().optional(),
    }),
  ),
});
export type OpenVex = z.infer<typeof openVexSchema>;

export function parseOpenVex(text: string, file: string): OpenVex {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CorruptInputError(`${file} is not JSON`, { cause: error });
  }
  const parsed = openVexSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CorruptInputError(`${file} is not an OpenVEX document (${issue?.path.join('.') || '(root)'}: ${issue?.message})`);
  }
  return parsed.data;
}

/** `pkg:npm/lodash@4.17.15?x=y` → `pkg:npm/lodash`, for matching a purl written with or without version. */
function purlBase(purl: string): string {
  return purl.split(/[?#]/)[0]?.replace(/@[^/@]*$/, '') ?? purl;
}

function purlMatches(pattern: string, purl: string): boolean {
  const plain = pattern.split(/[?#]/)[0] ?? pattern;
  return plain.includes('@') ? plain === purl.split(/[?#]/)[0] : purlBase(pattern) === purlBase(purl);
}

const idsOf = (finding: VulnerabilityFinding): string[] => [finding.id, ...finding.aliases];

export interface SuppressOptions {
  ignores?: readonly IgnoreEntry[];
  vex?: readonly OpenVex[];
  /** The image's own purl: a VEX statement about the image covers all its packages. */
  imagePurl?: string;
  now: Date;
  warn: (message: string) => void;
}

/**
 * Applies the ignore file and VEX documents: `not_affected` and `fixed` statements and live ignore
 * entries take findings out (kept, with the reason, in the suppressed list); `affected` and
 * `under_investigation` leave them in. Expired ignore entries no longer apply, and say so.
 */
export function suppressFindings(
  findings: readonly VulnerabilityFinding[],
  options: SuppressOptions,
): { kept: VulnerabilityFinding[]; suppressed: Suppression[] } {
  const live = (options.ignores ?? []).filter((entry) => {
    if (entry.expires && entry.expires < options.now) {
      options.warn(`ignore entry ${entry.id} (line ${entry.line}) expired on ${entry.expires.toISOString().slice(0, 10)}; it no longer applies`);
      return false;
    }
    return true;
  });
  const kept: VulnerabilityFinding[] = [];
  const suppressed: Suppression[] = [];
  for (const finding of findings) {
    const ids = idsOf(finding);
    const ignore = live.find((entry) => ids.includes(entry.id) && (!entry.purl || purlMatches(entry.purl, finding.package.purl)));
    if (ignore) {
      suppressed.push({ finding, by: 'ignorefile', reason: ignore.reason || `listed in the ignore file (line ${ignore.line})` });
      continue;
    }
    const statement = (options.vex ?? []).flatMap((doc) => doc.statements).find((s) => vexApplies(s, ids, finding.package.purl, options.imagePurl));
    if (statement && (statement.status === 'not_affected' || statement.status === 'fixed')) {
      const why = [statement.justification, statement.impact_statement].filter(Boolean).join(': ');
      suppressed.push({ finding, by: 'vex', reason: `${statement.status}${why ? ` (${why})` : ''}` });
      continue;
    }
    kept.push(finding);
  }
  return { kept, suppressed };
}

function vexApplies(statement: OpenVex['statements'][number], ids: readonly string[], purl: string, imagePurl: string | undefined): boolean {
  const vulnerability = statement.vulnerability;
  const names =
    typeof vulnerability === 'string'
      ? [vulnerability]
      : [vulnerability.name, vulnerability['@id'], ...(vulnerability.aliases ?? [])].filter((n): n is string => Boolean(n));
  if (!names.some((name) => ids.includes(name))) return false;
  const products = statement.products ?? [];
  if (products.length === 0) return true;
  return products.some((product) => {
    if (typeof product === 'string') return purlMatches(product, purl) || (imagePurl !== undefined && purlMatches(product, imagePurl));
    const subcomponents = product.subcomponents?.map((s) => (typeof s === 'string' ? s : s['@id'])) ?? [];
    const id = product['@id'];
    if (subcomponents.length > 0)
      return subcomponents.some((s) => purlMatches(s, purl)) && (!id || !imagePurl || purlMatches(id, imagePurl) || id.startsWith('pkg:oci/'));
    return id !== undefined && (purlMatches(id, purl) || (imagePurl !== undefined && purlMatches(id, imagePurl)));
  });
}
