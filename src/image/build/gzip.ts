import { crc32 } from 'node:zlib';

const maxStoredBlock = 0xffff;

/**
 * gzip with stored (uncompressed) deflate blocks. A real compressor's output depends on the zlib
 * build Node ships, and the demo estate pins images by digest: these bytes depend on the input alone.
 */
export function storedGzip(data: Buffer): Buffer {
  // no file name, mtime 0, OS 255 (unknown): nothing about the machine ends up in the header
  const parts: Buffer[] = [Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff])];
  let offset = 0;
  do {
    const length = Math.min(maxStoredBlock, data.length - offset);
    const final = offset + length >= data.length;
    const header = Buffer.alloc(5);
    header.writeUInt8(final ? 1 : 0, 0);
    header.writeUInt16LE(length, 1);
    header.writeUInt16LE(~length & 0xffff, 3);
    parts.push(header, data.subarray(offset, offset + length));
    offset += length;
  } while (offset < data.length);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data) >>> 0, 0);
  trailer.writeUInt32LE(data.length % 2 ** 32, 4);
  parts.push(trailer);
  return Buffer.concat(parts);
}
