import { NotFoundError, messageOf } from '../../core/errors.js';
import { analyzers } from '../../inventory/analyzers/registry.js';
import { randomUUID } from 'node:crypto';
import { cyclonedxJson } from '../../report/sbom/cyclonedx.js';
import { sarifJson, type SarifDockerfile } from '../../report/sarif.js';
import { scanReport } from '../../report/vuln-json.js';
import { renderScan } from '../../report/vuln-table.js';
import { AdvisoryStore } from '../../vuln/advisories/store.js';
import path from 'node:path';
import { recordSeenEcosystems } from '../../vuln/advisories/seen.js';
import { scanImage, type ScanResult } from '../../vuln/scan.js';
import { parseIgnoreFile, parseOpenVex, type SuppressOptions } from '../../vuln/suppress.js';
import { imagePurl } from '../../report/sbom/document.js';
import { ExitCode, type CliIo } from '../io.js';
import { defaultCacheDir } from '../options.js';
import { readImageForCli, writeOutput } from '../read.js';
import { version } from '../version.js';
import { parseDuration } from './durations.js';
import { parseSeverities, type ScanValues } from './scan.js';

/** The work of `shipshape scan image`; returns the exit code (`--exit-code` when findings remain). */
export async function runScan(name: string, values: ScanValues, io: CliIo): Promise<number> {
  const severities = parseSeverities(values.severity);
  const maxAgeMs = parseDuration(values.maxDbAge);
  const dbPath = values.db ?? AdvisoryStore.defaultPath(values.cacheDir ?? defaultCacheDir(io));
  const store = AdvisoryStore.open(dbPath, { create: false, readonly: true });
  try {
    const status = store.status();
    const age = status.updatedAt ? Date.now() - Date.parse(status.updatedAt) : Number.POSITIVE_INFINITY;
    if (age > maxAgeMs) {
      io.stderr.write(`shipshape: warning: the advisory database was last updated ${status.updatedAt ?? 'never'}, more than ${values.maxDbAge} ago; run shipshape db update or db import\n`);
    }
    const suppress = await suppressionsFor(values, io);
    const model = await readImageForCli(name, values, io, analyzers);
    const result = scanImage(model, store, { severities, ignoreUnfixed: values.ignoreUnfixed, baseLayers: values.baseLayers, suppress: { ...suppress, imagePurl: imagePurl(model.image) } });
    const report = scanReport(result);
    await recordSeenEcosystems(path.dirname(dbPath), result.ecosystems).catch((error: unknown) => {
      io.stderr.write(`shipshape: warning: could not record the ecosystems scanned (${messageOf(error)})\n`);
    });
    const width = io.stdout.isTTY ? (io.stdout.columns ?? 120) : 200;
    const text =
      values.format === 'json'
        ? `${JSON.stringify(report, null, 2)}\n`
        : values.format === 'sarif'
          ? sarifJson(report, version, values.dockerfile ? await dockerfileFor(values.dockerfile, result) : undefined)
          : values.format === 'cyclonedx'
            ? cyclonedxJson(
                { image: model.image, inventory: result.inventory, toolVersion: version, timestamp: new Date(), reproducible: false, randomUuid: randomUUID() },
                result.findings,
              )
            : renderScan(report, width);
    await writeOutput(io, values.output, text);
    return result.findings.length > 0 && values.exitCode !== 0 ? values.exitCode : ExitCode.ok;
  } finally {
    store.close();
  }
}

/** Reads `--ignorefile` (or `./.shipshapeignore` when present) and `--vex` documents. */
async function suppressionsFor(values: ScanValues, io: CliIo): Promise<SuppressOptions> {
  const { readFile } = await import('node:fs/promises');
  const { existsSync } = await import('node:fs');
  const read = async (file: string): Promise<string> =>
    readFile(file, 'utf8').catch((error: unknown) => {
      throw new NotFoundError(`cannot read ${file}: ${messageOf(error)}`);
    });
  const ignorefile = values.ignorefile ?? (existsSync('.shipshapeignore') ? '.shipshapeignore' : undefined);
  return {
    ignores: ignorefile ? parseIgnoreFile(await read(ignorefile), ignorefile) : [],
    vex: await Promise.all((values.vex ?? []).map(async (file) => parseOpenVex(await read(file), file))),
    now: new Date(),
    warn: (message) => io.stderr.write(`shipshape: warning: ${message}\n`),
  };
}

/** Reads `--dockerfile` and ties the image's build layers to its instructions. */
async function dockerfileFor(file: string, result: ScanResult): Promise<SarifDockerfile> {
  const { readFile } = await import('node:fs/promises');
  const { dockerfileLayers } = await import('../../build/dockerfile-layers.js');
  const content = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new NotFoundError(`cannot read the Dockerfile ${file}: ${messageOf(error)}`);
  });
  const firstBuildLayer = result.baseLayers ?? 0;
  const buildLayers = result.model.layers.slice(firstBuildLayer).map((layer) => layer.history?.created_by);
  return { uri: path.relative(process.cwd(), path.resolve(file)).split(path.sep).join('/'), layers: dockerfileLayers(content, buildLayers), firstBuildLayer };
}
