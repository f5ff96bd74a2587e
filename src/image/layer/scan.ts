import { addAbortSignal, pipeline as streamPipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CorruptInputError, LimitExceededError, ShipshapeError, messageOf } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import { DigestingStream } from '../digest.js';
import { decompressor, sniffStream } from './decompress.js';
import type { LayerScan } from './entry.js';
import { EntryCollector } from './collector.js';
import { TarStreamParser } from '../tar/stream-parser.js';
import type { LayerFileVisitor } from './visitor.js';

export interface ScanOptions {
  /** Names the layer in messages: `layer 2 (sha256:...)`. */
  what: string;
  /**
   * The config's diff_id for this layer; the uncompressed stream must hash to it. Images always give
   * one (an empty or malformed one is a ManifestError); only tests leave it out, to measure.
   */
  expectedDiffId?: string | undefined;
  limits: Limits;
  /** Called with the number of blob (compressed) bytes read so far, for progress displays. */
  onBytes?: ((compressedBytes: number) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** Read the files these visitors ask for, and keep what they find. */
  visitors?: readonly LayerFileVisitor[] | undefined;
}

/**
 * Reads one layer blob in a single streaming pass: sniffs and undoes its compression, bounds its
 * decompressed size, checks its diffID, and records every entry and whiteout. Memory use depends on
 * the number of entries, never on the size of the files.
 */
export async function scanLayer(blob: Readable, options: ScanOptions): Promise<LayerScan> {
  const { what, limits } = options;
  const counter = new ByteCounter(options.onBytes);
  // Wired first, before anything can throw or wait: the blob's errors (its digest or size mismatch
  // shows only at its very end, maybe before anyone reads on) reach the counter, which everything
  // below reads, whenever they happen; and destroying the counter stops the blob.
  streamPipeline(blob, counter, () => undefined);
  if (options.signal) addAbortSignal(options.signal, counter);
  let compression = 'none';
  try {
    const sniffed = await sniffStream(counter);
    compression = sniffed.compression;
    const limiter = new BombGuard(what, limits, () => counter.bytes);
    // an empty or malformed diffID fails here (ManifestError): it never means "do not verify"
    const hasher = new DigestingStream(`${what} uncompressed content (diffID)`, options.expectedDiffId === undefined ? {} : { digest: options.expectedDiffId });
    const collector = new EntryCollector(what, limits, options.visitors ?? []);
    const extract = new TarStreamParser({
      what,
      maxExtensionBytes: limits.maxPathBytes * 4,
      onEntry: (header) => collector.add(header),
      onContent: (header, content) => collector.content(header, content),
    });
    const inflate = decompressor(sniffed.compression, what);
    const stages = inflate ? [sniffed.stream, inflate, overlap(), limiter, hasher, extract] : [sniffed.stream, limiter, hasher, extract];
    await (pipeline as (...streams: unknown[]) => Promise<void>)(...stages, options.signal ? { signal: options.signal } : {});
    return { diffId: hasher.digest, uncompressedSize: hasher.byteCount, ...collector.result() };
  } catch (error) {
    counter.destroy(); // stops the blob (and its connection) when the layer fails before its end
    throw asLayerError(error, what, compression);
  }
}

/** Foreign errors (zlib, tar-stream) become CorruptInputErrors naming the layer; ours pass through. */
function asLayerError(error: unknown, what: string, compression: string): unknown {
  if (error instanceof ShipshapeError) return error;
  if (error instanceof Error && error.name === 'AbortError') return error;
  const kind = compression === 'none' ? 'tar' : `${compression}-compressed tar`;
  return new CorruptInputError(`${what}: truncated or corrupt ${kind} (${messageOf(error)})`, { cause: error });
}

/**
 * Lets decompression run ahead of hashing and parsing. zlib inflates on the libuv thread pool, but
 * it hands each output chunk downstream synchronously and only then inflates the next, so the two
 * would take turns; deferring each chunk by one turn of the event loop (up to 1 MiB queued) lets the
 * thread pool inflate chunk n+1 while the main thread hashes and parses chunk n.
 */
function overlap(): Transform {
  return new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _encoding, callback) {
      setImmediate(callback, null, chunk);
    },
  });
}

/** Counts bytes as they pass, for progress and for the decompression ratio. */
class ByteCounter extends Transform {
  bytes = 0;

  constructor(private readonly onBytes?: (bytes: number) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    this.onBytes?.(this.bytes);
    callback(null, chunk);
  }
}

/** Stops a decompression bomb: an absolute cap on a layer's size, and a cap on the expansion ratio. */
class BombGuard extends Transform {
  private bytes = 0;

  constructor(
    private readonly what: string,
    private readonly limits: Limits,
    private readonly compressedBytes: () => number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    const { maxLayerBytes, maxCompressionRatio, ratioCheckAfterBytes } = this.limits;
    if (this.bytes > maxLayerBytes) {
      callback(new LimitExceededError(`${this.what} decompresses to more than ${maxLayerBytes} bytes (--max-layer-size)`));
      return;
    }
    const ratio = this.bytes / Math.max(1, this.compressedBytes());
    if (this.bytes > ratioCheckAfterBytes && ratio > maxCompressionRatio) {
      callback(
        new LimitExceededError(
          `${this.what} looks like a decompression bomb: ${this.bytes} bytes from ${this.compressedBytes()} (ratio over ${maxCompressionRatio})`,
        ),
      );
      return;
    }
    callback(null, chunk);
  }
}
