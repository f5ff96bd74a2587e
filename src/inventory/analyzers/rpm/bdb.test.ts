import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedAbsent, sharedPath } from '../../../test-support/shared.js';
import { skipWhen } from '../../../test-support/skip.js';
import { readBdb } from './bdb.js';
import { analyzeRpmDb } from './index.js';
import { buildBdb, miniHeader } from './test-rpmdb.js';

const pageSize = 512;
const overflowPages = (db: Buffer): number[] => {
  const found: number[] = [];
  for (let p = 2; p < db.length / pageSize; p++) if (db[p * pageSize + 25] === 7) found.push(p);
  return found;
};

/** Points page `pgno`'s next-page field at `next`. */
function setNext(db: Buffer, pgno: number, next: number, size = pageSize): Buffer {
  const copy = Buffer.from(db);
  copy.writeUInt32LE(next, pgno * size + 16);
  return copy;
}

function names(content: Buffer): string[] {
  return (analyzeRpmDb(content).packages ?? []).map((p) => p.name);
}

describe('readBdb on built databases', () => {
  const values = [miniHeader('alpha', 1500), miniHeader('beta', 700), miniHeader('gamma', 20)];

  it('reads every value in both byte orders, inline or on overflow pages, and skips rpm key 0', () => {
    for (const le of [true, false]) {
      const db = buildBdb(values, { le, inlineUpTo: 100 });
      const read = readBdb(db);
      expect(read.notes).toEqual([]);
      expect(read.records.map((r) => r.id)).toEqual(['key 1', 'key 2', 'key 3']);
      expect(read.records.map((r) => r.blob)).toEqual(values);
      expect(names(db)).toEqual(['alpha', 'beta', 'gamma']);
    }
  });

  it('notes a loop in one overflow chain and still reads the other records', () => {
    const db = buildBdb(values);
    const [first, second] = overflowPages(db);
    const looped = setNext(db, second ?? 0, first ?? 0); // alpha's chain: 2 → 3 → 2
    const output = analyzeRpmDb(looped);
    expect(output.packages?.map((p) => p.name)).toEqual(['beta', 'gamma']);
    expect(output.notes).toEqual([`record key 1: overflow chain: page ${first} is reached a second time (a page loop or a shared chain); skipped`]);
    const selfLoop = setNext(db, first ?? 0, first ?? 0);
    expect(analyzeRpmDb(selfLoop).notes?.[0]).toMatch(/^record key 1: overflow chain: page 2 is reached a second time/);
  });

  it('notes page numbers outside the file', () => {
    const db = buildBdb(values);
    const output = analyzeRpmDb(setNext(db, 2, 0xfffffff0));
    expect(output.packages?.map((p) => p.name)).toEqual(['beta', 'gamma']);
    expect(output.notes?.[0]).toMatch(/^record key 1: overflow chain: page 4294967280 is outside the file's \d+ pages; skipped$/);
  });

  it('notes a hash page whose item offsets point outside it', () => {
    const db = buildBdb(values);
    db.writeUInt16LE(4, pageSize + 26 + 2 * 3); // item 3 (key 1's value) points into the page header
    const read = readBdb(db);
    expect(read.records).toEqual([]);
    expect(read.notes).toEqual(["hash page 1: item 3 has offset 4, outside the page's item area; skipped"]);
  });

  it('notes an overflow chain shorter or longer than its item says', () => {
    const db = buildBdb(values);
    const cut = setNext(db, overflowPages(db)[1] ?? 0, 0);
    expect(analyzeRpmDb(cut).notes?.[0]).toMatch(/^record key 1: overflow chain from page 2 holds \d+ bytes, but its item declares \d+; skipped$/);
  });

  it('notes databases it cannot read', () => {
    const db = buildBdb(values);
    const btree = Buffer.from(db);
    btree.writeUInt32LE(0x053162, 12);
    expect(readBdb(btree).notes).toEqual(['BerkeleyDB btree database: rpm Packages databases are hash databases; not read']);
    const encrypted = Buffer.from(db);
    encrypted[24] = 1;
    expect(readBdb(encrypted).notes).toEqual(['BerkeleyDB database is encrypted; not read']);
    const badSize = Buffer.from(db);
    badSize.writeUInt32LE(1000, 20);
    expect(readBdb(badSize).notes).toEqual(['BerkeleyDB page size 1000 is invalid']);
    expect(readBdb(db.subarray(0, 100)).notes).toEqual(['100 bytes, too short for a BerkeleyDB metadata page']);
  });

  it('bounds the bucket walk by the page count', () => {
    const db = buildBdb(values);
    db.writeUInt32LE(0xffffffff, 72); // max bucket
    const read = readBdb(db);
    expect(read.records).toHaveLength(3); // bucket 0
    expect(read.notes[0]).toMatch(/^BerkeleyDB metadata says 4294967296 hash buckets, more than the file's \d+ pages/);
  });
});

describe('analyzeRpmDb on built databases', () => {
  it('leaves out gpg-pubkey pseudo-packages (imported keys)', () => {
    const output = analyzeRpmDb(buildBdb([miniHeader('gpg-pubkey'), miniHeader('alpha')]));
    expect(output).toEqual({ packages: [{ type: 'rpm', name: 'alpha', version: '1.0', release: '1' }] });
  });

  it('keeps the number of notes bounded', () => {
    const bad = Array.from({ length: 60 }, () => Buffer.alloc(8));
    const output = analyzeRpmDb(buildBdb([...bad, miniHeader('alpha')], { pageSize: 4096, inlineUpTo: 100 }));
    expect(output.packages?.map((p) => p.name)).toEqual(['alpha']);
    expect(output.notes).toHaveLength(51);
    expect(output.notes?.[0]).toBe('record key 1: header has no index entries; skipped');
    expect(output.notes?.[50]).toBe('10 more problems not listed');
  });
});

describe('readBdb on a corrupted copy of a real database', skipWhen(sharedAbsent), () => {
  const real = (): Buffer => readFileSync(sharedPath('fixtures/rpmdb/libuuid-bdb/Packages'));
  const size = 4096; // the fixture's page size: page 2 is bucket 1 (libuuid), pages 3-22 its overflow chain

  it('notes an overflow chain that points back, without hanging', () => {
    const output = analyzeRpmDb(setNext(real(), 22, 10, size));
    expect(output.packages).toEqual([]);
    expect(output.notes).toEqual([`record key 1: overflow chain: page 10 is reached a second time (a page loop or a shared chain); skipped`]);
  });

  it('notes a hash bucket chain that points back, and still reads the other bucket', () => {
    const output = analyzeRpmDb(setNext(real(), 1, 1, size));
    expect(output.packages?.map((p) => p.name)).toEqual(['libuuid']);
    expect(output.notes).toEqual(['hash bucket 0: page 1 is reached a second time (a page loop or a shared chain); the rest of the bucket is not read']);
  });

  it('notes a page of the wrong type in a chain', () => {
    const db = real();
    db[12 * size + 25] = 13;
    expect(analyzeRpmDb(db).notes).toEqual(['record key 1: overflow chain: page 12 has type 13, not an overflow page; skipped']);
  });

  it('notes a truncated file', () => {
    const output = analyzeRpmDb(real().subarray(0, 12 * size + 100));
    expect(output.packages).toEqual([]);
    expect(output.notes).toEqual([
      'BerkeleyDB metadata says the last page is 22, but the file holds 12 pages: truncated',
      "record key 1: overflow chain: page 12 is outside the file's 12 pages; skipped",
    ]);
    expect(analyzeRpmDb(real().subarray(0, 2 * size)).notes).toEqual([
      'BerkeleyDB metadata says the last page is 22, but the file holds 2 pages: truncated',
      "hash bucket 1: page 2 is outside the file's 2 pages; the rest of the bucket is not read",
    ]);
  });
});
