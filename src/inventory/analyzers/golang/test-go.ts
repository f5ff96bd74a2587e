/**
 * Test support: synthetic Go build info blobs and binaries, in the Go 1.18+ inline format and the
 * pointer format of Go 1.13-1.17 (which today's toolchains no longer write). Not used at runtime.
 */
import { buildElf } from '../elf/test-elf.js';
import { BUILDINFO_MAGIC } from './buildinfo.js';

/** cmd/go's infoStart and infoEnd sentinels around the module info. */
const INFO_START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const INFO_END = Buffer.from('f932433186182072008242104116d8f2', 'hex');

export function framedModinfo(text: string): Buffer {
  return Buffer.concat([INFO_START, Buffer.from(text, 'utf8'), INFO_END]);
}

function varint(n: number): Buffer {
  const bytes: number[] = [];
  while (n >= 0x80) {
    bytes.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  bytes.push(n);
  return Buffer.from(bytes);
}

/** The `.go.buildinfo` contents of Go 1.18+: header with flag 2, then both strings inline. */
export function inlineBuildInfo(goVersion: string, modinfo: Buffer): Buffer {
  const header = Buffer.alloc(32);
  BUILDINFO_MAGIC.copy(header);
  header[14] = 8;
  header[15] = 2;
  const version = Buffer.from(goVersion);
  return Buffer.concat([header, varint(version.length), version, varint(modinfo.length), modinfo]);
}

/** A Go 1.18+ style binary: `.go.buildinfo` loaded read-write, strings inline. */
export function inlineGoElf(
  goVersion: string,
  modinfoText: string,
  options: { is64?: boolean; littleEndian?: boolean; noSectionHeaders?: boolean } = {},
): Buffer {
  return buildElf({
    ...options,
    sections: [
      { name: '.text', data: Buffer.alloc(64, 0x90), addr: 0x401000, flags: 5 },
      { name: '.go.buildinfo', data: inlineBuildInfo(goVersion, framedModinfo(modinfoText)), addr: 0x500000 },
    ],
  });
}

/**
 * A Go 1.13-1.17 style binary: the header holds two pointers to Go string headers `{ptr, len}` in
 * `.data`, which point into `.rodata`; every address must be mapped back through PT_LOAD segments.
 */
export function pointerGoElf(goVersion: string, modinfo: Buffer, options: { is64: boolean; littleEndian: boolean }): Buffer {
  const { is64, littleEndian } = options;
  const ptr = is64 ? 8 : 4;
  const put = (b: Buffer, at: number, v: number): void => {
    if (is64) void (littleEndian ? b.writeBigUInt64LE(BigInt(v), at) : b.writeBigUInt64BE(BigInt(v), at));
    else void (littleEndian ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
  };
  const rodataAddr = 0x30000;
  const dataAddr = 0x20000;
  const version = Buffer.from(goVersion);
  const rodata = Buffer.concat([version, modinfo]);
  const data = Buffer.alloc(4 * ptr);
  put(data, 0, rodataAddr);
  put(data, ptr, version.length);
  put(data, 2 * ptr, rodataAddr + version.length);
  put(data, 3 * ptr, modinfo.length);
  const header = Buffer.alloc(32);
  BUILDINFO_MAGIC.copy(header);
  header[14] = ptr;
  header[15] = littleEndian ? 0 : 1;
  put(header, 16, dataAddr);
  put(header, 16 + ptr, dataAddr + 2 * ptr);
  return buildElf({
    is64,
    littleEndian,
    sections: [
      { name: '.rodata', data: rodata, addr: rodataAddr, flags: 4 },
      { name: '.go.buildinfo', data: header, addr: 0x10000 },
      { name: '.data', data, addr: dataAddr },
    ],
  });
}
