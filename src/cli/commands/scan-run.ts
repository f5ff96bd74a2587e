import { plural } from '../../core/text.js';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { NotFoundError, messageOf } from '../../core/errors.js';
import type { LayerFileVisitor } from '../../image/layer/visitor.js';
import type { ImageModel } from '../../image/read-image.js';
import { checkImage } from '../../buildtime/image/check.js';
import { imageRules } from '../../buildtime/image/registry.js';
import { readDockerfileFile } from '../../buildtime/dockerfile/read.js';
import { analyzers } from '../../inventory/analyzers/registry.js';
import type { RuleFindingSet } from '../../report/rule-findings.js';
import { imagePurl } from '../../report/sbom/document.js';
import { cyclonedxJson } from '../../report/sbom/cyclonedx.js';
import { sarifJson, type SarifDockerfile } from '../../report/sarif.js';
import { scanJson, scanReport } from '../../report/vuln-json.js';
import { renderScan } from '../../report/vuln-table.js';
import type { RuleFinding } from '../../rules/rule.js';
import { defaultSecretConfig, displayModel, loadSecretConfig, secretFindings, secretRules, secretVisitor, type SecretConfig } from '../../secrets/index.js';
import { recordSeenEcosystems } from '../../vuln/advisories/seen.js';
import { AdvisoryStore } from '../../vuln/advisories/store.js';
import { coverageGaps, unreadPackages } from '../../vuln/coverage.js';
import { scanImage, type ScanResult } from '../../vuln/scan.js';
import type { SeverityLevel } from '../../core/severity.js';
import { parseIgnoreFile, parseOpenVex, type SuppressOptions } from '../../vuln/suppress.js';
import { durationMs } from '../flags.js';
import { warn } from '../errors.js';
import { ExitCode, type CliIo } from '../io.js';
import { outputWidth, wantsColor } from '../width.js';
import { defaultCacheDir } from '../options.js';
import { readImageForCli, writeOutput } from '../read.js';
import { version } from '../version.js';
import { parseScanners, parseSeverities, type ScanValues } from './scan.js';

/** The work of `shipshape scan image`; returns the exit code (`--exit-code` when findings remain). */
export async function runScan(name: string, values: ScanValues, io: CliIo): Promise<number> {
  const scanners = parseScanners(values.scanners);
  const severities = parseSeverities(values.severity);
  const maxAgeMs = durationMs(values.maxDbAge);
  const dbPath = values.db ?? AdvisoryStore.defaultPath(values.cacheDir ?? defaultCacheDir(io));
  const store = scanners.has('vuln') ? AdvisoryStore.open(dbPath, { create: false, readonly: true }) : undefined;
  try {
    if (store) warnIfStale(store, maxAgeMs, values.maxDbAge, io);
    const suppress = await suppressionsFor(values, io);
    const secretConfig = values.secretConfig ? await loadSecretConfig(values.secretConfig) : defaultSecretConfig;
    // package analysers only when vulnerabilities are looked for: they cost time on every layer
    const visitors: LayerFileVisitor[] = scanners.has('vuln') ? [...analyzers] : analyzers.filter((a) => a.id === 'os');
    if (scanners.has('secret')) visitors.push(secretVisitor({ maxFileBytes: secretConfig.maxFileBytes, allowValues: secretConfig.allowValues }));
    // values filtered while a layer is read would be cached as if unfiltered: read every layer afresh then
    const layerOptions = customisesLayerScan(secretConfig) ? { ...values, cache: false } : values;
    const model = await readImageForCli(name, layerOptions, io, visitors);
    // secrets are looked for in the image as it is; everything else reads it as shown, secrets masked
    const shown = displayModel(model);
    const result = scanImage(shown, store, {
      severities,
      ignoreUnfixed: values.ignoreUnfixed,
      baseLayers: values.baseLayers,
      suppress: { ...suppress, imagePurl: imagePurl(shown.image) },
    });
    const ruleSets = filterBySeverity(await ruleFindingSets(scanners, result, model, secretConfig, values), severities);
    const report = scanReport(result, ruleSets, [...scanners]);
    if (store) {
      await recordSeenEcosystems(path.dirname(dbPath), result.ecosystems).catch((error: unknown) => {
        warn(io, `could not record the ecosystems scanned (${messageOf(error)})`);
      });
    }
    const width = outputWidth(io, values.output);
    const text =
      values.format === 'json'
        ? scanJson(report)
        : values.format === 'sarif'
          ? sarifJson(report, version, values.dockerfile ? await dockerfileFor(values.dockerfile, result) : undefined, ruleSets)
          : values.format === 'cyclonedx'
            ? cyclonedxJson(
                { image: model.image, inventory: result.inventory, toolVersion: version, timestamp: new Date(), reproducible: false, randomUuid: randomUUID() },
                result.findings,
                result.coverage,
              )
            : renderScan(report, width, ruleSets, wantsColor(io, values));
    await writeOutput(io, values.output, text);
    const gaps = coverageGaps(result.coverage);
    for (const gap of gaps) warn(io, gap);
    const unread = scanners.has('vuln') ? unreadPackages(result.diagnostics) : [];
    for (const d of unread.slice(0, 20)) warn(io, `${d.where ? `${d.where}: ` : ''}${d.message} (packages there may not all be checked)`);
    if (unread.length > 20) warn(io, `… and ${unread.length - 20} more (see --format json)`);
    const found = result.findings.length + ruleSets.reduce((n, set) => n + set.findings.length, 0);
    if (values.exitCode === 0) return ExitCode.ok;
    if (found > 0) return values.exitCode;
    // a gate never passes on what was not read or not checked
    if (gaps.length > 0)
      io.stderr.write(`shipshape: the --exit-code gate fails: ${result.coverage?.notChecked.length} packages could not be checked for vulnerabilities\n`);
    if (unread.length > 0)
      io.stderr.write(
        `shipshape: the --exit-code gate fails: ${plural(unread.length, 'package file or version', 'package files or versions')} could not be read or compared completely\n`,
      );
    return gaps.length > 0 || unread.length > 0 ? values.exitCode : ExitCode.ok;
  } finally {
    store?.close();
  }
}

function warnIfStale(store: AdvisoryStore, maxAgeMs: number, maxAge: string, io: CliIo): void {
  const status = store.status();
  const age = status.updatedAt ? Date.now() - Date.parse(status.updatedAt) : Number.POSITIVE_INFINITY;
  if (age > maxAgeMs) {
    warn(io, `the advisory database was last updated ${status.updatedAt ?? 'never'}, more than ${maxAge} ago; run shipshape db update or db import`);
  }
}

function customisesLayerScan(config: SecretConfig): boolean {
  return config.allowValues.length > 0 || config.maxFileBytes !== defaultSecretConfig.maxFileBytes;
}

/** The secret and configuration findings the chosen scanners make (secrets in `image`, the image unmasked). */
async function ruleFindingSets(
  scanners: ReadonlySet<string>,
  result: ScanResult,
  image: ImageModel,
  secretConfig: SecretConfig,
  values: ScanValues,
): Promise<RuleFindingSet[]> {
  const sets: RuleFindingSet[] = [];
  if (scanners.has('secret')) {
    sets.push({
      scanner: 'secret',
      rules: secretRules.map((rule) => rule.meta),
      findings: secretFindings(image, { disable: secretConfig.disable, allowPaths: secretConfig.allowPaths, allowValues: secretConfig.allowValues }),
    });
  }
  if (scanners.has('config')) {
    sets.push({ scanner: 'image-config', rules: imageRules.map((rule) => rule.meta), findings: checkImage(result.model, { baseLayers: result.baseLayers }) });
    if (values.dockerfile) sets.push(await dockerfileFindings(values.dockerfile));
  }
  return sets;
}

function filterBySeverity(sets: RuleFindingSet[], severities: readonly SeverityLevel[] | undefined): RuleFindingSet[] {
  if (!severities) return sets;
  return sets.map((set) => ({ ...set, findings: set.findings.filter((f: RuleFinding) => severities.includes(f.severity)) }));
}

async function readText(file: string, what: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  return readFile(file, 'utf8').catch((error: unknown) => {
    throw new NotFoundError(`cannot read ${what} ${file}: ${messageOf(error)}`);
  });
}

/** Lints the `--dockerfile` given with the scan. */
async function dockerfileFindings(file: string): Promise<RuleFindingSet> {
  const { existsSync } = await import('node:fs');
  const { lintDockerfile } = await import('../../buildtime/dockerfile/lint.js');
  const { dockerfileRules } = await import('../../buildtime/dockerfile/registry.js');
  const content = await readDockerfileFile(file);
  const findings = lintDockerfile(content, { file: relativeUri(file), hasDockerignore: existsSync(path.join(path.dirname(file), '.dockerignore')) });
  return { scanner: 'dockerfile', rules: dockerfileRules.map((rule) => rule.meta), findings };
}

/** Reads `--ignorefile` (or `./.shipshapeignore` when present) and `--vex` documents. */
async function suppressionsFor(values: ScanValues, io: CliIo): Promise<SuppressOptions> {
  const { existsSync } = await import('node:fs');
  const found = path.join(io.cwd, '.shipshapeignore');
  const ignorefile = values.ignorefile ?? (existsSync(found) ? found : undefined);
  return {
    ignores: ignorefile ? parseIgnoreFile(await readText(ignorefile, 'the ignore file'), ignorefile) : [],
    vex: await Promise.all((values.vex ?? []).map(async (file) => parseOpenVex(await readText(file, 'the VEX document'), file))),
    now: new Date(),
    warn: (message) => warn(io, message),
  };
}

/** A path as code scanning resolves it: relative to the working directory, with forward slashes. */
function relativeUri(file: string): string {
  return path.relative(process.cwd(), path.resolve(file)).split(path.sep).join('/');
}

/** Reads `--dockerfile` and ties the image's build layers to its instructions. */
async function dockerfileFor(file: string, result: ScanResult): Promise<SarifDockerfile> {
  const { dockerfileLayers } = await import('../../buildtime/dockerfile-layers.js');
  const content = await readDockerfileFile(file);
  const firstBuildLayer = result.baseLayers ?? 0;
  const buildLayers = result.model.layers.slice(firstBuildLayer).map((layer) => layer.history?.created_by);
  return { uri: relativeUri(file), layers: dockerfileLayers(content, buildLayers), firstBuildLayer };
}
