import { existsSync } from 'node:fs';
import type { Diagnostic } from '../../core/diagnostics.js';
import type { EstateEvidence } from '../../lifecycle/estate-model.js';
import type { PostureReport } from '../../lifecycle/posture/model.js';
import type { ReportInput } from '../../report/html/input.js';
import { renderPostureTable } from '../../report/posture-table.js';
import { AdvisoryStore } from '../../vuln/advisories/store.js';
import { escapeControls } from '../../core/format.js';
import { failClosed, warn } from '../errors.js';
import { messageOf } from '../../core/errors.js';
import { attachPatches } from '../../jobs/fix.js';
import { estateFilesOf } from './fix-run.js';
import { ExitCode, type CliIo } from '../io.js';
import { outputWidth, wantsColor } from '../width.js';
import { defaultCacheDir } from '../options.js';
import { writeOutput } from '../read.js';
import { version } from '../version.js';
import { estateFromOptions, loadEstateConfig, type Estate } from './estate-run.js';
import type { EstateOptionValues } from './map.js';
import type { ShipshapeConfig } from '../../lifecycle/config.js';
import type { Policy } from '../../lifecycle/posture/policy.js';
import { assessEstate, loadEstatePolicy, postureTitle } from '../../jobs/posture.js';
import type { PostureValues } from './posture.js';

/** The work of `shipshape posture`; returns the exit code. */
export async function runPosture(values: PostureValues, io: CliIo): Promise<number> {
  return withAdvisories(values.db, io, async (advisories) => {
    const { policy, estate } = await estateWithPolicy(values, io, advisories);
    const input = assessEstate(estate.evidence, estate.map, {
      policy,
      now: new Date(),
      advisories,
      title: values.title ?? postureTitle(estate.config),
      toolVersion: version,
    });
    // each change the files allow shown with its patch (a file that cannot be read leaves its changes without one)
    await attachPatches(input.posture, estateFilesOf(estate.config, values, io)).catch((error: unknown) =>
      warn(io, `the proposed changes are shown without their patches: ${messageOf(error)}`),
    );
    const posture = input.posture;
    const text = await renderPosture(values.format, input, estate.evidence, outputWidth(io, values.output), wantsColor(io, values));
    await writeOutput(io, values.output, text);
    // manifests, cluster kinds and registries (or parts of them) that could not be read: their phases
    // were assessed without them, so the gate fails
    const unreadRegistries = estate.map.inputs.unscannedRegistries.map((r): Diagnostic => ({
      level: 'error',
      code: 'registry.unread',
      message: `could not be scanned: ${r.reason}`,
      where: r.registry,
    }));
    const unread = (estate.evidence.diagnostics ?? [])
      .filter((d) => d.level === 'error' && (d.code.startsWith('manifest.') || d.code.startsWith('cluster.')))
      .concat(unreadRegistries);
    return failClosed(io, unread, exitCodeOf(posture, values));
  });
}

/** The advisory database of `--db` (else the cache's, when there is one), open while `work` runs. */
export async function withAdvisories<T>(db: string | undefined, io: CliIo, work: (advisories: AdvisoryStore | undefined) => Promise<T>): Promise<T> {
  const dbPath = db ?? AdvisoryStore.defaultPath(defaultCacheDir(io));
  const advisories = db !== undefined || existsSync(dbPath) ? AdvisoryStore.open(dbPath, { create: false, readonly: true }) : undefined;
  try {
    return await work(advisories);
  } finally {
    advisories?.close();
  }
}

/** The estate of the flags and config and the policy it is assessed by — the policy first: a mistake in it should not wait for registry scans. */
export async function estateWithPolicy(
  values: EstateOptionValues & { policy?: string | undefined },
  io: CliIo,
  advisories: AdvisoryStore | undefined,
): Promise<{ config: ShipshapeConfig | undefined; policy: Policy; estate: Estate }> {
  const config = await loadEstateConfig(values, io);
  const policy = await loadEstatePolicy(config, { policyFile: values.policy, allowedRegistries: values.allowedRegistries });
  const estate = await estateFromOptions(values, io, { advisories, config, maxImageAgeDays: policy.maxImageAgeDays });
  return { config, policy, estate };
}

/** The report in the asked format. */
async function renderPosture(format: PostureValues['format'], input: ReportInput, evidence: EstateEvidence, width: number, color = false): Promise<string> {
  if (format === 'html') return (await import('../../report/html/render.js')).renderHtmlReport(input);
  if (format === 'markdown') return (await import('../../report/markdown/posture.js')).renderMarkdownReport(input);
  if (format === 'json') return (await import('../../report/posture-json.js')).postureJson(input);
  if (format === 'sarif') return (await import('../../report/posture-sarif.js')).postureSarif(evidence, input.map, version);
  const unscanned = input.map.inputs.unscannedRegistries
    .map((r) => `Not scanned: ${escapeControls(r.registry)} (${escapeControls(r.reason)}): not assessed\n`)
    .join('');
  return `Config: ${escapeControls(input.map.inputs.config ?? 'none read')}\n${unscanned}\n${renderPostureTable(input.posture, width, color)}`;
}

/**
 * The gates: `--exit-code` fails on a gap, and on a control whose places could not be assessed (its
 * evidence names them: an image whose packages were not checked); `--fail-under` on a score below
 * the bar, or on no score at all (nothing assessed is not a pass).
 */
function exitCodeOf(posture: PostureReport, values: PostureValues): number {
  const underBar = values.failUnder !== undefined && (posture.overall === null || posture.overall < values.failUnder);
  const failing = posture.controls.some((c) => c.status === 'gap' || (c.status === 'unknown' && c.evidence.length > 0)) || underBar;
  if (!failing) return ExitCode.ok;
  if (values.exitCode !== 0) return values.exitCode;
  return underBar ? ExitCode.findings : ExitCode.ok;
}
