import type { Command } from 'commander';
import type { ScanConfig } from '../lifecycle/config.js';
import { configFileOf } from './config-file.js';
import type { CliIo } from './io.js';

/** The commands that take settings from `shipshape.yaml`'s `scan:`, and which of them. */
const scanSettings = new WeakMap<Command, readonly (keyof ScanConfig)[]>();

/**
 * Adds `--config FILE` / `--no-config` (as `map` and `posture` take them) to a command whose
 * `keys` may come from the config's `scan:` section when neither a flag nor a variable sets them.
 */
export function addScanConfigOptions(command: Command, keys: readonly (keyof ScanConfig)[]): Command {
  scanSettings.set(command, keys);
  return command
    .option('--config <file>', 'shipshape.yaml whose scan: section sets defaults for these flags (default: ./shipshape.yaml when there is one)')
    .option('--no-config', 'do not read ./shipshape.yaml');
}

/** Sets the options still at their default from the config's `scan:` section (source `config`). */
export async function applyScanConfig(command: Command, io: CliIo): Promise<void> {
  const keys = scanSettings.get(command);
  if (keys === undefined) return;
  // the config's parser is loaded only when there is a config to read
  const file = configFileOf(command.getOptionValue('config') as string | false | undefined, io);
  if (file === undefined) return;
  const { loadShipshapeConfig } = await import('../lifecycle/config.js');
  const config = await loadShipshapeConfig(file);
  for (const key of keys) {
    const value = config.scan[key];
    const source = command.getOptionValueSource(key);
    if (value !== undefined && (source === undefined || source === 'default')) command.setOptionValueWithSource(key, value, 'config');
  }
}
