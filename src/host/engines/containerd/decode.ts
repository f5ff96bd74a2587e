import { CorruptInputError } from '../../../core/errors.js';

/*
 * The encodings containerd stores values in: Go varints (encoding/binary), Go's time.MarshalBinary,
 * and protobuf `Any` messages. Malformed bytes are a CorruptInputError.
 */

/** A little-endian base-128 varint at `offset` (Go binary.Uvarint, protobuf): its value and the offset after it. */
function readVarint(bytes: Uint8Array, offset: number, what: string): { value: bigint; next: number } {
  let value = 0n;
  for (let index = 0; index < 10; index++) {
    const byte = bytes[offset + index];
    if (byte === undefined) throw new CorruptInputError(`${what}: a varint is cut short`);
    value |= BigInt(byte & 0x7f) << BigInt(7 * index);
    if ((byte & 0x80) === 0) {
      if (index === 9 && byte > 1) break;
      return { value, next: offset + index + 1 };
    }
  }
  throw new CorruptInputError(`${what}: a varint overflows 64 bits`);
}

/** A whole value that is one Go uvarint (the snapshotter's `id`), as a safe integer. */
export function uvarint(bytes: Uint8Array, what: string): number {
  const { value, next } = readVarint(bytes, 0, what);
  if (next !== bytes.length) throw new CorruptInputError(`${what}: ${bytes.length - next} bytes after its varint`);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new CorruptInputError(`${what}: ${value} is too large`);
  return Number(value);
}

/** Seconds from 0001-01-01 (Go's internal epoch) to 1970-01-01. */
const unixToInternal = 62_135_596_800n;

/** Go's time.MarshalBinary (version 1: 15 bytes; version 2: 16, with zone offset seconds) as an RFC 3339 UTC time. */
export function goTime(bytes: Buffer, what: string): string {
  const version = bytes[0];
  if ((version !== 1 || bytes.length !== 15) && (version !== 2 || bytes.length !== 16)) {
    throw new CorruptInputError(`${what}: not a Go binary time (version ${version ?? 'none'}, ${bytes.length} bytes)`);
  }
  const seconds = bytes.readBigInt64BE(1) - unixToInternal;
  const nanoseconds = bytes.readUInt32BE(9);
  const milliseconds = Number(seconds) * 1000 + Math.floor(nanoseconds / 1e6);
  if (nanoseconds >= 1e9 || !Number.isFinite(milliseconds) || Math.abs(milliseconds) > 8.64e15) throw new CorruptInputError(`${what}: a time out of range`);
  return new Date(milliseconds).toISOString();
}

/** A protobuf `google.protobuf.Any`: field 1 type_url (string), field 2 value (bytes); other fields skipped. */
export function protobufAny(bytes: Buffer, what: string): { typeUrl: string; value: Buffer } {
  let typeUrl = '';
  let value: Buffer = Buffer.alloc(0);
  let offset = 0;
  while (offset < bytes.length) {
    const tag = readVarint(bytes, offset, what);
    offset = tag.next;
    const wireType = Number(tag.value & 7n);
    const field = tag.value >> 3n;
    if (wireType === 0) {
      offset = readVarint(bytes, offset, what).next;
    } else if (wireType === 1 || wireType === 5) {
      offset += wireType === 1 ? 8 : 4;
    } else if (wireType === 2) {
      const length = readVarint(bytes, offset, what);
      const end = length.next + Number(length.value);
      if (length.value > BigInt(bytes.length) || end > bytes.length) throw new CorruptInputError(`${what}: a protobuf field runs past the end`);
      // Repeated fields: the last one wins, as protobuf decoders do.
      if (field === 1n) typeUrl = bytes.subarray(length.next, end).toString('utf8');
      if (field === 2n) value = bytes.subarray(length.next, end);
      offset = end;
    } else {
      throw new CorruptInputError(`${what}: not a protobuf message (wire type ${wireType})`);
    }
  }
  if (offset > bytes.length) throw new CorruptInputError(`${what}: a protobuf field runs past the end`);
  return { typeUrl, value };
}
