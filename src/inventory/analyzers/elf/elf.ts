/**
 * Minimal, bounds-checked ELF reader shared by the binary analysers (Go build info, cargo-auditable):
 * the file header, section headers with names, and PT_LOAD program headers to map virtual addresses
 * back to file offsets. Every offset and count comes from untrusted input, so each is checked against
 * the buffer before use; nothing here throws or allocates more than the tables themselves.
 */
import type { FileEntry } from '../../../image/layer/entry.js';

/** `\x7fELF`: the first bytes of every ELF file (the analysers' `magic`). */
export const ELF_MAGIC: Buffer = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/** `required` rule of the ELF analysers: regular files with an execute bit (cheap: tar header only). */
export function isExecutableFile(entry: FileEntry): boolean {
  return entry.type === 'file' && (entry.mode & 0o111) !== 0;
}

/** Section type whose bytes are not in the file (`.bss`). */
export const SHT_NOBITS = 8;
/** Program header type of a loadable segment. */
const PT_LOAD = 1;

export interface ElfSection {
  name: string;
  type: number;
  /** Virtual address once loaded (0 for sections that are not). */
  addr: number;
  /** File offset and size as declared: not yet checked against the file (see `sectionBytes`). */
  offset: number;
  size: number;
}

interface ElfSegment {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
}

export interface ElfFile {
  is64: boolean;
  littleEndian: boolean;
  /** Empty when the file has no section header table, or one that cannot be read. */
  sections: ElfSection[];
  segments: ElfSegment[];
  /** Why a header table was skipped (outside the file, bad entry size...). Not fatal. */
  problems: string[];
}

/** Reads fixed-width fields with the file's byte order; values past the buffer or above 2^53 are undefined. */
class FieldReader {
  constructor(
    private readonly data: Buffer,
    private readonly littleEndian: boolean,
  ) {}

  u16(at: number): number | undefined {
    if (at < 0 || at + 2 > this.data.length) return undefined;
    return this.littleEndian ? this.data.readUInt16LE(at) : this.data.readUInt16BE(at);
  }

  u32(at: number): number | undefined {
    if (at < 0 || at + 4 > this.data.length) return undefined;
    return this.littleEndian ? this.data.readUInt32LE(at) : this.data.readUInt32BE(at);
  }

  u64(at: number): number | undefined {
    if (at < 0 || at + 8 > this.data.length) return undefined;
    const value = this.littleEndian ? this.data.readBigUInt64LE(at) : this.data.readBigUInt64BE(at);
    // No file offset, size or user-space address a scanner can use is this large.
    return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
  }
}

/** Layout of the header fields that differ between ELF32 and ELF64. */
interface Layout {
  headerSize: number;
  word: (r: FieldReader, at: number) => number | undefined;
  phoff: number;
  shoff: number;
  phentsize: number;
  phnum: number;
  shentsize: number;
  shnum: number;
  shstrndx: number;
  minPhent: number;
  minShent: number;
  sh: { name: 0; type: 4; addr: number; offset: number; size: number; link: number; info: number };
  ph: { type: 0; flags: number; offset: number; vaddr: number; filesz: number };
}

const layout32: Layout = {
  headerSize: 52,
  word: (r, at) => r.u32(at),
  phoff: 28,
  shoff: 32,
  phentsize: 42,
  phnum: 44,
  shentsize: 46,
  shnum: 48,
  shstrndx: 50,
  minPhent: 32,
  minShent: 40,
  sh: { name: 0, type: 4, addr: 12, offset: 16, size: 20, link: 24, info: 28 },
  ph: { type: 0, flags: 24, offset: 4, vaddr: 8, filesz: 16 },
};

const layout64: Layout = {
  headerSize: 64,
  word: (r, at) => r.u64(at),
  phoff: 32,
  shoff: 40,
  phentsize: 54,
  phnum: 56,
  shentsize: 58,
  shnum: 60,
  shstrndx: 62,
  minPhent: 56,
  minShent: 64,
  sh: { name: 0, type: 4, addr: 16, offset: 24, size: 32, link: 40, info: 44 },
  ph: { type: 0, flags: 4, offset: 8, vaddr: 16, filesz: 32 },
};

const MAX_NAME_BYTES = 256;
/** More table entries than real executables have by far (they have tens): bounds the allocations. */
const MAX_SECTIONS = 100_000;
const MAX_SEGMENTS = 10_000;

/**
 * Parses the ELF header and its section and program header tables. Returns a reason string when the
 * buffer is not an ELF file this reader understands; a damaged table only empties that table.
 */
export function parseElf(data: Buffer): ElfFile | string {
  if (data.length < 16 || !data.subarray(0, 4).equals(ELF_MAGIC)) return 'not an ELF file';
  const elfClass = data[4];
  const encoding = data[5];
  if (elfClass !== 1 && elfClass !== 2) return `unknown ELF class ${String(elfClass)}`;
  if (encoding !== 1 && encoding !== 2) return `unknown ELF data encoding ${String(encoding)}`;
  const is64 = elfClass === 2;
  const littleEndian = encoding === 1;
  const l = is64 ? layout64 : layout32;
  if (data.length < l.headerSize) return 'ELF header truncated';
  const r = new FieldReader(data, littleEndian);
  const problems: string[] = [];

  const phoff = l.word(r, l.phoff) ?? 0;
  const shoff = l.word(r, l.shoff) ?? 0;
  const phentsize = r.u16(l.phentsize) ?? 0;
  let phnum = r.u16(l.phnum) ?? 0;
  const shentsize = r.u16(l.shentsize) ?? 0;
  let shnum = r.u16(l.shnum) ?? 0;
  let shstrndx = r.u16(l.shstrndx) ?? 0;

  // Extended numbering: the real counts live in section header 0.
  const firstSection = shoff > 0 && shentsize >= l.minShent && shoff + shentsize <= data.length ? shoff : undefined;
  if (firstSection !== undefined) {
    if (shnum === 0) shnum = l.word(r, firstSection + l.sh.size) ?? 0;
    if (shstrndx === 0xffff) shstrndx = r.u32(firstSection + l.sh.link) ?? 0;
    if (phnum === 0xffff) phnum = r.u32(firstSection + l.sh.info) ?? 0;
  }

  const segments: ElfSegment[] = [];
  if (phoff > 0 && phnum > 0) {
    if (phnum > MAX_SEGMENTS) problems.push(`${phnum} program headers: more than ${MAX_SEGMENTS}, not read`);
    else if (phentsize < l.minPhent) problems.push(`program header entry size ${phentsize} too small`);
    else if (phoff + phnum * phentsize > data.length) problems.push('program header table runs past the end of the file');
    else {
      for (let i = 0; i < phnum; i++) {
        const at = phoff + i * phentsize;
        const type = r.u32(at + l.ph.type);
        const flags = r.u32(at + l.ph.flags);
        const offset = l.word(r, at + l.ph.offset);
        const vaddr = l.word(r, at + l.ph.vaddr);
        const filesz = l.word(r, at + l.ph.filesz);
        if (type === undefined || flags === undefined || offset === undefined || vaddr === undefined || filesz === undefined) continue;
        segments.push({ type, flags, offset, vaddr, filesz });
      }
    }
  }

  const sections: ElfSection[] = [];
  if (shoff > 0 && shnum > 0) {
    if (shnum > MAX_SECTIONS) problems.push(`${shnum} section headers: more than ${MAX_SECTIONS}, not read`);
    else if (shentsize < l.minShent) problems.push(`section header entry size ${shentsize} too small`);
    else if (shoff + shnum * shentsize > data.length) problems.push('section header table runs past the end of the file');
    else {
      const raw: Array<Omit<ElfSection, 'name'> & { nameOffset: number }> = [];
      for (let i = 0; i < shnum; i++) {
        const at = shoff + i * shentsize;
        raw.push({
          nameOffset: r.u32(at + l.sh.name) ?? 0,
          type: r.u32(at + l.sh.type) ?? 0,
          addr: l.word(r, at + l.sh.addr) ?? 0,
          // An unreadable offset or size becomes one that fails the bounds check in `sectionBytes`.
          offset: l.word(r, at + l.sh.offset) ?? Number.MAX_SAFE_INTEGER,
          size: l.word(r, at + l.sh.size) ?? Number.MAX_SAFE_INTEGER,
        });
      }
      const strtab = raw[shstrndx];
      const names =
        strtab && strtab.type !== SHT_NOBITS && inFile(data, strtab.offset, strtab.size)
          ? data.subarray(strtab.offset, strtab.offset + strtab.size)
          : undefined;
      if (!names) problems.push('section name table missing or outside the file');
      for (const { nameOffset, ...section } of raw) sections.push({ ...section, name: names ? nameAt(names, nameOffset) : '' });
    }
  }

  return { is64, littleEndian, sections, segments, problems };
}

function inFile(data: Buffer, offset: number, size: number): boolean {
  return offset >= 0 && size >= 0 && offset <= data.length && size <= data.length - offset;
}

function nameAt(names: Buffer, offset: number): string {
  if (offset >= names.length) return '';
  const end = names.indexOf(0, offset);
  const stop = end < 0 ? names.length : end;
  return names.toString('latin1', offset, Math.min(stop, offset + MAX_NAME_BYTES));
}

/** The first section with this name. */
export function findSection(elf: ElfFile, name: string): ElfSection | undefined {
  return elf.sections.find((s) => s.name === name);
}

/** A section's bytes (a view, not a copy), or why they cannot be read. */
export function sectionBytes(data: Buffer, section: ElfSection): Buffer | string {
  if (section.type === SHT_NOBITS) return `section ${section.name} has no bytes in the file`;
  if (!inFile(data, section.offset, section.size)) return `section ${section.name} lies outside the file`;
  return data.subarray(section.offset, section.offset + section.size);
}

/**
 * Bytes at a virtual address, through the PT_LOAD segment that maps it (as Go's debug/buildinfo
 * reads them): `length` bytes, or fewer when the segment ends first; undefined when no segment
 * maps the address inside the file.
 */
export function bytesAtAddress(data: Buffer, elf: ElfFile, addr: number, length: number): Buffer | undefined {
  for (const p of elf.segments) {
    if (p.type !== PT_LOAD || p.filesz === 0) continue;
    if (addr < p.vaddr || addr - p.vaddr >= p.filesz) continue;
    const skip = addr - p.vaddr;
    const start = p.offset + skip;
    const available = Math.min(p.filesz - skip, length);
    if (!inFile(data, start, available)) return undefined;
    return data.subarray(start, start + available);
  }
  return undefined;
}
