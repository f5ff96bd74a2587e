/**
 * Reads the build information the Go linker embeds in every module-aware binary (Go 1.13+), the way
 * Go's own `debug/buildinfo` does: the `.go.buildinfo` header, then the toolchain version and the
 * module info text, either inline (Go 1.18+) or through pointers to Go string headers (older).
 */
import { bytesAtAddress, findSection, parseElf, sectionBytes } from '../elf/elf.js';
import type { ElfFile } from '../elf/elf.js';

/** `\xff Go buildinf:`: starts the 32-byte build info header, 16-byte aligned. */
export const BUILDINFO_MAGIC: Buffer = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER_SIZE = 32;
const ALIGN = 16;
/** Flag bit: the strings follow the header inline (Go 1.18+) instead of being pointed to. */
const FLAG_INLINE = 2;
/** Largest version or module info string read; real ones are a few KiB (a big module graph: ~100 KiB). */
const MAX_STRING_BYTES = 16 * 1024 * 1024;

interface RawBuildInfo {
  /** Toolchain version as the runtime reports it: `go1.21.5`, `go1.22.0 X:boringcrypto`. */
  goVersion: string;
  /** The module info text with its sentinels removed; empty when the binary has none. */
  modinfo: string;
}

export interface BuildInfoResult {
  /** Absent when the file is not a Go binary, or its build info could not be read (see notes). */
  info?: RawBuildInfo | undefined;
  notes: string[];
}

/** Finds and decodes the Go build info of an ELF file. Never throws. */
export function readBuildInfo(data: Buffer): BuildInfoResult {
  const parsed = parseElf(data);
  const elf = typeof parsed === 'string' ? undefined : parsed;
  const notes: string[] = [];

  let region: Buffer;
  if (elf && elf.sections.length > 0) {
    // With section headers, the linker's section is authoritative: no section, not a Go binary.
    const section = findSection(elf, '.go.buildinfo');
    if (!section) return { notes };
    const bytes = sectionBytes(data, section);
    if (typeof bytes === 'string') return { notes: [bytes] };
    region = bytes;
  } else {
    // Section headers stripped (sstrip) or unreadable: the header is 16-aligned in the file too,
    // since loadable segments keep file offsets congruent to their addresses.
    region = data;
  }

  const at = findHeader(region);
  if (at === undefined) {
    if (region !== data) notes.push('.go.buildinfo section without a build info header');
    return { notes };
  }
  const header = region.subarray(at, at + HEADER_SIZE);
  const ptrSize = header[14] ?? 0;
  const flags = header[15] ?? 0;

  let version: Buffer | undefined;
  let modinfo: Buffer | undefined;
  if ((flags & FLAG_INLINE) !== 0) {
    const first = decodeString(region, at + HEADER_SIZE);
    version = first?.value;
    modinfo = first ? decodeString(region, first.next)?.value : undefined;
    if (!first || !modinfo) notes.push('Go build info: inline strings truncated or malformed');
  } else {
    if (!elf || elf.segments.length === 0)
      return { notes: ['Go build info in pointer format, but the ELF program headers cannot be read to follow the pointers'] };
    if (ptrSize !== 4 && ptrSize !== 8) return { notes: [`Go build info: unsupported pointer size ${ptrSize}`] };
    const bigEndian = flags !== 0;
    const readPtr = (b: Buffer, offset: number): number | undefined => readUnsigned(b, offset, ptrSize, bigEndian);
    const versionAddr = readPtr(header, 16);
    const modinfoAddr = readPtr(header, 16 + ptrSize);
    version = versionAddr === undefined ? undefined : readGoString(data, elf, versionAddr, ptrSize, readPtr, notes);
    modinfo = modinfoAddr === undefined ? undefined : readGoString(data, elf, modinfoAddr, ptrSize, readPtr, notes);
  }

  if (!version || version.length === 0) {
    notes.push('Go build info without a toolchain version');
    return { notes };
  }
  return { info: { goVersion: version.toString('utf8'), modinfo: stripSentinels(modinfo) }, notes };
}

/** Offset of the first 16-aligned header with room for its 32 bytes, as Go's search does. */
function findHeader(region: Buffer): number | undefined {
  let from = 0;
  while (from < region.length) {
    const i = region.indexOf(BUILDINFO_MAGIC, from);
    if (i < 0) return undefined;
    if (i % ALIGN === 0) return region.length - i >= HEADER_SIZE ? i : undefined;
    from = Math.ceil(i / ALIGN) * ALIGN;
  }
  return undefined;
}

/** An unsigned varint (Go's binary.Uvarint) then that many bytes. */
function decodeString(data: Buffer, at: number): { value: Buffer; next: number } | undefined {
  let value = 0;
  let scale = 1;
  let i = at;
  for (;;) {
    const byte = data[i];
    if (byte === undefined || i - at >= 10) return undefined;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    i++;
    if ((byte & 0x80) === 0) break;
    if (value > MAX_STRING_BYTES) return undefined;
  }
  if (value > MAX_STRING_BYTES || value > data.length - i) return undefined;
  return { value: data.subarray(i, i + value), next: i + value };
}

function readUnsigned(b: Buffer, offset: number, size: number, bigEndian: boolean): number | undefined {
  if (offset < 0 || offset + size > b.length) return undefined;
  if (size === 4) return bigEndian ? b.readUInt32BE(offset) : b.readUInt32LE(offset);
  const v = bigEndian ? b.readBigUInt64BE(offset) : b.readBigUInt64LE(offset);
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
}

/** A Go string header `{ptr, len}` at a virtual address, then the bytes it points to. */
function readGoString(
  data: Buffer,
  elf: ElfFile,
  addr: number,
  ptrSize: number,
  readPtr: (b: Buffer, offset: number) => number | undefined,
  notes: string[],
): Buffer | undefined {
  const header = bytesAtAddress(data, elf, addr, 2 * ptrSize);
  if (!header || header.length < 2 * ptrSize) {
    notes.push(`Go build info: string header at 0x${addr.toString(16)} is not in the file`);
    return undefined;
  }
  const dataAddr = readPtr(header, 0);
  const length = readPtr(header, ptrSize);
  if (dataAddr === undefined || length === undefined || length > MAX_STRING_BYTES) {
    notes.push(`Go build info: string at 0x${addr.toString(16)} has an unusable pointer or length`);
    return undefined;
  }
  if (length === 0) return Buffer.alloc(0);
  const bytes = bytesAtAddress(data, elf, dataAddr, length);
  if (!bytes || bytes.length < length) {
    notes.push(`Go build info: string data at 0x${dataAddr.toString(16)} is not in the file`);
    return undefined;
  }
  return bytes;
}

/**
 * The module info is framed by two 16-byte sentinels (cmd/go's infoStart/infoEnd); without the
 * framing Go treats it as absent, and so do we.
 */
function stripSentinels(modinfo: Buffer | undefined): string {
  if (!modinfo || modinfo.length < 33 || modinfo[modinfo.length - 17] !== 0x0a) return '';
  return modinfo.toString('utf8', 16, modinfo.length - 16);
}
