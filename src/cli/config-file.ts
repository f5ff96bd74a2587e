import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CliIo } from './io.js';

/** The estate's config file, found in the working directory when no `--config` names one. */
export const configFileName = 'shipshape.yaml';

/**
 * The config file a command reads: the one `--config` names, `./shipshape.yaml` when it exists, or
 * none (`--no-config`, or no such file). Light on purpose: commands that may read a config decide
 * here, before loading the config's parser.
 */
export function configFileOf(config: string | false | undefined, io: Pick<CliIo, 'cwd'>): string | undefined {
  if (config === false) return undefined;
  if (config !== undefined) return config;
  const found = path.join(io.cwd, configFileName);
  return existsSync(found) ? found : undefined;
}
