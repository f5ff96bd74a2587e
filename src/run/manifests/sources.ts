import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError, UsageError, messageOf } from '../../core/errors.js';
import type { ManifestSource } from './load.js';

export interface ReadManifestSourcesOptions {
  /** Reads standard input for `-`; without it, `-` is a usage error (no stdin where this runs). */
  readStdin?: (() => Promise<string>) | undefined;
}

/**
 * The manifest texts behind a path as given by the user: a file, every `*.yaml` / `*.yml` /
 * `*.json` under a directory (recursively, sorted by name), or standard input for `-`. Used by
 * `k8s check` and by the lifecycle map, so both read the same files the same way.
 */
export async function readManifestSources(given: string, options: ReadManifestSourcesOptions = {}): Promise<ManifestSource[]> {
  if (given === '-') {
    if (options.readStdin === undefined) throw new UsageError('standard input (-) cannot be read here; give manifest files or directories');
    return [{ name: '(stdin)', text: await options.readStdin() }];
  }
  const info = await stat(given).catch(() => undefined);
  if (!info) throw new NotFoundError(`${given}: no such file or directory`);
  if (info.isFile()) return [{ name: given, text: await readText(given) }];
  const sources: ManifestSource[] = [];
  for (const entry of (await readdir(given, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const child = path.join(given, entry.name);
    if (entry.isDirectory()) sources.push(...(await readManifestSources(child, options)));
    else if (entry.isFile() && /\.(ya?ml|json)$/.test(entry.name)) sources.push({ name: child, text: await readText(child) });
  }
  return sources;
}

async function readText(file: string): Promise<string> {
  return readFile(file, 'utf8').catch((error: unknown) => {
    throw new NotFoundError(`cannot read ${file}: ${messageOf(error)}`);
  });
}
