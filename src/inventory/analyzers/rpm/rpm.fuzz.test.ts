import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bounded, checkNoMaskedCrash, checkOutputBound, fuzz, preview, Reach } from '../../../test-support/fuzz.js';
import { mutatedBytes } from '../../../test-support/fuzz-mutate.js';
import { parseHeader, rpmTag, rpmType } from './header.js';
import { analyzeRpmDb } from './index.js';
import { buildBdb, buildNdb, buildSqlite, encodeHeader, type TagValue } from './test-rpmdb.js';

// rpm headers and the three database formats that hold them, written in the test from rpm's layouts
// (the real databases in ../shared are fuzzed in ../fixtures.fuzz.test.ts), then damaged.

const text = fc.oneof(
  fc.stringMatching(/^[a-z0-9._+-]{1,12}$/),
  fc.constantFrom('', 'x'.repeat(3000), '\u202e', 'bash-5.1.8-1.cm2.src.rpm', 'a-b', '.src.rpm', '-1-.rpm'),
);
const stringTag = fc.constantFrom(
  rpmTag.name,
  rpmTag.version,
  rpmTag.release,
  rpmTag.arch,
  rpmTag.sourceRpm,
  rpmTag.license,
  rpmTag.vendor,
  rpmTag.modularityLabel,
);
const anyType = fc.integer({ min: 0, max: 12 });

/** Index entries as rpm writes them (right types), or with the types, tags and counts a hostile header has. */
const tagValue: fc.Arbitrary<TagValue> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ tag: stringTag, type: fc.constant(rpmType.string), value: text }) },
  {
    weight: 1,
    arbitrary: fc.record({
      tag: stringTag,
      type: fc.constantFrom(rpmType.i18nString, rpmType.stringArray, rpmType.bin),
      value: fc.array(text, { minLength: 1, maxLength: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      tag: fc.constantFrom(rpmTag.epoch, rpmTag.dirIndexes, 1006),
      type: fc.constant(rpmType.int32),
      value: fc.array(fc.integer({ min: -2, max: 5 }), { maxLength: 4 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      tag: fc.constantFrom(rpmTag.baseNames, rpmTag.dirNames, rpmTag.oldFilenames),
      type: fc.constant(rpmType.stringArray),
      value: fc.array(text, { maxLength: 5 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      tag: fc.oneof(fc.constantFrom(63, 1004, 5000, -1), fc.integer()),
      type: anyType.filter((t) => t !== rpmType.int32),
      value: fc.array(text, { maxLength: 2 }),
    }),
  },
);

/** A package's files as DIRNAMES + BASENAMES + DIRINDEXES: `count` files in one directory of `dirLength` bytes. */
const fileList = fc
  .record({ dirLength: fc.integer({ min: 1, max: 4000 }), count: fc.integer({ min: 0, max: 20_000 }) })
  .map(({ dirLength, count }): TagValue[] => [
    { tag: rpmTag.dirNames, type: rpmType.stringArray, value: [`/${'d'.repeat(dirLength - 1)}`] },
    { tag: rpmTag.baseNames, type: rpmType.stringArray, value: Array.from({ length: count }, (_, i) => (i % 36).toString(36)) },
    { tag: rpmTag.dirIndexes, type: rpmType.int32, value: Array<number>(count).fill(0) },
  ]);

const basics: TagValue[] = [
  { tag: rpmTag.name, type: rpmType.string, value: 'bash' },
  { tag: rpmTag.version, type: rpmType.string, value: '5.1.8' },
];

/** Rewrites one field (tag, type, offset, count) of one index entry, as a corrupt header would have it. */
const entryPatch = fc.record({
  entry: fc.nat(),
  field: fc.integer({ min: 0, max: 3 }),
  value: fc.constantFrom(0, 1, 7, 8, 0xff, 0x7fffffff, 0x80000000, 0xffffffff, 1000, 1117),
});

const headers: fc.Arbitrary<Buffer> = fc
  .tuple(
    fc.array(tagValue, { maxLength: 10 }),
    fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fileList }),
    fc.array(entryPatch, { maxLength: 3 }),
  )
  .map(([values, files, patches]) => {
    const blob = encodeHeader([...basics, ...values, ...files]);
    const entries = blob.readUInt32BE(0);
    for (const { entry, field, value } of patches) blob.writeUInt32BE(value >>> 0, 8 + (entry % entries) * 16 + field * 4);
    return blob;
  });

const damagedHeaders = mutatedBytes(headers, { maxMutations: 3 });

describe('fuzz: rpm headers', () => {
  it('any header blob is a header or a reason, never a throw, and its file list stays in proportion', async () => {
    const reach = new Reach();
    await fuzz('rpm header', fc.oneof(headers, damagedHeaders), (blob) => {
      const result = bounded('never-throws', () => parseHeader(blob));
      reach.input(result?.ok && 'parsed', result?.ok === false && 'rejected');
      checkOutputBound(result, blob.length, 10);
      if (result?.ok) expect(result.header.files.every((file) => typeof file === 'string')).toBe(true);
    });
    reach.expect('parsed', 0.1);
    reach.expect('rejected', 0.1);
  });
});

describe('fuzz: rpm databases', () => {
  const formats = {
    bdb: (blobs: Buffer[], le: boolean) => buildBdb(blobs, { le, inlineUpTo: le ? 0 : 64 }),
    ndb: (blobs: Buffer[]) => buildNdb(blobs),
    // hostile SQLite schemas (views, triggers, giant joins) are rpm/sqlite.test.ts's: here, damaged pages
    sqlite: (blobs: Buffer[]) => buildSqlite(blobs.map((blob, i) => [i + 1, blob])),
  };
  for (const [format, build] of Object.entries(formats)) {
    it(`${format}: damaged databases give packages and notes, never a throw or a caught crash`, async () => {
      const reach = new Reach();
      const databases = mutatedBytes(
        fc.tuple(fc.array(fc.oneof(headers, damagedHeaders), { minLength: 1, maxLength: 4 }), fc.boolean()).map(([blobs, le]) => build(blobs, le)),
        { maxMutations: 4 },
      );
      await fuzz(
        `rpm ${format}`,
        databases,
        (db) => {
          const output = bounded('never-throws', () => analyzeRpmDb(db));
          reach.input((output?.packages?.length ?? 0) > 0 && 'packages');
          checkNoMaskedCrash(output?.notes ?? []);
          checkOutputBound(output, db.length, 10);
        },
        { weight: format === 'sqlite' ? 0.5 : 1, describe: (db) => preview(db) },
      );
      reach.expect('packages', 0.1);
    });
  }
});
