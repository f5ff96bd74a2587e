import { existsSync } from 'node:fs';
import path from 'node:path';
import type { EstateEvidence } from '../../lifecycle/estate-model.js';
import { loadShipshapeConfig } from '../../lifecycle/config.js';
import { assessPosture } from '../../lifecycle/posture/assess.js';
import { postureControlIds } from '../../lifecycle/posture/controls/registry.js';
import type { PostureReport } from '../../lifecycle/posture/model.js';
import { defaultPolicy, loadPolicy } from '../../lifecycle/posture/policy.js';
import { estateFindings } from '../../report/estate-findings.js';
import type { ReportInput } from '../../report/html/input.js';
import { renderPostureTable } from '../../report/posture-table.js';
import { AdvisoryStore } from '../../vuln/advisories/store.js';
import { ExitCode, type CliIo } from '../io.js';
import { defaultCacheDir } from '../options.js';
import { writeOutput } from '../read.js';
import { version } from '../version.js';
import { estateFromOptions } from './estate-run.js';
import type { PostureValues } from './posture.js';

/** The work of `shipshape posture`; returns the exit code. */
export async function runPosture(values: PostureValues, io: CliIo): Promise<number> {
  const dbPath = values.db ?? AdvisoryStore.defaultPath(defaultCacheDir(io));
  const advisories = values.db !== undefined || existsSync(dbPath) ? AdvisoryStore.open(dbPath, { create: false, readonly: true }) : undefined;
  try {
    // the policy first: a mistake in it should not wait for registry scans
    const config = values.config === undefined ? undefined : await loadShipshapeConfig(values.config);
    const policyFile = values.policy ?? config?.policy;
    const loaded = policyFile ? await loadPolicy(policyFile, postureControlIds()) : defaultPolicy;
    // the estate's allowed registries stand for the policy's when the policy names none
    const estateAllowed = values.allowedRegistries ?? config?.allowedRegistries ?? [];
    const policy = loaded.allowedRegistries.length > 0 ? loaded : { ...loaded, allowedRegistries: estateAllowed };
    const estate = await estateFromOptions(values, io, { advisories, config, maxImageAgeDays: policy.maxImageAgeDays });
    const now = new Date();
    const posture = assessPosture(estate.evidence, estate.map, { policy, now, ...(advisories ? { advisories } : {}) });
    const title = values.title ?? `Shipshape posture report — ${estate.config ? path.basename(path.dirname(path.resolve(estate.config.file))) : 'estate'}`;
    const text = await renderPosture(values.format, { title, generatedAt: now.toISOString(), toolVersion: version, map: estate.map, posture, findings: estateFindings(estate.evidence, estate.map) }, estate.evidence, io);
    await writeOutput(io, values.output, text);
    return exitCodeOf(posture, values);
  } finally {
    advisories?.close();
  }
}

/** The report in the asked format. */
export async function renderPosture(format: PostureValues['format'], input: ReportInput, evidence: EstateEvidence, io: Pick<CliIo, 'stdout'>): Promise<string> {
  if (format === 'html') return (await import('../../report/html/render.js')).renderHtmlReport(input);
  if (format === 'markdown') return (await import('../../report/markdown/posture.js')).renderMarkdownReport(input);
  if (format === 'json') return `${JSON.stringify({ schema: 'shipshape/posture-report@1', title: input.title, generatedAt: input.generatedAt, toolVersion: input.toolVersion, posture: input.posture, map: input.map, findings: input.findings }, null, 2)}\n`;
  if (format === 'sarif') return (await import('../../report/posture-sarif.js')).postureSarif(evidence, input.map, version);
  return renderPostureTable(input.posture, io.stdout.isTTY ? (io.stdout.columns ?? 120) : 200);
}

function exitCodeOf(posture: PostureReport, values: PostureValues): number {
  const failing = posture.controls.some((c) => c.status === 'gap') || (values.failUnder !== undefined && posture.overall < values.failUnder);
  if (!failing) return ExitCode.ok;
  if (values.exitCode !== 0) return values.exitCode;
  return values.failUnder !== undefined && posture.overall < values.failUnder ? 1 : ExitCode.ok;
}

