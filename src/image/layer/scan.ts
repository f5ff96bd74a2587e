import { addAbortSignal, pipeline as streamPipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CorruptInputError, LimitExceededError, ShipshapeError, messageOf } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import { DigestingStream } from '../digest.js';
import { decompressor, sniffStream } from './decompress.js';
import { baseName, parentOf, type FileEntry, type FileType, type LayerScan } from './entry.js';
import { normaliseEntryPath } from './tar-path.js';
import { TarStreamParser, type CaptureRequest, type TarEntryHeader } from '../tar/stream-parser.js';
import { hasContent, type LayerAnalysis, type LayerFileVisitor } from './visitor.js';

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

const whiteoutPrefix = '.wh.';
const opaqueMarker = '.wh..wh..opq';

/** Tar typeflags of the file types an image can hold. */
const fileTypes: Record<string, FileType> = {
  '0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
};

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

class EntryCollector {
  private readonly entries: FileEntry[] = [];
  private readonly byPath = new Map<string, number>();
  private readonly whiteouts: string[] = [];
  private readonly opaqueDirs: string[] = [];
  private readonly warnings: string[] = [];
  private readonly analyses: LayerAnalysis[] = [];
  /** Entries whose content was asked for, with the visitors that want them. */
  private readonly wanted = new Map<TarEntryHeader, { entry: FileEntry; visitors: LayerFileVisitor[] }>();
  private count = 0;

  constructor(
    private readonly what: string,
    private readonly limits: Limits,
    private readonly visitors: readonly LayerFileVisitor[],
  ) {}

  add(header: TarEntryHeader): CaptureRequest | undefined {
    if (++this.count > this.limits.maxEntries) {
      throw new LimitExceededError(`${this.what} has more than ${this.limits.maxEntries} entries`);
    }
    const path = normaliseEntryPath(header.name, this.limits.maxPathBytes, this.what);
    if (path === '/') return undefined; // the root directory entry itself
    const name = baseName(path);
    if (name.startsWith(whiteoutPrefix)) {
      this.addWhiteout(path, name);
      return undefined;
    }
    const type = fileTypes[header.typeflag];
    if (!type) {
      this.warnings.push(`entry ${path} has tar type ${JSON.stringify(header.typeflag)}, which images do not use; skipped`);
      return undefined;
    }
    const entry: FileEntry = { path, type, size: type === 'file' ? header.size : 0, mode: header.mode, uid: header.uid, gid: header.gid };
    if (type === 'symlink') entry.linkTarget = header.linkname;
    if (type === 'hardlink') this.linkHard(entry, header.linkname);
    const existing = this.byPath.get(path);
    if (existing === undefined) {
      this.byPath.set(path, this.entries.length);
      this.entries.push(entry);
    } else {
      this.entries[existing] = entry; // a path written twice: the later entry is what extraction leaves
    }
    return type === 'file' ? this.request(entry, header) : undefined;
  }

  /** Asks for a file's content if a visitor wants it and it is within that visitor's size limit. */
  private request(entry: FileEntry, header: TarEntryHeader): CaptureRequest | undefined {
    const visitors = this.visitors.filter((visitor) => {
      if (!visitor.required(entry.path, entry)) return false;
      if (entry.size <= visitor.maxBytes) return true;
      this.analyses.push({
        analyzer: visitor.id,
        path: entry.path,
        error: `${entry.size} bytes, over the analyser's limit of ${visitor.maxBytes}; not read`,
      });
      return false;
    });
    if (visitors.length === 0) return undefined;
    this.wanted.set(header, { entry, visitors });
    // sniff by magic only when every visitor asks for the same one
    const magics = new Set(visitors.map((v) => v.magic?.toString('latin1')));
    const [magic] = magics;
    return { magic: magics.size === 1 && magic !== undefined ? Buffer.from(magic, 'latin1') : undefined };
  }

  /** Hands a captured file to the visitors that asked for it. Their failures are recorded, never thrown. */
  content(header: TarEntryHeader, content: Buffer): void {
    const wanted = this.wanted.get(header);
    if (!wanted) return;
    this.wanted.delete(header);
    const { entry } = wanted;
    for (const visitor of wanted.visitors) {
      if (visitor.magic && !content.subarray(0, visitor.magic.length).equals(visitor.magic)) continue;
      try {
        const output = visitor.analyze({ path: entry.path, entry, content });
        if (hasContent(output)) this.analyses.push({ analyzer: visitor.id, path: entry.path, output });
      } catch (error) {
        this.analyses.push({ analyzer: visitor.id, path: entry.path, error: `the analyser failed: ${messageOf(error)}` });
      }
    }
  }

  private addWhiteout(path: string, name: string): void {
    if (name === opaqueMarker) this.opaqueDirs.push(parentOf(path));
    else if (name.startsWith(`${whiteoutPrefix}${whiteoutPrefix}`))
      return; // AUFS metadata (.wh..wh.plnk, .wh..wh.aufs)
    else if (name === whiteoutPrefix) this.warnings.push(`invalid whiteout ${path} (no name after .wh.) ignored`);
    else this.whiteouts.push(`${parentOf(path) === '/' ? '' : parentOf(path)}/${name.slice(whiteoutPrefix.length)}`);
  }

  /** Hard links name another path of the same layer; they share its content, so its size. */
  private linkHard(entry: FileEntry, linkName: string): void {
    const target = normaliseEntryPath(linkName, this.limits.maxPathBytes, `${this.what}: hard link ${entry.path}`);
    entry.linkTarget = target;
    const index = this.byPath.get(target);
    const linked = index === undefined ? undefined : this.entries[index];
    if (linked?.type === 'file' || linked?.type === 'hardlink') entry.size = linked.size;
    else this.warnings.push(`hard link ${entry.path} points to ${target}, which is not a file earlier in this layer`);
  }

  result(): Pick<LayerScan, 'entries' | 'whiteouts' | 'opaqueDirs' | 'warnings' | 'analyses'> {
    return { entries: this.entries, whiteouts: this.whiteouts, opaqueDirs: this.opaqueDirs, warnings: this.warnings, analyses: this.analyses };
  }
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
