import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commandMissing, skipWhen } from '../../../test-support/skip.js';
import { bytesAtAddress, findSection, isExecutableFile, parseElf, sectionBytes, SHT_NOBITS } from './elf.js';
import type { ElfFile } from './elf.js';
import { buildElf } from './test-elf.js';

function parsed(data: Buffer): ElfFile {
  const elf = parseElf(data);
  if (typeof elf === 'string') throw new Error(elf);
  return elf;
}

const sample = (is64: boolean, littleEndian: boolean): Buffer =>
  buildElf({
    is64,
    littleEndian,
    sections: [
      { name: '.text', data: Buffer.from('code'), addr: 0x401000, flags: 5 },
      { name: '.data', data: Buffer.from('0123456789abcdef'), addr: 0x402000 },
      { name: '.bss', data: Buffer.alloc(0), type: SHT_NOBITS },
      { name: '.note.x', data: Buffer.from('note') },
    ],
  });

describe('parseElf', () => {
  it.each([
    [true, true],
    [true, false],
    [false, true],
    [false, false],
  ])('reads sections and segments (64-bit %s, little-endian %s)', (is64, littleEndian) => {
    const data = sample(is64, littleEndian);
    const elf = parsed(data);
    expect([elf.is64, elf.littleEndian, elf.problems]).toEqual([is64, littleEndian, []]);
    expect(elf.sections.map((s) => s.name)).toEqual(['', '.text', '.data', '.bss', '.note.x', '.shstrtab']);
    expect(elf.segments.map((p) => [p.type, p.flags, p.vaddr, p.filesz])).toEqual([
      [1, 5, 0x401000, 4],
      [1, 6, 0x402000, 16],
    ]);
    expect(sectionBytes(data, findSection(elf, '.note.x')!)).toEqual(Buffer.from('note'));
    expect(sectionBytes(data, findSection(elf, '.bss')!)).toBe('section .bss has no bytes in the file');
    expect(bytesAtAddress(data, elf, 0x402004, 4)).toEqual(Buffer.from('4567'));
    expect(bytesAtAddress(data, elf, 0x40200c, 100)).toEqual(Buffer.from('cdef')); // cut at the segment's end
    expect(bytesAtAddress(data, elf, 0x402010, 1)).toBeUndefined();
    expect(bytesAtAddress(data, elf, 0x1000, 1)).toBeUndefined();
  });

  it('says why data is not a readable ELF', () => {
    expect(parseElf(Buffer.from('MZ not elf at all'))).toBe('not an ELF file');
    const data = sample(true, true);
    expect(parseElf(data.subarray(0, 40))).toBe('ELF header truncated');
    expect(parseElf(Buffer.concat([data.subarray(0, 4), Buffer.from([3]), data.subarray(5)]))).toBe('unknown ELF class 3');
    expect(parseElf(Buffer.concat([data.subarray(0, 5), Buffer.from([0]), data.subarray(6)]))).toBe('unknown ELF data encoding 0');
  });

  it('drops a damaged table with a problem, keeping the other', () => {
    const truncated = sample(true, true);
    expect(parsed(truncated.subarray(0, truncated.length - 10))).toMatchObject({
      sections: [],
      problems: ['section header table runs past the end of the file'],
    });
    const badEntrySize = sample(false, true);
    badEntrySize.writeUInt16LE(8, 42); // e_phentsize
    expect(parsed(badEntrySize)).toMatchObject({ segments: [], problems: ['program header entry size 8 too small'] });
    expect(parsed(badEntrySize).sections).toHaveLength(6);
    const badNames = sample(true, true);
    badNames.writeUInt16LE(2, 62); // e_shstrndx -> .text: names are garbage, but bounded
    const strtabOutside = sample(true, true);
    strtabOutside.writeUInt16LE(99, 62);
    expect(parsed(strtabOutside)).toMatchObject({ problems: ['section name table missing or outside the file'] });
    expect(parsed(strtabOutside).sections.every((s) => s.name === '')).toBe(true);
    expect(findSection(parsed(badNames), '.data')).toBeUndefined();
  });

  it('reads extended section numbering from section 0', () => {
    const data = sample(true, true);
    const shoff = Number(data.readBigUInt64LE(40));
    data.writeBigUInt64LE(6n, shoff + 32); // sh_size of section 0 = the count
    data.writeUInt32LE(5, shoff + 40); // sh_link of section 0 = the name table index
    data.writeUInt16LE(0, 60);
    data.writeUInt16LE(0xffff, 62);
    expect(parsed(data).sections.map((s) => s.name)).toEqual(['', '.text', '.data', '.bss', '.note.x', '.shstrtab']);
  });

  it('does not read absurdly many section headers', () => {
    const data = Buffer.concat([sample(true, true), Buffer.alloc(64 * 200_000)]);
    const shoff = Number(data.readBigUInt64LE(40));
    data.writeBigUInt64LE(200_000n, shoff + 32);
    data.writeUInt16LE(0, 60);
    expect(parsed(data)).toMatchObject({ sections: [], problems: ['200000 section headers: more than 100000, not read'] });
  });

  it('marks sections lying outside the file', () => {
    const data = sample(false, false);
    const shoff = data.readUInt32BE(32);
    data.writeUInt32BE(0xfffffff0, shoff + 4 * 40 + 20); // .note.x sh_size
    const elf = parsed(data);
    expect(sectionBytes(data, findSection(elf, '.note.x')!)).toBe('section .note.x lies outside the file');
  });

  it('never throws on damaged files', () => {
    const originals = [sample(true, true), sample(false, false)];
    let seed = 99;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 3000; round++) {
      const damaged = Buffer.from(originals[round % 2]!);
      for (let k = 0; k < 1 + random(6); k++) damaged[random(damaged.length)] = random(256);
      const elf = parseElf(random(4) === 0 ? damaged.subarray(0, random(damaged.length)) : damaged);
      if (typeof elf === 'string') continue;
      for (const s of elf.sections) sectionBytes(damaged, s);
      bytesAtAddress(damaged, elf, 0x402000, 16);
    }
  });

  it('wants regular files with an execute bit', () => {
    const entry = { path: '/x', type: 'file' as const, size: 1, mode: 0o4750, uid: 0, gid: 0 };
    expect(isExecutableFile(entry)).toBe(true);
    expect(isExecutableFile({ ...entry, mode: 0o644 })).toBe(false);
    expect(isExecutableFile({ ...entry, type: 'hardlink' })).toBe(false);
  });
});

describe('parseElf on real binaries', skipWhen(commandMissing('readelf', 'binutils')), () => {
  it.each(['/bin/true', process.execPath].filter((f) => existsSync(f)))('%s: the sections readelf lists', (file) => {
    const listing = spawnSync('readelf', ['-SW', file], { encoding: 'utf8', maxBuffer: 16 << 20 }).stdout;
    // "  [ 1] .interp   PROGBITS   0000000000000318 000318 00001c 00   A  0   0  1"
    const expected = [...listing.matchAll(/^\s*\[\s*(\d+)\]\s+(\S*)\s+[A-Z_0-9]+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)/gm)].map((m) => [
      m[2] === 'NULL' ? '' : m[2],
      parseInt(m[3]!, 16),
      parseInt(m[4]!, 16),
      parseInt(m[5]!, 16),
    ]);
    const elf = parsed(readFileSync(file));
    expect(elf.sections.map((s) => [s.name, s.addr, s.offset, s.size])).toEqual(expected);
    expect(elf.segments.length).toBeGreaterThan(0);
  });
});
