import { z } from 'zod';
import { NotFoundError, UsageError, messageOf } from '../core/errors.js';
import { readRegularFile } from '../core/regular-file.js';
import type { HostReport } from '../host/scan.js';

/** Largest host report read: 50,000 containers with their drift lists fit well within it. */
const maxHostReportBytes = 256 * 1024 * 1024;

/**
 * Reads a `shipshape host scan -f json` report for the map and the posture. The fields they read are
 * checked, and the lists they walk default to empty (a report trimmed by hand must not crash them);
 * the rest is kept as written.
 */
const driftSchema = z.looseObject({
  added: z.array(z.string()).default([]),
  modified: z.array(z.string()).default([]),
  deleted: z.array(z.string()).default([]),
  executables: z.array(z.looseObject({ path: z.string() })).default([]),
  packages: z
    .looseObject({ installed: z.array(z.looseObject({ name: z.string() })).default([]), removed: z.array(z.looseObject({ name: z.string() })).default([]) })
    .default({ installed: [], removed: [] }),
  secrets: z.array(z.looseObject({})).default([]),
  etc: z.array(z.looseObject({ path: z.string() })).default([]),
});
const reportSchema = z.looseObject({
  schema: z.literal('shipshape/host-scan@1'),
  host: z.looseObject({
    root: z.string(),
    hostname: z.string().optional(),
    engines: z.array(z.looseObject({ kind: z.enum(['docker', 'containerd', 'cri-o', 'podman', 'buildah']), containers: z.number() })).default([]),
    configFiles: z.array(z.string()).default([]),
    problems: z.array(z.string()).default([]),
  }),
  containers: z
    .array(
      z.looseObject({
        id: z.string(),
        name: z.string(),
        engine: z.string(),
        image: z.looseObject({ reference: z.string().optional(), digest: z.string().optional() }),
        mounts: z.array(z.looseObject({ source: z.string(), destination: z.string() })).default([]),
        drift: driftSchema.optional(),
      }),
    )
    .default([]),
  findings: z
    .array(
      z.looseObject({
        ruleId: z.string(),
        severity: z.string(),
        message: z.string(),
        container: z.looseObject({ id: z.string(), name: z.string() }).optional(),
      }),
    )
    .default([]),
});

const hint = 'give the output of shipshape host scan -f json';

export function parseHostReport(text: string, file: string): HostReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not JSON: ${messageOf(error)}`, { hint });
  }
  const result = reportSchema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new UsageError(`${file} is not a host scan report: ${issues.join('; ')}`, { hint });
  }
  // Checked above for every field the map and the controls read; the rest is the scanner's own output.
  return result.data as unknown as HostReport;
}

export async function loadHostReport(file: string): Promise<HostReport> {
  const content = await readRegularFile(file, maxHostReportBytes, 'host report').catch((error: unknown) => {
    throw new NotFoundError(`cannot read the host report ${file}: ${messageOf(error)}`);
  });
  return parseHostReport(content.toString('utf8'), file);
}
