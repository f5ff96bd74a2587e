import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { request } from 'undici';
import { NetworkError, RegistryError, messageOf } from '../../core/errors.js';
import { importOsv, type ImportResult } from './import.js';
import type { AdvisoryStore } from './store.js';

/** Where osv.dev publishes one `all.zip` per ecosystem. */
const osvBucket = 'https://osv-vulnerabilities.storage.googleapis.com';

export interface UpdateOptions {
  ecosystems: readonly string[];
  /** Base URL serving `<ecosystem>/all.zip` (an air-gapped mirror of the bucket). */
  mirror?: string | undefined;
  /** Downloads are written here (inside the cache directory) and removed after the import. */
  workDir: string;
  now: Date;
  signal?: AbortSignal | undefined;
  onProgress?: ((message: string) => void) | undefined;
}

/**
 * Downloads each ecosystem's `all.zip` (TLS verified, redirects followed within HTTPS), then imports
 * them all in one transaction: a failed download or import leaves the database as it was.
 */
export async function updateFromOsv(store: AdvisoryStore, options: UpdateOptions): Promise<ImportResult> {
  const base = (options.mirror ?? osvBucket).replace(/\/+$/, '');
  await mkdir(options.workDir, { recursive: true });
  const files: string[] = [];
  try {
    for (const ecosystem of options.ecosystems) {
      const url = `${base}/${encodeURIComponent(ecosystem)}/all.zip`;
      const file = path.join(options.workDir, `${ecosystem.replace(/[^A-Za-z0-9.-]+/g, '_')}.all.zip`);
      await download(url, file, options);
      files.push(file);
    }
    return await importOsv(store, files, { now: options.now, signal: options.signal, onProgress: (n) => options.onProgress?.(`imported ${n} records`) });
  } finally {
    await Promise.all(files.map((file) => rm(file, { force: true })));
  }
}

async function download(url: string, file: string, options: UpdateOptions): Promise<void> {
  let target = new URL(url);
  for (let redirects = 0; redirects <= 5; redirects++) {
    let response;
    try {
      response = await request(target, { method: 'GET', signal: options.signal, headers: { 'user-agent': 'shipshape' } });
    } catch (error) {
      throw new NetworkError(`cannot download ${target.href}: ${messageOf(error)}`, {
        cause: error,
        hint: 'behind a firewall? point --mirror at a copy of the OSV bucket',
      });
    }
    if ([301, 302, 303, 307, 308].includes(response.statusCode)) {
      await response.body.dump();
      const location = response.headers.location;
      const next = new URL(String(Array.isArray(location) ? location[0] : location), target);
      if (target.protocol === 'https:' && next.protocol !== 'https:') throw new RegistryError(`${target.host} redirected ${url} to plain HTTP; refusing`);
      target = next;
      continue;
    }
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new RegistryError(
        `downloading ${target.href} failed: HTTP ${response.statusCode}${response.statusCode === 404 ? ' (is the ecosystem name right? e.g. Debian, Alpine, npm, PyPI, Go, Maven)' : ''}`,
      );
    }
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        options.onProgress?.(`${path.basename(file)}: ${(bytes / 1048576).toFixed(1)} MiB`);
        callback(null, chunk);
      },
    });
    await pipeline(response.body, counter, createWriteStream(file));
    return;
  }
  throw new RegistryError(`too many redirects downloading ${url}`);
}
