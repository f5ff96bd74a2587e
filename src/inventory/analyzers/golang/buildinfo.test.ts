import { describe, expect, it } from 'vitest';
import { buildElf } from '../elf/test-elf.js';
import { BUILDINFO_MAGIC, readBuildInfo } from './buildinfo.js';
import { framedModinfo, inlineBuildInfo, inlineGoElf, pointerGoElf } from './test-go.js';

const modinfo = 'path\texample.com/app\nmod\texample.com/app\t(devel)\t\ndep\tgolang.org/x/text\tv0.3.7\th1:olpwvP2KacW1ZWvsR7uQhoyTYvKAupfQrRGBFM352Gk=\n';

describe('readBuildInfo', () => {
  it('reads the inline format of Go 1.18+ from the .go.buildinfo section', () => {
    for (const [is64, littleEndian] of [
      [true, true],
      [false, false],
    ] as const) {
      expect(readBuildInfo(inlineGoElf('go1.21.5', modinfo, { is64, littleEndian }))).toEqual({ info: { goVersion: 'go1.21.5', modinfo }, notes: [] });
    }
  });

  // Go 1.13-1.17 wrote pointers to Go string headers; no toolchain installed here writes them any
  // more, so these binaries are synthetic (ELF64 little-endian as amd64, ELF32 big-endian as mips).
  it('reads the pointer format of Go 1.13-1.17 through the program headers', () => {
    for (const [is64, littleEndian] of [
      [true, true],
      [false, false],
      [true, false],
      [false, true],
    ] as const) {
      const elf = pointerGoElf('go1.16.15', framedModinfo(modinfo), { is64, littleEndian });
      expect(readBuildInfo(elf), `${is64 ? 64 : 32}-bit ${littleEndian ? 'LE' : 'BE'}`).toEqual({ info: { goVersion: 'go1.16.15', modinfo }, notes: [] });
    }
  });

  it('searches the whole file, 16-aligned, when the section headers are stripped', () => {
    expect(readBuildInfo(inlineGoElf('go1.22.0', modinfo, { noSectionHeaders: true })).info).toEqual({ goVersion: 'go1.22.0', modinfo });
    // A misaligned copy of the magic before the real header is passed over.
    const decoy = Buffer.concat([Buffer.alloc(3), BUILDINFO_MAGIC, Buffer.alloc(32)]);
    const elf = buildElf({
      noSectionHeaders: true,
      sections: [
        { name: '.x', data: decoy },
        { name: '.go.buildinfo', data: inlineBuildInfo('go1.22.0', framedModinfo(modinfo)) },
      ],
    });
    expect(readBuildInfo(elf).info?.goVersion).toBe('go1.22.0');
  });

  it('does not search when section headers exist but none is .go.buildinfo', () => {
    const elf = buildElf({ sections: [{ name: '.rodata', data: inlineBuildInfo('go1.22.0', framedModinfo(modinfo)) }] });
    expect(readBuildInfo(elf)).toEqual({ notes: [] });
    expect(readBuildInfo(buildElf({ sections: [{ name: '.text', data: Buffer.alloc(100) }] }))).toEqual({ notes: [] });
  });

  it('gives no module info without its sentinels, as Go does', () => {
    const blob = inlineBuildInfo('go1.20', Buffer.from(modinfo));
    expect(readBuildInfo(buildElf({ sections: [{ name: '.go.buildinfo', data: blob }] })).info).toEqual({ goVersion: 'go1.20', modinfo: '' });
  });

  it('notes damaged build info, keeping what could be read', () => {
    const section = (data: Buffer): Buffer => buildElf({ sections: [{ name: '.go.buildinfo', data }] });
    const good = inlineBuildInfo('go1.21.0', framedModinfo(modinfo));
    expect(readBuildInfo(section(good.subarray(0, good.length - 10)))).toEqual({
      info: { goVersion: 'go1.21.0', modinfo: '' },
      notes: ['Go build info: inline strings truncated or malformed'],
    });
    const hugeVarint = Buffer.concat([good.subarray(0, 32), Buffer.alloc(12, 0xff)]);
    expect(readBuildInfo(section(hugeVarint)).notes).toEqual([
      'Go build info: inline strings truncated or malformed',
      'Go build info without a toolchain version',
    ]);
    expect(readBuildInfo(section(Buffer.alloc(48))).notes).toEqual(['.go.buildinfo section without a build info header']);

    const badPtrSize = Buffer.from(good.subarray(0, 32));
    badPtrSize[15] = 0;
    badPtrSize[14] = 3;
    expect(readBuildInfo(buildElf({ sections: [{ name: '.go.buildinfo', data: badPtrSize, addr: 0x1000 }] })).notes).toEqual([
      'Go build info: unsupported pointer size 3',
    ]);
    expect(readBuildInfo(section(badPtrSize)).notes[0]).toMatch(/program headers cannot be read/);
  });

  it('notes pointers that lead outside the file', () => {
    const elf = pointerGoElf('go1.16.15', framedModinfo(modinfo), { is64: true, littleEndian: true });
    const at = elf.indexOf(BUILDINFO_MAGIC);
    const unmapped = Buffer.from(elf);
    unmapped.writeBigUInt64LE(0xdead0000n, at + 16);
    expect(readBuildInfo(unmapped).notes).toEqual([
      'Go build info: string header at 0xdead0000 is not in the file',
      'Go build info without a toolchain version',
    ]);
    const tooLong = Buffer.from(elf);
    // .data follows the 32-byte header: the version string's length is its second word.
    tooLong.writeBigUInt64LE(0x7fffffffn, at + 32 + 8);
    expect(readBuildInfo(tooLong).notes[0]).toMatch(/unusable pointer or length/);
  });

  it('notes a .go.buildinfo section that lies outside the file', () => {
    const elf = inlineGoElf('go1.21.5', modinfo);
    const table = elf.readBigUInt64LE(40);
    // Section 2 (.go.buildinfo): point its offset past the end.
    elf.writeBigUInt64LE(BigInt(elf.length + 100), Number(table) + 2 * 64 + 24);
    expect(readBuildInfo(elf)).toEqual({ notes: ['section .go.buildinfo lies outside the file'] });
  });

  it('never throws on damaged binaries', () => {
    const originals = [
      inlineGoElf('go1.21.5', modinfo),
      inlineGoElf('go1.21.5', modinfo, { noSectionHeaders: true }),
      pointerGoElf('go1.16', framedModinfo(modinfo), { is64: true, littleEndian: true }),
      pointerGoElf('go1.16', framedModinfo(modinfo), { is64: false, littleEndian: false }),
    ];
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 3000; round++) {
      const damaged = Buffer.from(originals[round % originals.length]!);
      for (let k = 0; k < 1 + random(6); k++) damaged[random(damaged.length)] = random(256);
      readBuildInfo(random(4) === 0 ? damaged.subarray(0, random(damaged.length)) : damaged);
    }
  });
});
