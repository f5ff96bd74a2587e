/**
 * Decoding of tar headers (POSIX ustar, GNU and PAX extensions), shared by the archive index
 * (random access to docker/oci archives) and the streaming layer parser. Only decoding: no I/O.
 */
export const BLOCK = 512;

export interface RawHeader {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** The typeflag character: '0' file, '1' hard link, '2' symlink, '5' dir, 'x' PAX, 'L' GNU long name... */
  typeflag: string;
  linkname: string;
}

export function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

export function checksumValid(block: Buffer): boolean {
  const stored = parseOctal(block, 148, 8);
  if (stored === undefined) return false;
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (block[i] as number);
  return sum === stored;
}

/** Decodes a header block whose checksum was checked; undefined if a numeric field is garbage. */
export function decodeHeader(block: Buffer): RawHeader | undefined {
  const size = parseNumber(block, 124, 12);
  const mode = parseNumber(block, 100, 8);
  const uid = parseNumber(block, 108, 8);
  const gid = parseNumber(block, 116, 8);
  if (size === undefined || mode === undefined || uid === undefined || gid === undefined) return undefined;
  const flag = block[156] as number;
  const isUstar = block.toString('latin1', 257, 262) === 'ustar';
  const prefix = isUstar ? cString(block, 345, 155) : '';
  const name = cString(block, 0, 100);
  return {
    name: prefix ? `${prefix}/${name}` : name,
    mode,
    uid,
    gid,
    size,
    typeflag: flag === 0 ? '0' : String.fromCharCode(flag),
    linkname: cString(block, 157, 100),
  };
}

/** Octal text, or GNU base-256 binary when the high bit of the first byte is set. */
function parseNumber(block: Buffer, start: number, length: number): number | undefined {
  const first = block[start] as number;
  if (first & 0x80) {
    let value = first & 0x7f;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + (block[i] as number);
    return Number.isSafeInteger(value) ? value : undefined;
  }
  return parseOctal(block, start, length);
}

function parseOctal(block: Buffer, start: number, length: number): number | undefined {
  const text = cString(block, start, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) return undefined;
  const value = parseInt(text, 8);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** A NUL-terminated (or field-length) UTF-8 string. */
export function cString(buffer: Buffer, start: number, length: number): string {
  const end = buffer.indexOf(0, start);
  return buffer.toString('utf8', start, end === -1 || end > start + length ? start + length : end);
}

/** All `<len> <key>=<value>\n` records of a PAX extended header. Malformed tails are ignored. */
export function parsePax(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let position = 0;
  while (position < data.length) {
    const space = data.indexOf(0x20, position);
    if (space === -1) break;
    const length = parseInt(data.toString('latin1', position, space), 10);
    if (!Number.isSafeInteger(length) || length <= space - position || position + length > data.length) break;
    const record = data.toString('utf8', space + 1, position + length - 1);
    const equals = record.indexOf('=');
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1));
    position += length;
  }
  return records;
}
