import fc from 'fast-check';
import { BLOCK } from './header.js';

/**
 * Tar archives written byte by byte, for the fuzz tests: every header field can hold whatever a
 * hostile archive puts there (octal, GNU base-256, garbage, no terminator), and the checksum is
 * right unless asked otherwise, so the damage reaches the code behind the checksum test.
 */

/** A header block's fields, each as the raw bytes (or text) written into it. */
export interface RawTarHeader {
  name: string;
  mode: Buffer;
  uid: Buffer;
  gid: Buffer;
  size: Buffer;
  typeflag: number;
  linkname: string;
  /** `ustar\0` + `00` (POSIX), `ustar  \0` (GNU), or anything. */
  magic: Buffer;
  prefix: string;
}

/** One archive member: its header block, then `data` padded to whole blocks. */
export interface RawTarMember {
  header: RawTarHeader;
  data: Buffer;
}

const posixMagic = Buffer.from('ustar\x0000', 'latin1');
const gnuMagic = Buffer.from('ustar  \x00', 'latin1');

/** An octal number field (`length` bytes with its NUL), as tar writes it. */
export function octal(value: number, length: number): Buffer {
  return Buffer.from(`${value.toString(8).padStart(length - 1, '0')}\0`, 'latin1');
}

/** A GNU base-256 number field: high bit set, big-endian. */
export function base256(value: bigint, length: number): Buffer {
  const field = Buffer.alloc(length);
  let rest = value;
  for (let i = length - 1; i > 0; i--) {
    field[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  field[0] = 0x80 | Number(rest & 0x7fn);
  return field;
}

/** The header block, with its checksum computed over what was written. */
function headerBlock(header: RawTarHeader): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(header.name, 0, 100, 'utf8');
  header.mode.copy(block, 100, 0, 8);
  header.uid.copy(block, 108, 0, 8);
  header.gid.copy(block, 116, 0, 8);
  header.size.copy(block, 124, 0, 12);
  octal(0, 12).copy(block, 136);
  block[156] = header.typeflag;
  block.write(header.linkname, 157, 100, 'utf8');
  header.magic.copy(block, 257, 0, 8);
  block.write(header.prefix, 345, 155, 'utf8');
  setChecksum(block);
  return block;
}

function setChecksum(block: Buffer): void {
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += block[i] as number;
  octal(sum, 7).copy(block, 148);
  block[155] = 0x20;
}

/** The members, each padded to whole blocks, then the two zero blocks that end an archive (unless `end` is false). */
export function rawTar(members: readonly RawTarMember[], end = true): Buffer {
  const parts: Buffer[] = [];
  for (const { header, data } of members) {
    parts.push(headerBlock(header), data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK));
  }
  if (end) parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

/**
 * Recomputes the checksum of every block that looks like a header (a ustar magic, or a valid
 * octal checksum field), so that byte mutations reach the header decoder instead of failing the checksum.
 */
export function fixTarChecksums(data: Buffer): Buffer {
  const copy = Buffer.from(data);
  for (let at = 0; at + BLOCK <= copy.length; at += BLOCK) {
    const block = copy.subarray(at, at + BLOCK);
    if (block.toString('latin1', 257, 262) === 'ustar' || /^[0-7 ]{6,7}\0?/.test(block.toString('latin1', 148, 156))) setChecksum(block);
  }
  return copy;
}

/** A PAX extended header's records; `length` is right unless `lie` adds to it. */
export function paxRecords(records: readonly { key: string; value: string; lie?: number }[]): Buffer {
  return Buffer.concat(
    records.map(({ key, value, lie = 0 }) => {
      const body = ` ${key}=${value}\n`;
      let length = Buffer.byteLength(body) + 1;
      while (String(length).length + Buffer.byteLength(body) !== length) length++;
      return Buffer.from(`${length + lie}${body}`, 'utf8');
    }),
  );
}

const pathSegment = fc.oneof(
  fc.constantFrom(
    'etc',
    'usr',
    'bin',
    'lib',
    'var',
    'lib',
    'dpkg',
    'status',
    'apk',
    'db',
    'installed',
    'rpm',
    'node_modules',
    'package.json',
    '.wh.gone',
    '.wh..wh..opq',
    '.wh.',
    '..',
    '.',
    '',
  ),
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.constantFrom('a'.repeat(99), 'b'.repeat(160), '\0', 'x\ny', '😀'),
);

/** Member names: image-like paths, long ones (past the 100-byte field), and escapes. */
const tarName: fc.Arbitrary<string> = fc.oneof(
  fc.array(pathSegment, { minLength: 1, maxLength: 8 }).map((parts) => parts.join('/')),
  fc.array(pathSegment, { minLength: 1, maxLength: 8 }).map((parts) => `./${parts.join('/')}`),
  fc.constantFrom('/etc/passwd', '../../etc/shadow', './', 'var/lib/dpkg/status', 'lib/apk/db/installed', 'var/lib/rpm/Packages'),
);

const numberField = (length: number, small: fc.Arbitrary<number>): fc.Arbitrary<Buffer> =>
  fc.oneof(
    { weight: 6, arbitrary: small.map((value) => octal(value, length)) },
    { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: (1n << BigInt(8 * length - 1)) - 1n }).map((value) => base256(value, length)) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: length, maxLength: length }).map((bytes) => Buffer.from(bytes)) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('', ' ', '8', '-1', '77777777777', '0x10', '1 2')
        .map((text) => Buffer.from(text.padEnd(length, '\0').slice(0, length), 'latin1')),
    },
  );

/** Typeflags of files, links, devices, directories, FIFOs, PAX/GNU extensions, and some nobody uses. */
const typeflag = fc.oneof(fc.constantFrom(...'0123456755xgLKSVDM'.split('').map((c) => c.charCodeAt(0)), 0), fc.integer({ min: 0, max: 255 }));

/** A member with arbitrary header fields; the size field usually tells the truth about the data. */
export const rawTarMember: fc.Arbitrary<RawTarMember> = fc
  .record({
    name: tarName,
    mode: numberField(8, fc.constantFrom(0o644, 0o755, 0o4755, 0o777, 0)),
    uid: numberField(8, fc.nat({ max: 70000 })),
    gid: numberField(8, fc.nat({ max: 70000 })),
    typeflag,
    linkname: fc.oneof(tarName, fc.constant('')),
    magic: fc.constantFrom(posixMagic, gnuMagic, Buffer.alloc(8)),
    prefix: fc.oneof({ weight: 4, arbitrary: fc.constant('') }, { weight: 1, arbitrary: tarName }),
    data: fc.oneof(
      fc.uint8Array({ maxLength: 1200 }).map((bytes) => Buffer.from(bytes)),
      fc.string({ maxLength: 300 }).map((text) => Buffer.from(text)),
      fc
        .array(
          fc.record({
            key: fc.constantFrom('path', 'linkpath', 'size', 'uid', 'gid', 'mtime', 'x'),
            value: fc.oneof(tarName, fc.constantFrom('99999999999999999999', '-1', '1e3', '')),
            lie: fc.constantFrom(0, 0, 0, -3, 7),
          }),
          { maxLength: 4 },
        )
        .map(paxRecords),
    ),
    lieAboutSize: fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: numberField(12, fc.nat({ max: 1 << 20 })) }),
  })
  .map(({ data, lieAboutSize, ...header }) => ({ header: { ...header, size: lieAboutSize ?? octal(data.length, 12) }, data }));
