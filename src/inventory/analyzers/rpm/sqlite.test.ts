import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sharedAbsent, sharedPath } from '../../../test-support/shared.js';
import { skipWhen } from '../../../test-support/skip.js';
import { analyzeRpmDb } from './index.js';
import { readSqlite } from './sqlite.js';

const real = (): Buffer => readFileSync(sharedPath('fixtures/rpmdb/cbl-mariner-2.0-sqlite/rpmdb.sqlite'));

/** An rpm-style SQLite database (rollback journal, as `serialize` writes it) holding these rows. */
function buildSqlite(rows: readonly [number, Buffer | string][], table = 'Packages'): Buffer {
  const db = new Database(':memory:');
  try {
    db.exec(`CREATE TABLE ${table} (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)`);
    const insert = db.prepare(`INSERT INTO ${table} (hnum, blob) VALUES (?, ?)`);
    for (const [hnum, blob] of rows) insert.run(hnum, blob);
    return db.serialize();
  } finally {
    db.close();
  }
}

describe('readSqlite', () => {
  it('notes a database without a Packages table', () => {
    expect(readSqlite(buildSqlite([[1, Buffer.of(1)]], 'Other')).notes).toEqual(['SQLite database could not be read: no such table: Packages']);
  });

  it('notes a blob that is not a BLOB', () => {
    const read = readSqlite(buildSqlite([[7, 'text']]));
    expect(read).toEqual({ records: [], notes: ['record hnum 7: blob is not a BLOB; skipped'] });
  });

  it('notes content that only starts like SQLite', () => {
    const read = readSqlite(Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(84)]));
    expect(read.records).toEqual([]);
    expect(read.notes).toHaveLength(1);
    expect(read.notes[0]).toMatch(/^SQLite database could not be read: /);
  });
});

describe('readSqlite on real and corrupted databases', skipWhen(sharedAbsent), () => {
  it('reads the WAL-mode fixture without changing the buffer it is given', () => {
    const content = real();
    const before = Buffer.from(content);
    expect(readSqlite(content).records.length).toBeGreaterThan(100);
    expect(content.equals(before)).toBe(true);
  });

  it('notes a truncated database, never throwing, and keeps the records on the pages it still has', () => {
    const content = real();
    const all = readSqlite(content).records.length;
    const half = analyzeRpmDb(content.subarray(0, content.length / 2));
    expect(half.notes).toEqual([
      `SQLite header says 880 pages of 4096 bytes, but the file holds ${content.length / 2} bytes: truncated`,
      expect.stringMatching(/^SQLite table Packages could not be read past record hnum \d+: database disk image is malformed$/),
    ]);
    expect(half.packages?.length).toBeGreaterThan(10);
    expect(half.packages?.length).toBeLessThan(all);
    for (const length of [100, 4096, 100_000]) {
      const output = analyzeRpmDb(content.subarray(0, length));
      expect(output.packages, `${length} bytes`).toEqual([]);
      expect(output.notes?.at(-1)).toBe('SQLite database could not be read: database disk image is malformed');
    }
    // one byte short: the last page reads zero-filled, so the header on it is garbage
    const output = analyzeRpmDb(content.subarray(0, content.length - 1));
    expect(output.packages).toHaveLength(all - 1);
    expect(output.notes).toHaveLength(2);
    expect(output.notes?.[1]).toMatch(/^record hnum \d+: .*; skipped$/);
  });

  it('notes a header with an out-of-range offset, naming the record, and reads the others', () => {
    const blobs = readSqlite(real()).records.slice(0, 3).map((r) => r.blob);
    const bad = Buffer.from(blobs[1] ?? Buffer.alloc(0));
    bad.writeInt32BE(bad.readUInt32BE(4) + 100, 8 + 16 * 2 + 8); // index entry 2's offset, 100 bytes past the store
    const output = analyzeRpmDb(buildSqlite([[1, blobs[0] ?? ''], [2, bad], [3, blobs[2] ?? '']]));
    expect(output.packages).toHaveLength(2);
    expect(output.notes).toHaveLength(1);
    expect(output.notes?.[0]).toMatch(/^record hnum 2: index entry 2 \(tag \d+\) has data offset \d+, outside the \d+-byte data store; skipped$/);
  });
});
