import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedAbsent, sharedPath } from '../../../test-support/shared.js';
import { skipWhen } from '../../../test-support/skip.js';
import { analyzeRpmDb } from './index.js';
import { readNdb } from './ndb.js';

// The SLE 15 BCI fixture: one slot page; slot i at byte 32 + 16 i; package index 1's blob at byte
// 4096, index 2's at 8256, index 3's at 65184; index 17's (at 582432) is the first to end past byte 600000.
const real = (): Buffer => readFileSync(sharedPath('fixtures/rpmdb/sle15-bci-ndb/Packages.db'));

describe('readNdb', () => {
  it('rejects what is not NDB', () => {
    expect(readNdb(Buffer.from('RpmQ0000000000000000000000000000')).notes).toEqual(['not an NDB database: no RpmP header']);
    expect(readNdb(Buffer.from('RpmP')).notes).toEqual(['not an NDB database: no RpmP header']);
    const header = Buffer.alloc(4096);
    header.write('RpmP', 0, 'latin1');
    expect(readNdb(header).notes).toEqual(['NDB header says there are no slot pages']);
    header.writeUInt32LE(1, 4);
    expect(readNdb(header).notes).toEqual(['NDB database version 1 is not supported (only 0)']);
  });
});

describe('readNdb on a corrupted copy of a real database', skipWhen(sharedAbsent), () => {
  const all = (): string[] => (analyzeRpmDb(real()).packages ?? []).map((p) => p.name);

  it('notes blobs past the end of a truncated file and keeps the ones before', () => {
    const output = analyzeRpmDb(real().subarray(0, 600_000));
    const names = (output.packages ?? []).map((p) => p.name);
    expect(names.length).toBeGreaterThan(10);
    expect(names).toEqual(all().filter((name) => names.includes(name)));
    expect(output.notes?.[0]).toBe('record package index 17: blob of 342300 bytes at byte 582448 runs past the end of the 600000-byte file; skipped');
    expect(output.notes?.[1]).toMatch(/^record package index 18: blob at byte 924768 is past the end of the 600000-byte file; skipped$/);
    expect(analyzeRpmDb(real().subarray(0, 1000)).notes?.[0]).toBe('NDB header says 1 slot pages (4096 bytes), but the file has 1000 bytes: truncated');
  });

  it('notes a blob without its magic or of another package, and reads the others', () => {
    const db = real();
    db.write('XXXX', 65184, 'latin1');
    db.writeUInt32LE(99, 8256 + 4);
    const output = analyzeRpmDb(db);
    expect(output.notes).toEqual([
      'record package index 2: blob at byte 8256 belongs to package index 99; skipped',
      'record package index 3: no BlbS blob magic at byte 65184; skipped',
    ]);
    expect(output.packages).toHaveLength(all().length - 2);
  });

  it('notes a header blob with an out-of-range data offset, and reads the others', () => {
    const db = real();
    db.writeInt32BE(0x00ffffff, 4096 + 16 + 8 + 16 + 8); // package index 1, index entry 1's offset
    const output = analyzeRpmDb(db);
    expect(output.notes).toHaveLength(1);
    expect(output.notes?.[0]).toMatch(/^record package index 1: index entry 1 \(tag \d+\) has data offset 16777215, outside the \d+-byte data store; skipped$/);
    expect(output.packages).toHaveLength(all().length - 1);
  });

  it('stops at a corrupt slot, keeping the packages of the slots before', () => {
    const db = real();
    db.write('Slit', 32 + 16 * 5, 'latin1');
    const output = analyzeRpmDb(db);
    expect(output.notes).toEqual(['NDB slot 5 (byte 112) has no Slot magic: the slot table is corrupt, slots from there on are not read']);
    expect(output.packages).toHaveLength(5);
  });

  it('notes a slot whose blob does not fit its blocks or lies outside the file', () => {
    const db = real();
    db.writeUInt32LE(1, 32 + 12); // package index 1: 1 block
    db.writeUInt32LE(0x10000000, 48 + 8); // package index 2: block offset far past the end
    const output = analyzeRpmDb(db);
    expect(output.notes).toEqual([
      "record package index 1: blob of 4128 bytes does not fit the slot's 1 blocks; skipped",
      'record package index 2: blob at byte 4294967296 is past the end of the 1374144-byte file; skipped',
    ]);
  });
});
