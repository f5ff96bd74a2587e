import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import type { Diagnostics } from '../core/diagnostics.js';
import { messageOf } from '../core/errors.js';
import type { LayerScan } from './layer/entry.js';

/**
 * Version of what a layer scan records. Bump it whenever `scanLayer` records more or differently:
 * entries cached by an older version are then simply not found, and layers are read again.
 */
export const layerScanVersion = 'files-2';

const fileEntrySchema = z.object({
  path: z.string(),
  type: z.enum(['file', 'dir', 'symlink', 'hardlink', 'char', 'block', 'fifo']),
  size: z.number(),
  mode: z.number(),
  uid: z.number(),
  gid: z.number(),
  linkTarget: z.string().optional(),
});

const layerScanSchema = z.object({
  diffId: z.string(),
  uncompressedSize: z.number(),
  entries: z.array(fileEntrySchema),
  whiteouts: z.array(z.string()),
  opaqueDirs: z.array(z.string()),
  warnings: z.array(z.string()),
  analyses: z.array(z.object({ analyzer: z.string(), path: z.string(), output: z.unknown().optional(), error: z.string().optional() })),
});

/**
 * Layer scans on disk, keyed by diffID and scan version, so that a second scan of an image, or of
 * another image that shares its base layers, does not read those layers again. One gzip'd JSON file
 * per key, written to a temporary name and renamed, so concurrent scans never see half a file. File
 * names are hashes: nothing from an image ever becomes part of a path.
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

  private fileFor(diffId: string): string {
    const key = createHash('sha256').update(`${layerScanVersion}\0${this.visitors}\0${diffId}`).digest('hex');
    return path.join(this.dir, key.slice(0, 2), `${key}.json.gz`);
  }

  async get(diffId: string): Promise<LayerScan | undefined> {
    const file = this.fileFor(diffId);
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      this.diagnostics.warn('cache.unreadable', `layer cache entry ${file} could not be read (${messageOf(error)}); reading the layer`);
      return undefined;
    }
    try {
      const scan = layerScanSchema.parse(JSON.parse(gunzipSync(data).toString('utf8')));
      if (scan.diffId === diffId) return scan;
      throw new Error(`it holds ${scan.diffId}`);
    } catch (error) {
      this.diagnostics.warn('cache.corrupt', `layer cache entry ${file} is corrupt (${messageOf(error)}); it is replaced`);
      await rm(file, { force: true });
      return undefined;
    }
  }

  async put(scan: LayerScan): Promise<void> {
    const file = this.fileFor(scan.diffId);
    const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(temporary, gzipSync(JSON.stringify(scan), { level: 1 }));
      await rename(temporary, file);
    } catch (error) {
      // best-effort cleanup of our own temporary file; the diagnostic below is what matters
      await rm(temporary, { force: true }).catch(() => undefined);
      this.diagnostics.warn('cache.unwritable', `could not write the layer cache in ${this.dir} (${messageOf(error)}); results are not cached`);
    }
  }
}
