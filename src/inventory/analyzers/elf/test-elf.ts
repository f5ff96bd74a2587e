/**
 * Test support: builds small synthetic ELF files (either class, either byte order) so that formats
 * no installed toolchain produces any more, and damaged headers, can be tested. Not used at runtime.
 */

interface SyntheticSection {
  name: string;
  data: Buffer;
  /** Load address: the section also gets a PT_LOAD segment mapping it there. */
  addr?: number | undefined;
  /** Segment flags when loaded (default PF_R|PF_W). */
  flags?: number | undefined;
  /** Section type (default SHT_PROGBITS). */
  type?: number | undefined;
}

export interface SyntheticElf {
  is64?: boolean;
  littleEndian?: boolean;
  sections: SyntheticSection[];
  /** Leave out the section header table (as `sstrip` does): readers must fall back. */
  noSectionHeaders?: boolean;
}

const align = (n: number, to: number): number => Math.ceil(n / to) * to;

/** Lays out: ELF header, program headers, section data (16-aligned), name table, section headers. */
export function buildElf(spec: SyntheticElf): Buffer {
  const is64 = spec.is64 ?? true;
  const le = spec.littleEndian ?? true;
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const shentsize = is64 ? 64 : 40;
  const loaded = spec.sections.filter((s) => s.addr !== undefined);

  let cursor = align(ehsize + loaded.length * phentsize, 16);
  const placed = spec.sections.map((s) => {
    const offset = cursor;
    cursor = align(cursor + s.data.length, 16);
    return { ...s, offset };
  });
  const names = Buffer.concat([Buffer.from([0]), ...spec.sections.map((s) => Buffer.from(`${s.name}\0`, 'latin1')), Buffer.from('.shstrtab\0')]);
  const namesOffset = cursor;
  cursor = align(cursor + names.length, 16);
  const shoff = spec.noSectionHeaders ? 0 : cursor;
  const shnum = spec.noSectionHeaders ? 0 : spec.sections.length + 2;
  const total = cursor + shnum * shentsize;

  const out = Buffer.alloc(total);
  const u16 = (at: number, v: number): void => void (le ? out.writeUInt16LE(v, at) : out.writeUInt16BE(v, at));
  const u32 = (at: number, v: number): void => void (le ? out.writeUInt32LE(v, at) : out.writeUInt32BE(v, at));
  const word = (at: number, v: number): void => {
    if (is64) void (le ? out.writeBigUInt64LE(BigInt(v), at) : out.writeBigUInt64BE(BigInt(v), at));
    else u32(at, v);
  };

  out.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, le ? 1 : 2, 1], 0);
  u16(16, 2); // ET_EXEC
  u16(18, is64 ? 62 : 3); // x86-64 / i386: irrelevant to the readers
  u32(20, 1);
  word(is64 ? 32 : 28, ehsize); // e_phoff
  word(is64 ? 40 : 32, shoff);
  u16(is64 ? 52 : 40, ehsize);
  u16(is64 ? 54 : 42, phentsize);
  u16(is64 ? 56 : 44, loaded.length);
  u16(is64 ? 58 : 46, shentsize);
  u16(is64 ? 60 : 48, shnum);
  u16(is64 ? 62 : 50, shnum === 0 ? 0 : shnum - 1);

  let ph = ehsize;
  for (const s of placed) {
    out.set(s.data, s.offset);
    if (s.addr === undefined) continue;
    u32(ph, 1); // PT_LOAD
    if (is64) {
      u32(ph + 4, s.flags ?? 6);
      word(ph + 8, s.offset);
      word(ph + 16, s.addr);
      word(ph + 24, s.addr);
      word(ph + 32, s.data.length);
      word(ph + 40, s.data.length);
      word(ph + 48, 16);
    } else {
      word(ph + 4, s.offset);
      word(ph + 8, s.addr);
      word(ph + 12, s.addr);
      word(ph + 16, s.data.length);
      word(ph + 20, s.data.length);
      u32(ph + 24, s.flags ?? 6);
      u32(ph + 28, 16);
    }
    ph += phentsize;
  }
  out.set(names, namesOffset);

  if (shnum > 0) {
    let nameOffset = 1;
    const header = (index: number, name: number, type: number, addr: number, offset: number, size: number): void => {
      const at = shoff + index * shentsize;
      u32(at, name);
      u32(at + 4, type);
      word(at + (is64 ? 16 : 12), addr);
      word(at + (is64 ? 24 : 16), offset);
      word(at + (is64 ? 32 : 20), size);
    };
    placed.forEach((s, i) => {
      header(i + 1, nameOffset, s.type ?? 1, s.addr ?? 0, s.offset, s.data.length);
      nameOffset += Buffer.byteLength(s.name, 'latin1') + 1;
    });
    header(shnum - 1, nameOffset, 3, 0, namesOffset, names.length); // SHT_STRTAB
  }
  return out;
}
