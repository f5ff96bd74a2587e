import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Diagnostic } from '../core/diagnostics.js';
import { Diagnostics } from '../core/diagnostics.js';
import type { Limits } from '../core/limits.js';
import { FileView, type LayerChanges } from './filesystem.js';
import { historyOfLayers } from './history.js';
import type { LayerScan } from './layer/entry.js';
import { scanLayer } from './layer/scan.js';
import { LayerCache } from './layer-cache.js';
import type { FleetLayerCache } from './fleet-layers.js';
import { visitorsKey, type LayerFileVisitor } from './layer/visitor.js';
import type { HistoryEntry } from './schema.js';
import type { ImageSelection, ImageSource, LayerBlob, ResolvedImage } from './source.js';

export type ProgressEvent =
  | { kind: 'resolved'; image: ResolvedImage }
  | { kind: 'layer-start'; index: number; total: number; size: number; cached: boolean }
  | { kind: 'layer-bytes'; index: number; bytes: number; size: number }
  | { kind: 'layer-done'; index: number };

export interface ReadImageOptions {
  selection: ImageSelection;
  limits: Limits;
  /** Where layer scans are kept between runs; none means every layer is read. */
  cacheDir?: string | undefined;
  /** Analysers that read files as the layers stream (their results are cached with the layer). */
  visitors?: readonly LayerFileVisitor[] | undefined;
  /** Layers read at once. */
  parallel?: number | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((event: ProgressEvent) => void) | undefined;
  diagnostics?: Diagnostics | undefined;
  /** Layer scans shared by the images of one run (a registry scan): a layer they share is read once. */
  sharedLayers?: SharedLayerScans | undefined;
  /** Layer scans shared by a fleet's processes: a layer another worker read (or is reading) is not read here. */
  fleetLayers?: FleetLayerCache | undefined;
}

/**
 * Layer scans shared between the images read in one run, keyed by blob digest, diffID and analysers
 * (only blobs fetched by their digest, see `LayerBlob.contentAddressed`): while one
 * image reads a layer, another that has it waits for that read instead of streaming it again. Holds at
 * most `maxEntries` finished scans (the oldest are dropped; the on-disk layer cache still has them).
 */
export class SharedLayerScans {
  /** Layers streamed and scanned; taken from the disk cache; another image had already read; another worker of the fleet read. */
  readonly counts = { read: 0, fromDiskCache: 0, shared: 0, fromFleet: 0 };
  private readonly scans = new Map<string, Promise<LayerRead>>();

  constructor(private readonly maxEntries = 32) {}

  async once(key: string, read: () => Promise<LayerRead>): Promise<LayerRead & { shared: boolean }> {
    const known = this.scans.get(key);
    if (known) {
      this.counts.shared++;
      return { ...(await known), shared: true };
    }
    const pending = read().then((result) => {
      if (result.fromFleet) this.counts.fromFleet++;
      else if (result.fromCache) this.counts.fromDiskCache++;
      else this.counts.read++;
      return result;
    });
    this.scans.set(key, pending);
    // a failed read is not remembered: the next image tries again and reports its own error
    pending.catch(() => this.scans.delete(key));
    while (this.scans.size > this.maxEntries) this.scans.delete(this.scans.keys().next().value as string);
    return { ...(await pending), shared: false };
  }
}

/** A layer's scan and where it came from: read here, the disk cache (`fromCache`), or another worker (`fromFleet`, also `fromCache`). */
interface LayerRead {
  scan: LayerScan;
  fromCache: boolean;
  fromFleet: boolean;
}

export interface ImageLayer {
  blob: Omit<LayerBlob, 'open'>;
  /** The build step that made this layer, if the history maps onto the layers. */
  history: HistoryEntry | undefined;
  scan: LayerScan;
  changes: LayerChanges;
  fromCache: boolean;
}

/** An image read completely: its manifest and config, every layer's changes, and the squashed view. */
export interface ImageModel {
  image: ResolvedImage;
  layers: ImageLayer[];
  view: FileView;
  diagnostics: Diagnostic[];
}

/**
 * Resolves an image from any source and reads each of its layers once (or takes the layer from the
 * cache), then squashes them. Layers are read concurrently; each is streamed and verified.
 */
export async function readImage(source: ImageSource, options: ReadImageOptions): Promise<ImageModel> {
  const diagnostics = options.diagnostics ?? new Diagnostics();
  const { limits, signal, onProgress } = options;
  const image = await source.resolve(options.selection, { limits, diagnostics, signal });
  const visitors = options.visitors ?? [];
  const cache = options.cacheDir ? new LayerCache(options.cacheDir, diagnostics, visitorsKey(visitors)) : undefined;
  onProgress?.({ kind: 'resolved', image });

  const visitorKey = visitorsKey(visitors);
  const readLayer = async (blob: LayerBlob): Promise<LayerRead> => {
    const onBytes = (bytes: number): void => onProgress?.({ kind: 'layer-bytes', index: blob.index, bytes, size: blob.size });
    const cached = await cache?.get(blob.digest, blob.diffId);
    // a docker-archive's layer file is named by the archive: it is hashed before its cached scan stands for it
    const hashFirst = cached !== undefined && !blob.contentAddressed;
    onProgress?.({ kind: 'layer-start', index: blob.index, total: image.layers.length, size: blob.size, cached: cached !== undefined && !hashFirst });
    if (hashFirst) await verifyBlob(blob, signal, onBytes);
    if (cached) {
      onProgress?.({ kind: 'layer-done', index: blob.index });
      return { scan: cached, fromCache: true, fromFleet: false };
    }
    const readHere = async (): Promise<LayerScan> =>
      scanLayer(await blob.open(signal), { what: `layer ${blob.index} (${blob.digest})`, expectedDiffId: blob.diffId, limits, signal, visitors, onBytes });
    // a registry blob is named by its digest: another worker's verified scan of it stands for it, as the disk cache's does
    const fleet = options.fleetLayers && blob.contentAddressed ? await options.fleetLayers.once(blob.digest, blob.diffId, readHere) : undefined;
    const scan = fleet?.scan ?? (await readHere());
    // scanLayer returned (here or in the worker that read it): the blob hashed to its digest and its content to the diffID
    await cache?.put(blob.digest, scan);
    onProgress?.({ kind: 'layer-done', index: blob.index });
    return { scan, fromCache: fleet?.fromFleet ?? false, fromFleet: fleet?.fromFleet ?? false };
  };
  const shared = options.sharedLayers;
  const scans = await mapConcurrently(image.layers, options.parallel ?? 3, async (blob) => {
    if (!shared || !blob.contentAddressed) return readLayer(blob);
    const result = await shared.once(`${visitorKey}\0${blob.digest}\0${blob.diffId}`, () => readLayer(blob));
    return { scan: result.scan, fromCache: result.fromCache || result.shared, fromFleet: result.fromFleet };
  });

  for (const [index, { scan }] of scans.entries()) {
    for (const warning of scan.warnings) diagnostics.warn('layer.entry', warning, `layer ${index}`);
  }
  const { view, changes } = FileView.build(scans.map((s) => s.scan));
  const history = historyOfLayers(image.config.history, image.layers.length, diagnostics);
  const layers = image.layers.map(({ open: _open, ...blob }, index): ImageLayer => {
    const { scan, fromCache } = scans[index] as (typeof scans)[number];
    return { blob, history: history[index], scan, changes: changes[index] as LayerChanges, fromCache };
  });
  return { image, layers, view, diagnostics: diagnostics.items };
}

/** Reads a blob to its end only to check it: its stream fails unless the bytes hash to its digest. */
async function verifyBlob(blob: LayerBlob, signal: AbortSignal | undefined, onBytes: (bytes: number) => void): Promise<void> {
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      onBytes((bytes += chunk.length));
      done();
    },
  });
  await pipeline(await blob.open(signal), sink, signal ? { signal } : {});
}

/**
 * Runs `work` over `items` with at most `limit` running at once; results keep the items' order.
 * After a failure no more items are started (the first error is thrown; those running finish).
 */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failed) {
      const index = next++;
      try {
        results[index] = await work(items[index] as T);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
