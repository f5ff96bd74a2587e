import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import type { Diagnostics } from '../core/diagnostics.js';
import { messageOf } from '../core/errors.js';
import type { LayerScan } from './layer/entry.js';

/**
 * Version of what a layer scan records, and of how entries are keyed. Bump it whenever `scanLayer`
 * records more or differently: entries cached by an older version are then simply not found, and
 * layers are read again. (files-3: keyed by blob digest and diffID, no longer by the diffID alone.)
 */
export const layerScanVersion = 'files-3';

const fileEntrySchema = z.object({
  path: z.string(),
  type: z.enum(['file', 'dir', 'symlink', 'hardlink', 'char', 'block', 'fifo']),
  size: z.number(),
  mode: z.number(),
  uid: z.number(),
  gid: z.number(),
  linkTarget: z.string().optional(),
});

export const layerScanSchema = z.object({
  blobDigest: z.string(),
  diffId: z.string(),
  uncompressedSize: z.number(),
  entries: z.array(fileEntrySchema),
  whiteouts: z.array(z.string()),
  opaqueDirs: z.array(z.string()),
  warnings: z.array(z.string()),
  analyses: z.array(z.object({ analyzer: z.string(), path: z.string(), output: z.unknown().optional(), error: z.string().optional() })),
});

/**
 * Layer scans on disk, so that a second scan of an image, or of another image that shares its base
 * layers, does not read those layers again. An entry is keyed by what was verified when it was
 * written — the blob's digest (the bytes read hashed to it) and the diffID computed from them — never
 * by what an image claims alone: a config that names another layer's diffID over its own blob finds
 * nothing, and its blob is read and fails verification. `put` is only called with scans whose blob
 * and diffID were both verified. One gzip'd JSON file per key, written to a temporary name and
 * renamed, so concurrent scans never see half a file. File names are hashes: nothing from an image
 * ever becomes part of a path.
 */
export class LayerCache {
  private readonly dir: string;

  /**
   * @param visitors which layer file visitors' results the cached scans hold (`visitorsKey`):
   *   a scan made for other analysers is a different entry.
   */
  constructor(
    cacheDir: string,
    private readonly diagnostics: Diagnostics,
    private readonly visitors = '',
  ) {
    this.dir = path.join(cacheDir, 'layers');
  }

  private fileFor(blobDigest: string, diffId: string): string {
    const key = createHash('sha256').update(`${layerScanVersion}\0${this.visitors}\0${blobDigest}\0${diffId}`).digest('hex');
    return path.join(this.dir, key.slice(0, 2), `${key}.json.gz`);
  }

  /** The scan of the blob `blobDigest` whose content hashed to `diffId`, if one was verified and kept. */
  async get(blobDigest: string, diffId: string): Promise<LayerScan | undefined> {
    const file = this.fileFor(blobDigest, diffId);
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      this.diagnostics.warn('cache.unreadable', `layer cache entry ${file} could not be read (${messageOf(error)}); reading the layer`);
      return undefined;
    }
    try {
      const { blobDigest: holds, ...scan } = layerScanSchema.parse(JSON.parse(gunzipSync(data).toString('utf8')));
      if (holds === blobDigest && scan.diffId === diffId) return scan;
      throw new Error(`it holds ${holds} / ${scan.diffId}`);
    } catch (error) {
      this.diagnostics.warn('cache.corrupt', `layer cache entry ${file} is corrupt (${messageOf(error)}); it is replaced`);
      await rm(file, { force: true });
      return undefined;
    }
  }

  /** Keeps the scan of a blob that was read to its end and verified: it hashed to `blobDigest`, its content to `scan.diffId`. */
  async put(blobDigest: string, scan: LayerScan): Promise<void> {
    const file = this.fileFor(blobDigest, scan.diffId);
    const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(temporary, gzipSync(JSON.stringify({ blobDigest, ...scan }), { level: 1 }));
      await rename(temporary, file);
    } catch (error) {
      // best-effort cleanup of our own temporary file; the diagnostic below is what matters
      await rm(temporary, { force: true }).catch(() => undefined);
      this.diagnostics.warn('cache.unwritable', `could not write the layer cache in ${this.dir} (${messageOf(error)}); results are not cached`);
    }
  }
}
