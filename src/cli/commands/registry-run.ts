import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../../core/diagnostics.js';
import { NotFoundError, UsageError, messageOf } from '../../core/errors.js';
import type { RegistryScanReport } from '../../distribute/model.js';
import { uncheckedImage } from '../../distribute/rules/images.js';
import { registryRules } from '../../distribute/rules/registry.js';
import { ruleSarifJson } from '../../report/sarif.js';
import { registryHistoryJson, registryHistoryReport, registryScanJson } from '../../report/registry/json.js';
import { renderRegistryScan } from '../../report/registry/table.js';
import { printable, renderTable } from '../../report/table.js';
import { AdvisoryStore } from '../../vuln/advisories/store.js';
import { failClosed, warn } from '../errors.js';
import { ExitCode, type CliIo } from '../io.js';
import { outputWidth, wantsColor } from '../width.js';
import { defaultCacheDir, resolveRegistryOptions } from '../options.js';
import { ProgressLine } from '../progress.js';
import { writeOutput } from '../read.js';
import { version } from '../version.js';
import type { HistoryValues, RegistryScanValues } from './registry.js';
import { parseSeverities } from './scan.js';
import { pushAll } from '../../core/collections.js';

/** The work of `shipshape registry scan`; returns the exit code. */
export async function runRegistryScan(target: string, values: RegistryScanValues, io: CliIo): Promise<number> {
  const { parseRegistryTarget, scanRegistry } = await import('../../distribute/scan.js');
  const { loadPublicKey } = await import('../../distribute/signatures/index.js');
  const { ScanHistory } = await import('../../distribute/history.js');
  const { registry, prefix, plainHttp } = parseRegistryTarget(target);
  const scanners = new Set(
    values.scanners
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
  const unknown = [...scanners].filter((s) => !['vuln', 'secret', 'none'].includes(s));
  if (unknown.length > 0) {
    // Trivy's names for what `registry scan` does not read: said plainly, not "unknown"
    const elsewhere = unknown.filter((s) => s === 'misconfig' || s === 'config');
    throw new UsageError(
      `unknown scanner ${unknown.join(', ')}: use vuln, secret or none`,
      elsewhere.length > 0
        ? {
            hint: `${elsewhere.join(', ')} is not a scanner of registry scan (it reads no image configuration rules); scan image --scanners misconfig checks one image's configuration`,
          }
        : undefined,
    );
  }
  const severities = parseSeverities(values.severity);
  const options = await resolveRegistryOptions(values, io);
  if (plainHttp !== undefined) options.registry.plainHttp = plainHttp;
  const cacheDir = values.cacheDir ?? defaultCacheDir(io);
  const keys = await Promise.all(
    (values.key ?? []).map(async (file) =>
      loadPublicKey(
        await readFile(file).catch((error: unknown) => {
          throw new NotFoundError(`cannot read the key ${file}: ${messageOf(error)}`);
        }),
        file,
      ),
    ),
  );

  const dbPath = values.db ?? AdvisoryStore.defaultPath(cacheDir);
  const advisories = scanners.has('vuln') && existsSync(dbPath) ? AdvisoryStore.open(dbPath, { create: false, readonly: true }) : undefined;
  if (scanners.has('vuln') && !advisories)
    warn(io, `no advisory database at ${dbPath}; vulnerabilities are not counted (run shipshape db update or db import)`);
  const history = values.history ? ScanHistory.open(path.join(cacheDir, 'history.sqlite')) : undefined;
  const progress = ProgressLine.for(io, values.quiet);
  try {
    const report = await scanRegistry(registry, prefix, {
      registryOptions: options.registry,
      limits: options.limits,
      cacheDir: options.cacheDir,
      now: new Date(),
      parallel: values.parallel,
      keys,
      advisories,
      secrets: scanners.has('secret'),
      readLayers: scanners.has('vuln') || scanners.has('secret'),
      previous: history?.previous(registry, prefix),
      maxImageAgeDays: values.maxImageAge,
      onProgress: (event) =>
        progress?.message(event.kind === 'repositories' ? `${event.count} repositories` : `Images ${event.done}/${event.total}  ${event.name}`),
    });
    progress?.finish();
    history?.record(report);
    const shown: RegistryScanReport = severities ? { ...report, findings: report.findings.filter((f) => severities.includes(f.severity)) } : report;
    const width = outputWidth(io, values.output);
    const text =
      values.format === 'json'
        ? registryScanJson(shown)
        : values.format === 'sarif'
          ? ruleSarifJson(
              [
                {
                  scanner: 'registry',
                  rules: registryRules.map((r) => r.meta),
                  findings: shown.findings.map((f) => ({ ...f, location: { file: targetUri(f.target) } })),
                },
              ],
              version,
            )
          : renderRegistryScan(report, width, severities, wantsColor(io, values));
    await writeOutput(io, values.output, text);
    // images not fully checked for vulnerabilities: said on stderr, and a gate never passes on them, whatever --severity shows
    const unchecked = report.findings.filter((f) => f.ruleId === uncheckedImage.meta.id);
    for (const f of unchecked) warn(io, f.message);
    // what could not be read (a repository's tags, a tag, a manifest, an image) is named, and the exit code is 2
    const unread = (report.unread ?? []).map((u): Diagnostic => ({ level: 'error', code: 'registry.unread', message: u.message, where: u.where }));
    const gate = values.exitCode !== 0 && (shown.findings.length > 0 || unchecked.length > 0) ? values.exitCode : ExitCode.ok;
    return failClosed(io, unread, gate);
  } finally {
    progress?.finish();
    advisories?.close();
    history?.close();
  }
}

/** `docker://registry/repo:tag@digest`, the way skopeo names registry images: a SARIF artifact URI. */
function targetUri(target: RegistryScanReport['findings'][number]['target']): string {
  if (!target.repository) return `docker://${target.registry}`;
  return `docker://${target.registry}/${target.repository}${target.tag ? `:${target.tag}` : ''}${target.digest ? `@${target.digest}` : ''}`;
}

/** The work of `shipshape history`: the scans recorded, or what changed in one of them. */
export async function runHistory(registryArg: string | undefined, values: HistoryValues, io: CliIo): Promise<number> {
  const { ScanHistory, diffScans } = await import('../../distribute/history.js');
  const { parseRegistryTarget } = await import('../../distribute/scan.js');
  const file = path.join(values.cacheDir ?? defaultCacheDir(io), 'history.sqlite');
  if (!existsSync(file)) throw new NotFoundError(`no scan history at ${file}`, { hint: 'run shipshape registry scan first' });
  const target = registryArg === undefined ? undefined : parseRegistryTarget(registryArg);
  const history = ScanHistory.open(file);
  try {
    const scans = history.scans(target?.registry).filter((s) => target?.prefix === undefined || s.prefix === target.prefix);
    if (scans.length === 0) throw new NotFoundError(`no scans recorded${registryArg ? ` for ${registryArg}` : ''}`);
    const wanted = values.scan === undefined ? scans.reduce((a, b) => (b.id > a.id ? b : a)) : scans.find((s) => s.id === values.scan);
    if (!wanted) throw new NotFoundError(`no scan ${values.scan ?? ''}${registryArg ? ` of ${registryArg}` : ''}`);
    const before = scans
      .filter((s) => s.registry === wanted.registry && s.prefix === wanted.prefix && s.id < wanted.id)
      .reduce<(typeof scans)[number] | undefined>((a, b) => (!a || b.id > a.id ? b : a), undefined);
    const after = history.scan(wanted.id);
    const previous = before ? history.scan(before.id) : undefined;
    const changes = after && previous ? diffScans(previous, after) : undefined;
    if (values.format === 'json') {
      await writeOutput(io, values.output, registryHistoryJson(registryHistoryReport(scans, wanted, before, changes)));
      return ExitCode.ok;
    }
    const width = outputWidth(io, values.output);
    const rows = scans.map((s) => [String(s.id), s.registry, s.prefix ?? '', s.scannedAt, String(s.images), String(s.findings)]);
    const lines = [
      renderTable(['ID', 'REGISTRY', 'PREFIX', 'SCANNED', 'IMAGES', 'FINDINGS'], rows, {
        width,
        kinds: ['id', 'id', 'id', 'id', 'id', 'id'],
        align: ['right', 'left', 'left', 'left', 'right', 'right'],
      }),
      '',
    ];
    if (!changes)
      lines.push(
        `scan ${wanted.id} is the first of ${printable(`${wanted.registry}${wanted.prefix ? `/${wanted.prefix}` : ''}`, 'id')}: nothing to compare with`,
      );
    else {
      lines.push(`Changes in scan ${wanted.id} since scan ${before?.id ?? ''} (${changes.previousScanAt}):`);
      for (const t of changes.movedTags) lines.push(printable(`  moved   ${t.repository}:${t.tag}  ${t.from} → ${t.to}`, 'id'));
      for (const i of changes.newImages) lines.push(printable(`  new     ${i.repository}@${i.digest} ${i.tags.join(',')}`, 'id'));
      for (const t of changes.removedTags) lines.push(printable(`  removed ${t.repository}:${t.tag} (was ${t.digest})`, 'id'));
      const added = after?.findings.filter((f) => changes.newFindings.includes(f.fingerprint)) ?? [];
      if (changes.movedTags.length + changes.newImages.length + changes.removedTags.length + added.length === 0) lines.push('  nothing changed');
      else {
        lines.push(`  ${added.length} new finding(s)`);
        pushAll(
          lines,
          added.map((f) => `  finding ${f.ruleId} ${printable(f.message)}`),
        );
      }
    }
    await writeOutput(io, values.output, `${lines.join('\n')}\n`);
    return ExitCode.ok;
  } finally {
    history.close();
  }
}
