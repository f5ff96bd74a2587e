/**
 * Test support: writes zip archives in memory, including the damaged and hostile ones real tools
 * refuse to make (sizes that lie, Zip64 records, prepended data). Not used at runtime.
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntrySpec {
  name: string;
  data: Buffer | string;
  /** Default: deflate. */
  method?: 'store' | 'deflate';
  /** Uncompressed size written in the headers instead of the real one (a lying zip bomb). */
  declaredSize?: number;
}

export interface ZipSpec {
  /** Bytes before the archive (a launch script): offsets in the archive do not count them. */
  prefix?: Buffer | string;
  /** Write Zip64 records and extra fields, with 0xffffffff in the classic fields. */
  zip64?: boolean;
}

/** Builds a zip with a correct CRC for every entry (Go's and the JDK's readers check them). */
export function buildZip(entries: ZipEntrySpec[], spec: ZipSpec = {}): Buffer {
  const prefix = Buffer.from(spec.prefix ?? '');
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const raw = Buffer.from(e.data);
    const method = e.method === 'store' ? 0 : 8;
    const body = method === 0 ? raw : deflateRawSync(raw);
    const size = e.declaredSize ?? raw.length;
    const name = Buffer.from(e.name, 'utf8');
    const crc = crc32(raw);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(spec.zip64 ? 45 : 20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);

    const extra = spec.zip64 ? Buffer.alloc(28) : Buffer.alloc(0);
    if (spec.zip64) {
      extra.writeUInt16LE(1, 0);
      extra.writeUInt16LE(24, 2);
      extra.writeBigUInt64LE(BigInt(size), 4);
      extra.writeBigUInt64LE(BigInt(body.length), 12);
      extra.writeBigUInt64LE(BigInt(offset), 20);
    }
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(spec.zip64 ? 45 : 20, 4);
    central.writeUInt16LE(spec.zip64 ? 45 : 20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(spec.zip64 ? 0xffffffff : body.length, 20);
    central.writeUInt32LE(spec.zip64 ? 0xffffffff : size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(extra.length, 30);
    central.writeUInt32LE(spec.zip64 ? 0xffffffff : offset, 42);
    centrals.push(central, name, extra);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const tail: Buffer[] = [];
  if (spec.zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(entries.length), 24);
    record.writeBigUInt64LE(BigInt(entries.length), 32);
    record.writeBigUInt64LE(BigInt(cd.length), 40);
    record.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + cd.length), 8);
    locator.writeUInt32LE(1, 16);
    tail.push(record, locator);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(spec.zip64 ? 0xffff : entries.length, 8);
  eocd.writeUInt16LE(spec.zip64 ? 0xffff : entries.length, 10);
  eocd.writeUInt32LE(spec.zip64 ? 0xffffffff : cd.length, 12);
  eocd.writeUInt32LE(spec.zip64 ? 0xffffffff : offset, 16);
  tail.push(eocd);
  return Buffer.concat([prefix, ...locals, cd, ...tail]);
}

/**
 * A zip whose central directory lists `copies` entries that all point at one local entry: the
 * overlapping-entries bomb (nested, each level multiplies the work of the one below).
 */
export function overlappingZip(entry: ZipEntrySpec, copies: number): Buffer {
  const single = buildZip([entry]);
  const cdOffset = single.readUInt32LE(single.length - 6);
  const cdSize = single.readUInt32LE(single.length - 10);
  const central = single.subarray(cdOffset, cdOffset + cdSize);
  const eocd = Buffer.from(single.subarray(single.length - 22));
  eocd.writeUInt16LE(copies & 0xffff, 8);
  eocd.writeUInt16LE(copies & 0xffff, 10);
  eocd.writeUInt32LE(cdSize * copies, 12);
  return Buffer.concat([single.subarray(0, cdOffset), ...Array.from({ length: copies }, () => central), eocd]);
}
