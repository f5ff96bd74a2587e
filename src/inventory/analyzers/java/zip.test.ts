import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildZip } from './test-zip.js';
import { readZipDirectory, readZipEntry } from './zip.js';
import type { ZipDirectory } from './zip.js';

const all = (): boolean => true;
const budget = (remaining = 1 << 30): { remaining: number } => ({ remaining });

function directory(data: Buffer): ZipDirectory {
  const dir = readZipDirectory(data, all);
  if (typeof dir === 'string') throw new Error(dir);
  return dir;
}

function contents(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of directory(data).entries) {
    const bytes = readZipEntry(data, entry, budget(), 1 << 20);
    out[entry.name] = typeof bytes === 'string' ? `error: ${bytes}` : bytes.toString();
  }
  return out;
}

describe('readZipDirectory / readZipEntry', () => {
  const entries = [
    { name: 'a.txt', data: 'stored text', method: 'store' as const },
    { name: 'dir/b.txt', data: 'deflated text '.repeat(50) },
    { name: 'empty.txt', data: '' },
  ];

  it('reads stored, deflated and empty entries', () => {
    expect(contents(buildZip(entries))).toEqual({ 'a.txt': 'stored text', 'dir/b.txt': 'deflated text '.repeat(50), 'empty.txt': '' });
  });

  it('keeps only the entries asked for, but counts them all', () => {
    const dir = readZipDirectory(buildZip(entries), (name) => name.endsWith('b.txt'));
    expect(typeof dir === 'string' ? dir : [dir.entries.map((e) => e.name), dir.total]).toEqual([['dir/b.txt'], 3]);
  });

  it('reads Zip64 records and extra fields', () => {
    expect(contents(buildZip(entries, { zip64: true }))).toEqual(contents(buildZip(entries)));
  });

  it('finds the archive behind prepended data (an executable jar launch script)', () => {
    const script = '#!/bin/sh\nexec java -jar "$0" "$@"\n';
    expect(contents(buildZip(entries, { prefix: script }))).toEqual(contents(buildZip(entries)));
    expect(contents(buildZip(entries, { prefix: script, zip64: true }))).toEqual(contents(buildZip(entries)));
  });

  it('finds the end record behind an archive comment', () => {
    const zip = buildZip(entries);
    const comment = Buffer.from('a comment with PK\x05\x06 inside', 'latin1');
    zip.writeUInt16LE(comment.length, zip.length - 2);
    expect(contents(Buffer.concat([zip, comment]))).toEqual(contents(buildZip(entries)));
  });

  it('reads an empty archive', () => {
    expect(directory(buildZip([])).entries).toEqual([]);
  });

  it('says why data is not a readable zip', () => {
    expect(readZipDirectory(Buffer.from('PK\x03\x04 and nothing else'), all)).toMatch(/end-of-central-directory/);
    const zip = buildZip(entries);
    zip.writeUInt32LE(0x12345678, zip.length - 6); // central directory offset
    expect(readZipDirectory(zip, all)).toMatch(/central directory not found/);
  });

  it('notes a central directory that is cut short, keeping the entries before', () => {
    const cut = buildZip(entries);
    cut.writeUInt32LE(cut.readUInt32LE(cut.length - 10) - 20, cut.length - 10);
    const partial = directory(cut);
    expect(partial.entries.map((e) => e.name)).toEqual(['a.txt', 'dir/b.txt']);
    expect(partial.notes.join()).toMatch(/runs past the directory|declares 3 entries/);
  });

  it('refuses an entry that inflates past its declared size (zip bomb), after at most that many bytes', () => {
    const zip = buildZip([{ name: 'bomb.txt', data: Buffer.alloc(16 * 1024 * 1024), declaredSize: 1000 }]);
    expect(zip.length).toBeLessThan(20_000);
    const [entry] = directory(zip).entries;
    const before = process.memoryUsage().arrayBuffers;
    expect(readZipEntry(zip, entry!, budget(), 1 << 20)).toMatch(/inflates past its declared size of 1000/);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(10 * 1024 * 1024);
  });

  it('refuses an entry declaring more than the limit or the budget left, without inflating it', () => {
    const zip = buildZip([
      { name: 'huge.txt', data: 'x', declaredSize: 0xfffffff0 },
      { name: 'a.txt', data: 'a'.repeat(600) },
      { name: 'b.txt', data: 'b'.repeat(600) },
    ]);
    const [huge, a, b] = directory(zip).entries;
    const shared = budget(1000);
    expect(readZipEntry(zip, huge!, shared, 256 << 20)).toMatch(/over the 268435456-byte limit/);
    expect(readZipEntry(zip, a!, shared, 1 << 20)).toEqual(Buffer.from('a'.repeat(600)));
    expect(readZipEntry(zip, b!, shared, 1 << 20)).toMatch(/over what is left of the read budget \(400\)/);
  });

  it('charges stored entries to the budget too', () => {
    const zip = buildZip([{ name: 'a.jar', data: 'a'.repeat(600), method: 'store' }]);
    const [entry] = directory(zip).entries;
    const shared = budget(1000);
    expect(readZipEntry(zip, entry!, shared, 1 << 20)).toEqual(Buffer.from('a'.repeat(600)));
    expect(readZipEntry(zip, entry!, shared, 1 << 20)).toMatch(/over what is left of the read budget \(400\)/);
    expect(readZipEntry(zip, entry!, budget(), 100)).toMatch(/holds 600 bytes, over the 100-byte limit/);
  });

  it('reports corrupt data, unsupported methods, encryption and entries past the end', () => {
    const zip = buildZip([{ name: 'a.txt', data: 'hello' }]);
    const [entry] = directory(zip).entries;
    const garbled = Buffer.from(zip);
    garbled.fill(0xff, 30 + 5, 30 + 5 + 4); // the deflate stream, after the 30-byte header and name
    expect(readZipEntry(garbled, entry!, budget(), 100)).toMatch(/cannot inflate/);
    expect(readZipEntry(zip, { ...entry!, method: 14 }, budget(), 100)).toMatch(/method 14 not supported/);
    expect(readZipEntry(zip, { ...entry!, flags: 1 }, budget(), 100)).toMatch(/encrypted/);
    expect(readZipEntry(zip, { ...entry!, compressedSize: zip.length }, budget(), 100)).toMatch(/past the end/);
    expect(readZipEntry(zip, { ...entry!, localHeaderOffset: 3 }, budget(), 100)).toMatch(/local header missing/);
  });

  it('never throws on damaged archives', () => {
    const original = buildZip([...entries, { name: 'x.jar', data: deflateRawSync(Buffer.from('inner')) }], { zip64: true });
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 2000; round++) {
      const damaged = Buffer.from(original);
      for (let k = 0; k < 1 + random(8); k++) damaged[random(damaged.length)] = random(256);
      const cut = random(4) === 0 ? damaged.subarray(0, random(damaged.length)) : damaged;
      const dir = readZipDirectory(cut, all);
      if (typeof dir === 'string') continue;
      for (const entry of dir.entries) readZipEntry(cut, entry, budget(1 << 20), 1 << 20);
    }
  });
});
