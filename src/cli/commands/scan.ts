import { ownEntry } from '../../core/records.js';
import { Command, Option } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { SeverityLevel } from '../../core/severity.js';
import type { CliIo } from '../io.js';
import { parseDuration, parseExitCode, parsePositiveInt } from '../flags.js';
import { addImageOptions, type ImageOptionValues } from '../options.js';
import { addScanConfigOptions } from '../scan-config.js';

export interface ScanValues extends ImageOptionValues {
  format: 'table' | 'json' | 'sarif' | 'cyclonedx';
  output?: string;
  severity?: string;
  ignoreUnfixed: boolean;
  exitCode: number;
  baseLayers?: number;
  db?: string;
  maxDbAge: string;
  ignorefile?: string;
  dockerfile?: string;
  scanners: string;
  secretConfig?: string;
  vex?: string[];
}

const severityLevels: readonly SeverityLevel[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];

/** `--severity HIGH,CRITICAL` → the levels, checked. */
export function parseSeverities(text: string | undefined): SeverityLevel[] | undefined {
  if (text === undefined) return undefined;
  const levels = text
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  const bad = levels.filter((level) => !severityLevels.includes(level as SeverityLevel));
  if (bad.length > 0) throw new UsageError(`unknown severity ${bad.join(', ')}: use ${severityLevels.join(', ')}`);
  return levels as SeverityLevel[];
}

const scannerNames = ['vuln', 'secret', 'config'] as const;
export type ScannerName = (typeof scannerNames)[number];

/** Trivy's spellings of our scanners: `misconfig` is what Shipshape calls `config`. */
const scannerAliases: Readonly<Record<string, ScannerName>> = { misconfig: 'config' };

/** `--scanners vuln,secret` (or Trivy's `vuln,misconfig`) → the scanners, checked. */
export function parseScanners(text: string): Set<ScannerName> {
  const names = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)
    .map((name) => ownEntry(scannerAliases, name) ?? name);
  const bad = names.filter((name) => !scannerNames.includes(name as ScannerName));
  if (bad.length > 0 || names.length === 0) throw new UsageError(`unknown scanner ${bad.join(', ') || '(none)'}: use ${scannerNames.join(', ')}`);
  return new Set(names as ScannerName[]);
}

/** `shipshape scan image <image>`: vulnerabilities, secrets and misconfiguration, with CI gates. */
export function scanCommand(io: CliIo, done: (code: number) => void): Command {
  const image = new Command('image')
    .description('find vulnerabilities, secrets (in every layer) and misconfiguration in an image, with the layer that brought each')
    .argument('<image>', 'docker-archive or OCI archive (.tar), OCI layout directory, or registry reference')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'sarif', 'cyclonedx']).default('table'))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('-s, --severity <levels>', 'report only these severities (comma-separated: CRITICAL,HIGH,MEDIUM,LOW,UNKNOWN)')
    .option('--ignore-unfixed', 'leave out vulnerabilities that have no fixed version', false)
    .option('--exit-code <n>', 'exit with this code when any (reported) vulnerability is found', parseExitCode, 0)
    .option('--base-layers <n>', 'how many leading layers are the base image (default: read off the history)', parsePositiveInt)
    .option('--scanners <list>', 'what to look for: vuln, secret, config (comma-separated; misconfig, as Trivy spells it, is config)', 'vuln,secret,config')
    .option('--secret-config <file>', 'secret scanner settings (JSON: disable, allowPaths, allowValues, maxFileBytes)')
    .option('--dockerfile <file>', 'the Dockerfile that built the image: SARIF results point at the instruction that brought each package')
    .option('--ignorefile <file>', 'ids to ignore, with a reason and optional exp:YYYY-MM-DD (default: ./.shipshapeignore if present)')
    .option('--vex <file...>', 'OpenVEX documents: not_affected/fixed statements suppress findings (the justification is shown)')
    .option('--db <file>', 'advisory database (default: <cache dir>/advisories/osv.sqlite)')
    .option('--max-db-age <duration>', 'warn when the advisory database is older than this (e.g. 72h, 7d)', parseDuration, '7d');
  addScanConfigOptions(addImageOptions(image), ['severity', 'exitCode', 'scanners', 'ignoreUnfixed', 'db', 'cacheDir', 'parallel', 'maxDbAge']).action(
    async (name: string, values: ScanValues) => {
      const { runScan } = await import('./scan-run.js');
      done(await runScan(name, values, io));
    },
  );
  return new Command('scan').description('scan for vulnerabilities').addCommand(image);
}
