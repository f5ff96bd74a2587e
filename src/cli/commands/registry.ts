import { Command, Option } from 'commander';
import type { CliIo } from '../io.js';
import { parseExitCode, parsePositiveInt } from '../flags.js';
import { addRegistryOptions, type RegistryOptionValues } from '../options.js';
import { addScanConfigOptions } from '../scan-config.js';

export interface RegistryScanValues extends RegistryOptionValues {
  format: 'table' | 'json' | 'sarif';
  output?: string;
  key?: string[];
  db?: string;
  scanners: string;
  maxImageAge: number;
  history: boolean;
  exitCode: number;
  severity?: string;
}

export interface HistoryValues {
  format: 'table' | 'json';
  cacheDir?: string;
  scan?: number;
  output?: string;
}

/** `shipshape registry scan <registry>[/<prefix>]` and `shipshape history`: the distribute phase. */
export function registryCommand(io: CliIo, done: (code: number) => void): Command {
  const scan = addRegistryOptions(
    new Command('scan')
      .description(
        'scan a registry: repositories, tags and digests, image age/OS/vulnerabilities/secrets, signatures and attestations, who can pull, moved tags',
      )
      .argument('<registry>', 'host[:port][/repository-prefix], e.g. registry.example.com/team (http:// for plain HTTP)')
      .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'sarif']).default('table'))
      .option('-o, --output <file>', 'write to a file instead of stdout')
      .option('--key <file...>', 'cosign public key(s) (PEM) to verify signatures with')
      .option('--db <file>', 'advisory database (default: <cache-dir>/osv.sqlite; without one, vulnerabilities are not counted)')
      .option('--scanners <list>', 'what to read in each image: vuln, secret (comma-separated; "none" reads no layers)', 'vuln,secret')
      .option('--max-image-age <days>', 'images built longer ago than this are stale (SS-REG-012)', parsePositiveInt, 180)
      .option('--no-history', 'do not compare with, nor record into, the scan history')
      .option('-s, --severity <levels>', 'report only findings of these severities (comma-separated)')
      .option('--exit-code <n>', 'exit with this code when any finding is reported', parseExitCode, 0),
    'images read at once',
  );
  // scan.scanners is `scan image`'s list (registry scan reads no image configuration): not taken from there
  addScanConfigOptions(scan, ['severity', 'exitCode', 'db', 'cacheDir', 'parallel']).action(async (target: string, values: RegistryScanValues) => {
    const { runRegistryScan } = await import('./registry-run.js');
    done(await runRegistryScan(target, values, io));
  });
  return new Command('registry').description('container registries (distribute phase)').addCommand(scan);
}

export function historyCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('history')
    .description('what changed between registry scans: new images, moved tags, removed tags, new findings')
    .argument('[registry]', 'only scans of this registry (host[:port][/prefix])')
    .option('--scan <id>', 'compare this scan with the one before it (default: the latest)', parsePositiveInt)
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('--cache-dir <dir>', 'cache directory holding history.sqlite')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (registry: string | undefined, values: HistoryValues) => {
      const { runHistory } = await import('./registry-run.js');
      done(await runHistory(registry, values, io));
    });
}
