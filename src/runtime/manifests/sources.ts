import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError, UsageError, messageOf } from '../../core/errors.js';
import { readInputText } from '../../core/text-file.js';
import type { ManifestSource } from './load.js';
import { pushAll } from '../../core/collections.js';

export interface ReadManifestSourcesOptions {
  /** Reads standard input for `-`; without it, `-` is a usage error (no stdin where this runs). */
  readStdin?: (() => Promise<string>) | undefined;
  /** Told of each file as it is read (for progress on large trees). */
  onFile?: ((file: string) => void) | undefined;
}

/**
 * The manifest texts behind a path as given by the user: a file, every `*.yaml` / `*.yml` /
 * `*.json` under a directory (recursively, sorted by name), or standard input for `-`. Used by
 * `k8s check` and by the lifecycle map, so both read the same files the same way. A directory
 * holding none is a NotFoundError.
 */
export async function readManifestSources(given: string, options: ReadManifestSourcesOptions = {}): Promise<ManifestSource[]> {
  if (given === '-') {
    if (options.readStdin === undefined) throw new UsageError('standard input (-) cannot be read here; give manifest files or directories');
    return [{ name: '(stdin)', text: await options.readStdin() }];
  }
  const info = await stat(given).catch(() => undefined);
  if (!info) throw new NotFoundError(`${given}: no such file or directory`);
  if (info.isFile()) return [await readSource(given, options.onFile)];
  const sources = await readDirectory(given, options.onFile);
  // an empty directory checked is not a directory that passed
  if (sources.length === 0) throw new NotFoundError(`${given}: no manifests found (no *.yaml, *.yml or *.json files in it or below)`);
  return sources;
}

async function readDirectory(directory: string, onFile: ReadManifestSourcesOptions['onFile']): Promise<ManifestSource[]> {
  const sources: ManifestSource[] = [];
  const entries = await readdir(directory, { withFileTypes: true }).catch((error: unknown) => {
    throw new NotFoundError(`cannot list ${directory}: ${messageOf(error)}`);
  });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const child = path.join(directory, entry.name);
    if (entry.isDirectory()) pushAll(sources, await readDirectory(child, onFile));
    else if (entry.isFile() && /\.(ya?ml|json)$/.test(entry.name)) sources.push(await readSource(child, onFile));
  }
  return sources;
}

async function readSource(file: string, onFile: ReadManifestSourcesOptions['onFile']): Promise<ManifestSource> {
  onFile?.(file);
  return { name: file, ...(await readInputText(file)) };
}
