import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeContent } from '../../../test-support/analyze.js';
import { sharedAbsent, sharedPath } from '../../../test-support/shared.js';
import { skipWhen } from '../../../test-support/skip.js';
import type { FoundPackage } from '../../model.js';
import { detectRpmDbFormat, rpmAnalyzer } from './index.js';

const fixtures = [
  { dir: 'cbl-mariner-2.0-sqlite', file: 'rpmdb.sqlite', path: '/var/lib/rpm/rpmdb.sqlite', format: 'sqlite' },
  { dir: 'libuuid-bdb', file: 'Packages', path: '/var/lib/rpm/Packages', format: 'bdb' },
  { dir: 'sle15-bci-ndb', file: 'Packages.db', path: '/usr/lib/sysimage/rpm/Packages.db', format: 'ndb' },
] as const;

function fixture(dir: string, file: string): Buffer {
  return readFileSync(sharedPath('fixtures', 'rpmdb', dir, file));
}

/** `expected.tsv` rows (name, epoch, version, release, arch, sourcerpm), header dropped. */
function expectedRows(dir: string): string[] {
  const text = readFileSync(sharedPath('fixtures', 'rpmdb', dir, 'expected.tsv'), 'utf8');
  return text.trim().split('\n').slice(1).sort();
}

/** The same columns from what the analyser found; the source rpm is re-assembled from `source`. */
function foundRows(packages: FoundPackage[]): string[] {
  return packages
    .map((p) => {
      const sourceRpm = p.source ? `${p.source.name}-${p.source.version ?? ''}.src.rpm` : '(none)';
      return [p.name, p.epoch ?? 0, p.version, p.release, p.arch, sourceRpm].join('\t');
    })
    .sort();
}

describe('rpmAnalyzer.required', () => {
  const entry = { path: '', type: 'file' as const, size: 1, mode: 0o644, uid: 0, gid: 0 };
  it.each([
    '/var/lib/rpm/Packages',
    '/var/lib/rpm/rpmdb.sqlite',
    '/var/lib/rpm/Packages.db',
    '/usr/lib/sysimage/rpm/rpmdb.sqlite',
    '/usr/lib/sysimage/rpm/Packages.db',
    '/usr/share/rpm/Packages',
  ])('wants %s', (path) => {
    expect(rpmAnalyzer.required(path, { ...entry, path })).toBe(true);
  });
  it.each([
    '/var/lib/rpm/Name',
    '/var/lib/rpm/rpmdb.sqlite-wal',
    '/var/lib/rpm/sub/Packages',
    '/opt/var/lib/rpm/Packages',
    '/Packages',
    '/var/lib/dpkg/status',
  ])('ignores %s', (path) => {
    expect(rpmAnalyzer.required(path, { ...entry, path })).toBe(false);
  });
});

describe('rpm databases of real images', skipWhen(sharedAbsent), () => {
  it.each(fixtures)('$dir: the packages are the ones rpm lists', ({ dir, file, path, format }) => {
    const content = fixture(dir, file);
    expect(detectRpmDbFormat(content)).toBe(format);
    const output = analyzeContent(rpmAnalyzer, path, content);
    expect(output?.notes).toBeUndefined();
    expect(foundRows(output?.packages ?? [])).toEqual(expectedRows(dir));
    expect(output?.packages?.every((p) => p.type === 'rpm')).toBe(true);
  });

  it('reads licence, vendor, source and owned files (BerkeleyDB, libuuid)', () => {
    const output = analyzeContent(rpmAnalyzer, '/var/lib/rpm/Packages', fixture('libuuid-bdb', 'Packages'));
    expect(output?.packages).toEqual([
      {
        type: 'rpm',
        name: 'libuuid',
        version: '2.32.1',
        release: '42.el8_8',
        arch: 'x86_64',
        source: { name: 'util-linux', version: '2.32.1-42.el8_8' },
        licenses: ['BSD'],
        vendor: 'Red Hat, Inc.',
      },
    ]);
    expect(output?.ownedFiles).toEqual([
      {
        owner: 'libuuid',
        files: [
          '/usr/lib/.build-id',
          '/usr/lib/.build-id/df/ef6a880adac817216ab9866779a0725e017647',
          '/usr/lib64/libuuid.so.1',
          '/usr/lib64/libuuid.so.1.3.0',
          '/usr/share/licenses/libuuid',
          '/usr/share/licenses/libuuid/COPYING',
          '/usr/share/licenses/libuuid/COPYING.BSD-3',
        ],
      },
    ]);
  });

  it('finds each format by content, whatever the file is called', () => {
    const sqlite = fixture('cbl-mariner-2.0-sqlite', 'rpmdb.sqlite');
    const output = analyzeContent(rpmAnalyzer, '/usr/share/rpm/Packages', sqlite);
    expect(output?.packages).toHaveLength(expectedRows('cbl-mariner-2.0-sqlite').length);
  });

  it('gives every package of the SLE and Mariner databases a licence and its files', () => {
    for (const { dir, file, path } of fixtures) {
      const output = analyzeContent(rpmAnalyzer, path, fixture(dir, file));
      const packages = output?.packages ?? [];
      expect(packages.filter((p) => p.licenses?.length !== 1)).toEqual([]);
      const owners = new Set(output?.ownedFiles?.map((o) => o.owner));
      expect(output?.ownedFiles?.every((o) => o.files.every((f) => f.startsWith('/')))).toBe(true);
      expect(owners.size).toBeGreaterThan(0);
    }
  });
});

describe('damaged databases', skipWhen(sharedAbsent), () => {
  // a small deterministic PRNG: the same damage on every run
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      return state / 0x80000000;
    };
  }

  it.each(fixtures)('$dir: random byte damage gives notes, never an exception inside the readers', ({ dir, file, format }) => {
    const original = fixture(dir, file);
    const next = random(format.length * 7919);
    for (let run = 0; run < (format === 'sqlite' ? 30 : 200); run++) {
      const content = Buffer.from(original);
      for (let k = 0; k < 1 + Math.floor(next() * 8); k++) {
        // half the damage lands in the first 8 KiB, where the metadata, slots and index entries are
        const at = Math.floor(next() * (next() < 0.5 ? 8192 : content.length));
        content[at] = Math.floor(next() * 256);
      }
      const output = rpmAnalyzer.analyze({
        path: '/var/lib/rpm/Packages',
        entry: { path: '/var/lib/rpm/Packages', type: 'file', size: content.length, mode: 0o644, uid: 0, gid: 0 },
        content,
      });
      expect(output.notes?.filter((note) => note.includes('internal error')) ?? []).toEqual([]);
    }
  });
});

describe('not an rpm database', () => {
  it('notes unknown content and returns nothing for an empty file', () => {
    expect(analyzeContent(rpmAnalyzer, '/var/lib/rpm/Packages', 'hello, world')).toEqual({
      notes: ['not an rpm database: neither SQLite, BerkeleyDB nor NDB'],
    });
    expect(analyzeContent(rpmAnalyzer, '/var/lib/rpm/Packages', '')).toEqual({});
  });
});
