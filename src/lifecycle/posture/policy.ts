import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { UsageError, messageOf } from '../../core/errors.js';
import type { SeverityLevel } from '../../core/severity.js';

/**
 * The posture policy: what this organisation requires (severities that fail, trusted registries,
 * the Pod Security level, image age, signatures) and the risks it has accepted, each until a date.
 * Written as YAML; our own config, so unknown fields are errors.
 */
export interface Policy {
  /** The file it was read from; undefined for the built-in default. */
  source: string | undefined;
  /** Vulnerability severities that count against the estate. */
  failOn: SeverityLevel[];
  /** Leave out vulnerabilities that have no fix yet (where the evidence says which have one). */
  ignoreUnfixed: boolean;
  /** Registries (`registry.example.com`, `*.example.com`) or repository prefixes (`ghcr.io/acme`, `docker.io/library/`) trusted for parent and running images, in the syntax of `parseAllowListEntry`. Empty: no allow-list. */
  allowedRegistries: string[];
  requiredPssLevel: 'baseline' | 'restricted';
  maxImageAgeDays: number;
  /** When false, the signature controls are shown but left out of the scores. */
  requireSignatures: boolean;
  /** Paths of the public keys signatures must verify with. */
  trustedKeys: string[];
  acceptedRisks: AcceptedRisk[];
}

/** A gap the organisation has decided to live with, for a while. */
export interface AcceptedRisk {
  /** `SS-CTL-R05`. */
  control: string;
  /** A lifecycle map node id or a glob over node ids / evidence places (`workload:legacy/*`); undefined: the whole control. */
  target: string | undefined;
  reason: string;
  /** YYYY-MM-DD: the acceptance holds through this day (UTC). */
  expires: string;
}

export const defaultPolicy: Policy = {
  source: undefined,
  failOn: ['CRITICAL', 'HIGH'],
  ignoreUnfixed: false,
  allowedRegistries: [],
  requiredPssLevel: 'baseline',
  maxImageAgeDays: 180,
  requireSignatures: true,
  trustedKeys: [],
  acceptedRisks: [],
};

const severityWord = z.enum(['critical', 'high', 'medium', 'low', 'unknown'], { error: 'one of critical, high, medium, low, unknown' });

const isoDate = z
  .string({ error: 'a date written YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date written YYYY-MM-DD')
  .refine((text) => {
    const date = new Date(`${text}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
  }, 'not a real calendar date');

const policySchema = z
  .object({
    failOn: z.array(severityWord).optional(),
    ignoreUnfixed: z.boolean().optional(),
    allowedRegistries: z.array(z.string().min(1, 'an empty registry')).optional(),
    requiredPssLevel: z.enum(['baseline', 'restricted'], { error: 'baseline or restricted' }).optional(),
    maxImageAgeDays: z.number().int('a whole number of days').positive('a positive number of days').optional(),
    requireSignatures: z.boolean().optional(),
    trustedKeys: z.array(z.string().min(1, 'an empty path')).optional(),
    acceptedRisks: z
      .array(
        z
          .object({
            control: z.string().regex(/^SS-CTL-[BDRH]\d{2}$/, 'a control id like SS-CTL-R05'),
            target: z.string().min(1, 'an empty target').optional(),
            reason: z.string().trim().min(1, 'say why the risk is accepted'),
            // YAML reads an unquoted 2027-01-31 as a string with the default (core) schema; a Date is accepted too.
            expires: z.preprocess((value) => (value instanceof Date ? value.toISOString().slice(0, 10) : value), isoDate),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();

/**
 * Parses and checks a policy's YAML text. `file` names it in errors: every problem is reported
 * as `file: path.to.field: what is wrong` (line too, for YAML syntax errors).
 */
export function parsePolicy(text: string, file: string, knownControls?: ReadonlySet<string>): Policy {
  const document = parseDocument(text, { prettyErrors: false });
  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => `${file}:${text.slice(0, error.pos[0]).split('\n').length}: ${error.message.split('\n')[0]}`);
    throw new UsageError(`the policy ${file} is not valid YAML: ${problems.join('; ')}`);
  }
  let value: unknown;
  try {
    // bounded alias expansion: a policy is small, a "billion laughs" is not
    value = document.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    throw new UsageError(`the policy ${file} is not valid YAML: ${messageOf(error)}`);
  }
  const result = policySchema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new UsageError(`the policy ${file} is not valid: ${problems.join('; ')}`, {
      hint: 'fields: failOn, ignoreUnfixed, allowedRegistries, requiredPssLevel, maxImageAgeDays, requireSignatures, trustedKeys, acceptedRisks [{control, target, reason, expires}]',
    });
  }
  const data = result.data;
  const acceptedRisks = (data.acceptedRisks ?? []).map((risk) => ({
    control: risk.control,
    target: risk.target,
    reason: risk.reason.trim(),
    expires: risk.expires,
  }));
  if (knownControls) {
    const unknown = acceptedRisks.map((risk, index) => ({ risk, index })).filter(({ risk }) => !knownControls.has(risk.control));
    if (unknown.length > 0) {
      throw new UsageError(
        `the policy ${file} is not valid: ${unknown.map(({ risk, index }) => `acceptedRisks.${index}.control: no control ${risk.control}`).join('; ')}`,
      );
    }
  }
  return {
    source: file,
    failOn: data.failOn ? [...new Set(data.failOn.map((word) => word.toUpperCase() as SeverityLevel))] : defaultPolicy.failOn,
    ignoreUnfixed: data.ignoreUnfixed ?? defaultPolicy.ignoreUnfixed,
    allowedRegistries: data.allowedRegistries ?? [],
    requiredPssLevel: data.requiredPssLevel ?? defaultPolicy.requiredPssLevel,
    maxImageAgeDays: data.maxImageAgeDays ?? defaultPolicy.maxImageAgeDays,
    requireSignatures: data.requireSignatures ?? defaultPolicy.requireSignatures,
    trustedKeys: data.trustedKeys ?? [],
    acceptedRisks,
  };
}

/** Reads and checks a policy file. */
export async function loadPolicy(file: string, knownControls?: ReadonlySet<string>): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the policy ${file}: ${messageOf(error)}`);
  }
  return parsePolicy(text, file, knownControls);
}
