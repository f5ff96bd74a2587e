import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { NotFoundError, UsageError, messageOf } from '../core/errors.js';
import type { RegistryScanReport } from '../distribute/model.js';

/**
 * Reads a `shipshape registry scan -f json` report for the map and the posture. The fields they
 * read are checked, and the lists they walk default to empty (a report trimmed by hand must not
 * crash them); the rest is kept as written.
 */
const coverageSchema = z.looseObject({
  complete: z.boolean(),
  ecosystems: z.array(z.looseObject({ ecosystem: z.string(), covered: z.boolean(), packages: z.number() })),
});
const platformSchema = z.looseObject({ digest: z.string(), platform: z.string().default(''), coverage: coverageSchema.optional() });
const evidenceSchema = z.looseObject({ manifestDigest: z.string() });
const reportSchema = z.looseObject({
  schema: z.literal('shipshape/registry-scan@1'),
  registry: z.string().min(1),
  prefix: z.string().optional().nullable(),
  scannedAt: z.string(),
  access: z.looseObject({ scheme: z.enum(['http', 'https']), authScheme: z.string() }),
  repositories: z.array(
    z.looseObject({
      name: z.string(),
      tags: z.array(z.looseObject({ tag: z.string(), digest: z.string() })),
      images: z.array(
        z.looseObject({
          digest: z.string(),
          tags: z.array(z.string()),
          platforms: z.array(platformSchema).default([]),
          signatures: z.array(evidenceSchema).default([]),
          attestations: z.array(evidenceSchema).default([]),
        }),
      ),
    }),
  ),
  findings: z.array(z.looseObject({ ruleId: z.string(), fingerprint: z.string(), target: z.looseObject({ registry: z.string() }) })).default([]),
  diagnostics: z.array(z.string()).default([]),
  unread: z.array(z.looseObject({ where: z.string(), message: z.string() })).default([]),
});

function parseRegistryReport(text: string, file: string): RegistryScanReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not JSON: ${messageOf(error)}`, { hint: 'give the output of shipshape registry scan <registry> -f json' });
  }
  const result = reportSchema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new UsageError(`${file} is not a registry scan report: ${issues.join('; ')}`, {
      hint: 'give the output of shipshape registry scan <registry> -f json',
    });
  }
  // Checked above for every field the map reads; the remaining fields are the scanner's own output.
  return { ...result.data, prefix: result.data.prefix ?? undefined } as unknown as RegistryScanReport;
}

export async function loadRegistryReport(file: string): Promise<RegistryScanReport> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new NotFoundError(`cannot read the registry report ${file}: ${messageOf(error)}`);
  });
  return parseRegistryReport(text, file);
}
