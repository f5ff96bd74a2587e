import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { defaultLimits, maxRpmSqliteRecords } from '../../../core/limits.js';
import { readImage } from '../../../image/read-image.js';
import { directoryFiles } from '../../../image/sources/archive-files.js';
import { OciLayoutSource } from '../../../image/sources/oci-layout.js';
import { buildImage, ociLayoutFiles, writeDirectory } from '../../../test-support/image-builder.js';
import { buildInventory } from '../../build.js';
import { analyzers } from '../registry.js';
import { sharedAbsent, sharedPath } from '../../../test-support/shared.js';
import { skipWhen } from '../../../test-support/skip.js';
import { analyzeRpmDb } from './index.js';
import { buildSqlite } from './test-rpmdb.js';
import { openImageDatabase, readSqlite } from './sqlite.js';

const real = (): Buffer => readFileSync(sharedPath('fixtures/rpmdb/cbl-mariner-2.0-sqlite/rpmdb.sqlite'));

describe('readSqlite', () => {
  it('notes a database without a Packages table', () => {
    expect(readSqlite(buildSqlite([[1, Buffer.of(1)]], 'Other')).notes).toEqual(['SQLite database not read: it has no Packages table']);
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

/** A database made by running `sql` (hostile schemas and contents), serialised as an image would ship it. */
function hostileSqlite(sql: string): Buffer {
  const db = new Database(':memory:');
  try {
    db.exec(sql);
    return db.serialize();
  } finally {
    db.close();
  }
}

const rpmTable = 'CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL);';

describe('readSqlite on hostile databases: nothing in the file runs, nothing is written, the work is bounded', () => {
  // before the schema was checked, the first of these hung in one synchronous SQLite call (while its
  // sort spilled to /var/tmp without bound), and the others were read as if they were rpm's table
  it.each([
    [
      'a view whose recursive CTE never ends (sorted: a temp b-tree without bound)',
      'CREATE VIEW Packages AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x AS hnum, zeroblob(1000) AS blob FROM c;',
      'it defines a view ("Packages"), which rpm never creates',
    ],
    [
      'a view joining a table with itself five times',
      `${rpmTable} WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000) INSERT INTO Packages (hnum, blob) SELECT x, x'00' FROM c;
       ALTER TABLE Packages RENAME TO Real; CREATE VIEW Packages AS SELECT a.hnum AS hnum, a.blob AS blob FROM Real a, Real b, Real c, Real d, Real e ORDER BY random();`,
      'it defines a view ("Packages"), which rpm never creates',
    ],
    [
      'a trigger (code the database would run)',
      `${rpmTable} CREATE TABLE Log (x); CREATE TRIGGER spy AFTER INSERT ON Packages BEGIN INSERT INTO Log VALUES (new.hnum); END;`,
      'it defines a trigger ("spy"), which rpm never creates',
    ],
    ['a view elsewhere in the schema', `${rpmTable} CREATE VIEW Other AS SELECT 1;`, 'it defines a view ("Other"), which rpm never creates'],
    ['a virtual table', 'CREATE VIRTUAL TABLE Packages USING fts5(hnum, blob);', 'Packages is a virtual table, not an ordinary one'],
    [
      'a WITHOUT ROWID table',
      'CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB) WITHOUT ROWID;',
      'Packages is a WITHOUT ROWID table, which rpm never creates',
    ],
    [
      'other columns',
      'CREATE TABLE Packages (id INTEGER PRIMARY KEY, data BLOB);',
      "Packages has the columns (id INTEGER PRIMARY KEY, data BLOB), not rpm's (hnum INTEGER PRIMARY KEY, blob BLOB)",
    ],
    [
      'an extra column',
      'CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB, extra TEXT);',
      "Packages has the columns (hnum INTEGER PRIMARY KEY, blob BLOB, extra TEXT), not rpm's (hnum INTEGER PRIMARY KEY, blob BLOB)",
    ],
    [
      'a thousand columns with long names (named in a diagnostic, but not all of them nor whole)',
      `CREATE TABLE Packages (${Array.from({ length: 1000 }, (_, i) => `${'c'.repeat(100)}${i} INT`).join(', ')});`,
      `Packages has the columns (${Array.from({ length: 8 }, () => `${'c'.repeat(63)}…`).join(', ')}, … 992 more), not rpm's (hnum INTEGER PRIMARY KEY, blob BLOB)`,
    ],
    [
      'hnum that is not the primary key',
      'CREATE TABLE Packages (hnum INTEGER, blob BLOB);',
      "Packages has the columns (hnum INTEGER, blob BLOB), not rpm's (hnum INTEGER PRIMARY KEY, blob BLOB)",
    ],
    [
      'a generated blob (an expression evaluated on every read)',
      'CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB GENERATED ALWAYS AS (zeroblob(900000000)) VIRTUAL);',
      "Packages has the columns (hnum INTEGER PRIMARY KEY, blob BLOB GENERATED), not rpm's (hnum INTEGER PRIMARY KEY, blob BLOB)",
    ],
  ])('refuses %s, reading nothing', (_name, sql, why) => {
    expect(readSqlite(hostileSqlite(sql))).toEqual({ records: [], notes: [`SQLite database not read: ${why}`] });
  });

  it('notes a view that sqlite_schema calls a table (SQLite itself finds the schema malformed)', () => {
    const db = new Database(':memory:');
    db.exec('CREATE VIEW Packages AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x AS hnum, x AS blob FROM c;');
    db.unsafeMode(true);
    db.pragma('writable_schema = ON');
    db.exec("UPDATE sqlite_schema SET type = 'table' WHERE name = 'Packages'");
    const content = db.serialize();
    db.close();
    expect(readSqlite(content)).toEqual({ records: [], notes: ['SQLite database could not be read: malformed database schema (Packages)'] });
  });

  it('reads the rows by row id only: an hnum that is not the row id (`INTEGER PRIMARY KEY DESC`) ends the read', () => {
    const read = readSqlite(
      hostileSqlite("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY DESC, blob BLOB); INSERT INTO Packages (rowid, hnum, blob) VALUES (1, 7, x'00');"),
    );
    expect(read).toEqual({ records: [], notes: ['SQLite database could not be read: hnum 7 is not the row id 1: not an rpm table'] });
  });

  it(`reads at most ${maxRpmSqliteRecords} records and says the rest were not read`, { timeout: 60_000 }, () => {
    const read = readSqlite(
      hostileSqlite(
        `${rpmTable} WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ${maxRpmSqliteRecords + 5}) INSERT INTO Packages (hnum, blob) SELECT x, x'00' FROM c;`,
      ),
    );
    expect(read.records).toHaveLength(maxRpmSqliteRecords);
    expect(read.records.at(-1)?.id).toBe(`hnum ${maxRpmSqliteRecords}`);
    expect(read.notes).toEqual([
      `SQLite table Packages holds more than ${maxRpmSqliteRecords} records (the limit for one rpm database); the rest were not read`,
    ]);
  });

  it('notes a corrupt page of the Packages table, never throwing', () => {
    const content = hostileSqlite(`${rpmTable} INSERT INTO Packages (hnum, blob) VALUES (1, x'0102'), (2, x'0304');`);
    const db = new Database(content, { readonly: true });
    const root = db.prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'Packages'").pluck().get() as number;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.close();
    content.fill(0xa5, (root - 1) * pageSize, root * pageSize);
    expect(readSqlite(content)).toEqual({ records: [], notes: ['SQLite database could not be read: database disk image is malformed'] });
  });

  it('gives a hostile database in an image as a diagnostic naming the analyser, layer and path', async () => {
    const view = hostileSqlite('CREATE VIEW Packages AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x AS hnum, x AS blob FROM c;');
    const dir = await mkdtemp(path.join(tmpdir(), 'shipshape-rpm-sqlite-'));
    try {
      const image = await buildImage({
        layers: [
          { items: [{ name: 'etc/os-release', content: 'ID=fedora\nVERSION_ID=40\n' }] },
          { items: [{ name: 'var/lib/rpm/rpmdb.sqlite', content: view }] },
        ],
      });
      const layout = await writeDirectory(dir, ociLayoutFiles([{ image }]));
      const model = await readImage(new OciLayoutSource('oci-layout', layout, directoryFiles(layout)), {
        selection: {},
        limits: defaultLimits,
        visitors: analyzers,
      });
      const inventory = buildInventory(model);
      expect(inventory.packages).toEqual([]);
      expect(inventory.diagnostics).toContainEqual(
        expect.objectContaining({
          code: 'inventory.rpm',
          message: 'rpm: SQLite database not read: it defines a view ("Packages"), which rpm never creates',
          where: 'layer 1: /var/lib/rpm/rpmdb.sqlite',
        }),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it(
    'keeps temp tables and sorts of an image database in memory: no file under SQLITE_TMPDIR, TMPDIR or /var/tmp',
    skipWhen(process.platform === 'linux' ? undefined : 'needs /proc/self/fd (Linux)'),
    () => {
      const content = hostileSqlite(
        'CREATE TABLE t (x INTEGER PRIMARY KEY, y BLOB); WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 20000) INSERT INTO t (y) SELECT randomblob(200) FROM c;',
      );
      const db = openImageDatabase(content, []);
      try {
        db.pragma('cache_size = 10'); // a sort of 4 MB then needs more than the cache: without temp_store = MEMORY it spills to a file
        const tempFiles: string[] = [];
        db.function('probe', () => {
          // SQLite unlinks its temp files at once ("etilqs_…"), so the open descriptors are where they show
          for (const fd of readdirSync('/proc/self/fd')) {
            const target = ((): string => {
              try {
                return readlinkSync(`/proc/self/fd/${fd}`);
              } catch {
                return '';
              }
            })();
            if (target.includes('etilqs_')) tempFiles.push(target);
          }
          return 1;
        });
        expect(db.prepare('SELECT probe() FROM (SELECT x FROM t ORDER BY y) LIMIT 1').pluck().get()).toBe(1);
        expect(tempFiles).toEqual([]);
        expect(() => db.exec('CREATE TEMP TABLE spill (x)')).toThrow(/readonly|read-only|query_only/i);
      } finally {
        db.close();
      }
    },
  );
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
    const blobs = readSqlite(real())
      .records.slice(0, 3)
      .map((r) => r.blob);
    const bad = Buffer.from(blobs[1] ?? Buffer.alloc(0));
    bad.writeInt32BE(bad.readUInt32BE(4) + 100, 8 + 16 * 2 + 8); // index entry 2's offset, 100 bytes past the store
    const output = analyzeRpmDb(
      buildSqlite([
        [1, blobs[0] ?? ''],
        [2, bad],
        [3, blobs[2] ?? ''],
      ]),
    );
    expect(output.packages).toHaveLength(2);
    expect(output.notes).toHaveLength(1);
    expect(output.notes?.[0]).toMatch(/^record hnum 2: index entry 2 \(tag \d+\) has data offset \d+, outside the \d+-byte data store; skipped$/);
  });
});
