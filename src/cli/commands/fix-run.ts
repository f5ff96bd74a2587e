import path from 'node:path';
import { UsageError } from '../../core/errors.js';
import { escapeControls } from '../../core/format.js';
import { adviseBaseImages, type BaseImageAdvice } from '../../distribute/base-advice.js';
import { fixEstate, writeFixes, type ControlChange, type EstateFiles, type FixPlan } from '../../jobs/fix.js';
import { registryAccessOf, resolveDigests } from '../../jobs/resolve.js';
import type { EstateEvidence } from '../../lifecycle/estate-model.js';
import type { LifecycleMap } from '../../lifecycle/model.js';
import type { PostureReport } from '../../lifecycle/posture/model.js';
import { baseAdviceChanges, baseAdviceControlId, baseParentsOf, mergeBaseAdviceChanges } from '../../lifecycle/posture/support/base-advice-changes.js';
import { FixWorkspace } from '../../jobs/fix-workspace.js';
import { assessEstate, postureTitle } from '../../jobs/posture.js';
import { collectEstate, estateFilePath } from '../../lifecycle/collect.js';
import type { ShipshapeConfig } from '../../lifecycle/config.js';
import { buildLifecycleMap } from '../../lifecycle/map.js';
import type { AdvisoryStore } from '../../vuln/advisories/store.js';
import { failClosed, warn } from '../errors.js';
import { ExitCode, type CliIo } from '../io.js';
import { defaultCacheDir } from '../options.js';
import { writeOutput } from '../read.js';
import { version } from '../version.js';
import { schemaName } from '../../report/json-documents.js';
import type { Estate } from './estate-run.js';
import { estateWithPolicy, withAdvisories } from './posture-run.js';
import type { FixValues } from './fix.js';
import type { EstateOptionValues } from './map.js';

/**
 * The work of `shipshape fix`: the estate read and assessed as `posture` does (registries scanned
 * once), then patched round after round in a working copy in the cache (`fixEstate`); the diff
 * printed, or with `--write` the files written in place — all or none.
 */
export async function runFix(values: FixValues, io: CliIo): Promise<number> {
  return withAdvisories(values.db, io, async (advisories) => {
    const { config, policy, estate } = await estateWithPolicy(values, io, advisories);
    if (estate.collected.manifests.includes('-'))
      throw new UsageError('fix cannot patch manifests read from standard input', { hint: 'give the files with --manifests' });
    // a file the readers could not read is not patched around: nothing is written, nothing offered
    const unread = (estate.evidence.diagnostics ?? []).filter((d) => d.level === 'error');
    if (unread.length > 0) return failClosed(io, unread, ExitCode.error);
    const resolved = values.resolve ? await resolveEstate(estate, config, advisories, io) : undefined;
    const roots = [...estate.collected.sources, ...estate.collected.manifests].map((root) => path.resolve(io.cwd, root));
    const workspace = await FixWorkspace.create(path.join(defaultCacheDir(io), 'fix'), roots);
    try {
      const copied = (paths: readonly string[]): string[] => paths.map((p) => workspace.copyOf(path.resolve(io.cwd, p)));
      const plan = await fixEstate(
        {
          workspace,
          base: estateBaseOf(config, io),
          async assess() {
            const sources = copied(estate.collected.sources);
            const evidence = await collectEstate({ ...estate.collected, sources, manifests: copied(estate.collected.manifests) });
            if (estate.evidence.unscannedRegistries) evidence.unscannedRegistries = estate.evidence.unscannedRegistries;
            const now = new Date();
            const map = buildLifecycleMap(evidence, now, { config: config?.file });
            const input = assessEstate(evidence, map, {
              policy,
              now,
              advisories,
              title: postureTitle(estate.config),
              toolVersion: version,
              resolvedDigests: resolved?.digests,
            });
            const extra = resolved ? withBaseAdvice(input.posture, resolved.advice, evidence, map) : undefined;
            return { report: input.posture, locate: (file: string) => estateFilePath(sources, file), extra };
          },
        },
        { controls: values.control.length > 0 ? values.control : undefined, rules: values.rule.length > 0 ? values.rule : undefined },
      );
      const output = values.format === 'json' ? fixJson(plan, estateBaseOf(config, io)) : plan.patch;
      if (values.write) {
        const written = await writeFixes(plan);
        if (values.output !== undefined) await writeOutput(io, values.output, output);
        io.stdout.write(written.map((file) => `wrote ${escapeControls(file)}\n`).join(''));
      } else await writeOutput(io, values.output, output);
      if (values.format !== 'json' || values.write) io.stderr.write(summaryOf(plan, values.write));
      return ExitCode.ok;
    } finally {
      await workspace.remove();
    }
  });
}

/**
 * `--resolve`: the digests of the estate's unpinned parent and workload images, asked of their
 * registries, and base image advice for each parent (its line's tags read and scanned). What cannot
 * be resolved is said, and its change stays manual.
 */
async function resolveEstate(
  estate: Estate,
  config: ShipshapeConfig | undefined,
  advisories: AdvisoryStore | undefined,
  io: CliIo,
): Promise<{ digests: Map<string, string>; advice: BaseImageAdvice[] }> {
  const access = registryAccessOf(config, io.env, io.homedir);
  const parents = baseParentsOf(estate.evidence.build.dockerfiles);
  const workloads = (estate.evidence.run?.images ?? []).map((image) => image.image).filter((image) => image !== '');
  const { digests, problems } = await resolveDigests([...parents.map((p) => p.reference), ...workloads], access);
  for (const problem of problems) warn(io, `not resolved, left to pin by hand: ${problem}`);
  const advice = await adviseBaseImages(parents, { advisories, access, cacheDir: defaultCacheDir(io), now: new Date() });
  for (const item of advice) if (item.verdict === 'unknown') warn(io, `no base image advice for ${item.parent}: ${item.why}`);
  return { digests, advice };
}

/**
 * Base image advice as changes filed under SS-CTL-B01, whatever B01's status (a better base is worth
 * taking even with every FROM pinned); B01's own pin of a line the advice rewrites is dropped. Advice
 * whose FROM line no longer reads as advised (taken in an earlier round) is left out.
 */
function withBaseAdvice(posture: PostureReport, advice: readonly BaseImageAdvice[], evidence: EstateEvidence, map: LifecycleMap): ControlChange[] {
  const advised = baseAdviceChanges(advice, map).filter((change) =>
    change.edits.every((edit) => edit.kind !== 'substitute' || lineOf(evidence.dockerfileTexts?.get(edit.file), edit.line)?.includes(edit.find) === true),
  );
  const b01 = posture.controls.find((c) => c.control.id === baseAdviceControlId);
  if (b01) b01.changes = mergeBaseAdviceChanges(b01.changes, advised).filter((change) => !advised.includes(change));
  return advised.filter((change) => change.edits.length > 0).map((change) => ({ control: baseAdviceControlId, change }));
}

function lineOf(text: string | undefined, line: number): string | undefined {
  return text?.split(/\r?\n/)[line - 1];
}

/** The directory the estate's paths are relative to: the config file's, else the working directory. */
function estateBaseOf(config: ShipshapeConfig | undefined, io: CliIo): string {
  return config ? path.dirname(path.resolve(config.file)) : io.cwd;
}

/** The estate's files as they are, for the reports' patches: paths relative to the estate's directory. */
export function estateFilesOf(config: ShipshapeConfig | undefined, values: EstateOptionValues, io: CliIo): EstateFiles {
  const sources = [...(config?.sources ?? []), ...values.source.map((source) => path.resolve(io.cwd, source))];
  return { base: estateBaseOf(config, io), locate: (file) => estateFilePath(sources, file) };
}

function fixJson(plan: FixPlan, base: string): string {
  return `${JSON.stringify(
    {
      schema: schemaName('fix'),
      schemaVersion: 1,
      generatedAt: new Date().toISOString(),
      toolVersion: version,
      estate: base,
      changes: plan.changes.map((c) => ({
        control: c.control,
        rules: c.rules,
        kind: c.kind,
        summary: c.summary,
        ...(c.reason !== undefined ? { reason: c.reason } : {}),
        ...(c.snippet !== undefined ? { snippet: c.snippet } : {}),
        files: c.files.map((f) => ({ path: f.path, line: f.line ?? null, lines: f.lines ?? null, diff: f.diff })),
      })),
      files: plan.files.map((f) => ({ path: f.display, created: f.before === undefined })),
      patch: plan.patch,
    },
    null,
    2,
  )}\n`;
}

/** What was patched, and what needs a person and why (on stderr, so the diff on stdout stays a clean patch). */
function summaryOf(plan: FixPlan, written: boolean): string {
  const patched = plan.changes.filter((c) => c.kind === 'patch');
  const manual = plan.changes.filter((c) => c.kind === 'manual');
  const controls = [...new Set(patched.map((c) => c.control))].join(', ');
  const lines = [
    patched.length === 0
      ? 'Nothing to patch.'
      : `${written ? 'Patched' : 'Patch'}: ${patched.length} change(s) in ${plan.files.length} file(s) (${controls})${written ? '' : ' — apply it with git apply, patch -p1, or shipshape fix --write'}.`,
  ];
  if (manual.length > 0) {
    lines.push(`Not patched (${manual.length}): make these by hand`);
    for (const change of manual) lines.push(`  ${change.control}  ${escapeControls(change.reason ?? change.summary)}`);
  }
  return `${lines.join('\n')}\n`;
}
