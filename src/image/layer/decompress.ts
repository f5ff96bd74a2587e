import { Readable, Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import { CorruptInputError } from '../../core/errors.js';
import type { Compression } from '../media-types.js';

const gzipMagic = [0x1f, 0x8b];
const zstdMagic = [0x28, 0xb5, 0x2f, 0xfd];

/**
 * What the bytes say a layer's compression is. Media types lie (docker-archives label compressed
 * layers as plain tar and vice versa), the magic numbers do not.
 */
export function sniffCompression(head: Buffer): Compression {
  if (gzipMagic.every((byte, i) => head[i] === byte)) return 'gzip';
  if (zstdMagic.every((byte, i) => head[i] === byte)) return 'zstd';
  return 'none';
}

/**
 * Reads the first bytes of a stream to sniff its compression. Returns the compression and a stream
 * that yields everything, those first bytes included.
 */
export async function sniffStream(stream: Readable): Promise<{ compression: Compression; stream: Readable }> {
  const iterator = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let length = 0;
  while (length < 4) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(next.value);
    length += next.value.length;
  }
  async function* everything(): AsyncGenerator<Buffer> {
    yield* head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { compression: sniffCompression(Buffer.concat(head)), stream: Readable.from(everything(), { objectMode: false }) };
}

/** A decompressing transform for the compression, or undefined for plain tar. */
export function decompressor(compression: Compression, what: string): Transform | undefined {
  if (compression === 'gzip') return createGunzip({ chunkSize: 256 * 1024 });
  if (compression === 'zstd') return new ZstdStream(what);
  return undefined;
}

/** Streaming zstd decoding with fzstd (pure JS; Node 20's zlib has no zstd). */
class ZstdStream extends Transform {
  private readonly decoder: ZstdDecompress;
  private sawInput = false;
  private finished = false;

  constructor(private readonly what: string) {
    super();
    this.decoder = new ZstdDecompress((data, final) => {
      if (data.length > 0) this.push(Buffer.from(data.buffer, data.byteOffset, data.length));
      if (final) this.finished = true;
    });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.sawInput ||= chunk.length > 0;
    try {
      this.decoder.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
      callback();
    } catch (error) {
      callback(new CorruptInputError(`${this.what}: corrupt zstd data`, { cause: error }));
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.decoder.push(new Uint8Array(0), true);
    } catch (error) {
      callback(new CorruptInputError(`${this.what}: truncated or corrupt zstd data`, { cause: error }));
      return;
    }
    if (this.sawInput && !this.finished) {
      callback(new CorruptInputError(`${this.what}: truncated zstd data`));
      return;
    }
    callback();
  }
}
