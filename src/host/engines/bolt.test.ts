import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorruptInputError, LimitExceededError, ShipshapeError, UnsupportedError } from '../../core/errors.js';
import { int, random } from '../../test-support/random.js';
import { BoltDb, defaultBoltLimits, readBoltConsistent, type BoltBucket, type BoltLimits } from './bolt.js';
import { RawBucket, boltOffsets, writeBolt, type BoltTree } from './test-bolt-writer.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shipshape-bolt-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let fileCount = 0;
async function file(bytes: Uint8Array): Promise<string> {
  const path = join(dir, `db-${++fileCount}`);
  await writeFile(path, bytes);
  return path;
}

/** Opens (a file, or bytes written to one), runs, closes. */
async function withDb<T>(source: Uint8Array | string, read: (root: BoltBucket) => Promise<T>, limits?: BoltLimits): Promise<T> {
  const db = await BoltDb.open(typeof source === 'string' ? source : await file(source), limits);
  try {
    return await read(db.root);
  } finally {
    await db.close();
  }
}

const keyOf = (index: number): string => `key-${String(index).padStart(5, '0')}`;
const valueOf = (index: number): string => `value-${index}-${'x'.repeat(index % 50)}`;
const spec = Buffer.from('0123456789abcdef'.repeat(1500));

/** Inline and paged buckets, 3,000 keys (three levels at 1 KiB pages), a 24,000-byte value (overflow pages). */
function sampleTree(keys = 3000): BoltTree {
  const many: BoltTree = {};
  for (let index = 0; index < keys; index++) many[keyOf(index)] = valueOf(index);
  return {
    v1: {
      small: { a: '1', b: '2' },
      many,
      big: { spec, tiny: 't' },
      deep: { one: { two: { three: { leaf: Buffer.from([0, 255, 10]) } } } },
      empty: {},
    },
  };
}

/** The pages of a file as the writer laid them out: page size from meta 0, each header. */
function pagesOf(bytes: Buffer): { pgid: number; flags: number; count: number; overflow: number }[] {
  const pageSize = bytes.readUInt32LE(16 + 8);
  const pages = [];
  for (let pgid = 0; pgid * pageSize < bytes.length; pgid++) {
    const at = pgid * pageSize;
    pages.push({ pgid, flags: bytes.readUInt16LE(at + 8), count: bytes.readUInt16LE(at + 10), overflow: bytes.readUInt32LE(at + 12) });
  }
  return pages;
}

const nested = async (bucket: BoltBucket | undefined, ...names: string[]): Promise<BoltBucket | undefined> => {
  let current = bucket;
  for (const name of names) current = await current?.bucket(name);
  return current;
};

describe('bbolt reader, on files laid out as bbolt does', () => {
  const bytes = writeBolt(sampleTree(), { pageSize: 1024 });

  it('the sample file has what it is meant to exercise: branch pages over branch pages, overflow pages, inline buckets', () => {
    const pages = pagesOf(bytes);
    const branches = new Set(pages.filter((page) => page.flags === 0x01).map((page) => page.pgid));
    const pageSize = 1024;
    const branchOverBranch = [...branches].some((pgid) => branches.has(Number(bytes.readBigUInt64LE(pgid * pageSize + 16 + 8))));
    expect(branchOverBranch).toBe(true);
    expect(pages.some((page) => page.flags === 0x02 && page.overflow >= 20)).toBe(true);
    expect(pages.filter((page) => page.flags === 0x04).map((page) => page.pgid)).toEqual([0, 1]);
    expect(pages[2]?.flags).toBe(0x10);
  });

  it('reads nested buckets, inline and on their own pages, across branch and overflow pages', async () => {
    await withDb(bytes, async (root) => {
      const v1 = await root.bucket('v1');
      const listed = await v1?.entries(100);
      expect(listed?.entries.map((entry) => [entry.key.toString(), entry.bucket !== undefined])).toEqual([
        ['big', true],
        ['deep', true],
        ['empty', true],
        ['many', true],
        ['small', true],
      ]);
      // `small` is inline: its header's root is 0 and its page follows.
      expect(listed?.entries.find((entry) => entry.key.toString() === 'small')?.value.readBigUInt64LE(0)).toBe(0n);
      expect((await (await v1?.bucket('small'))?.value('b'))?.toString()).toBe('2');
      expect((await (await v1?.bucket('big'))?.value('spec'))?.equals(spec)).toBe(true);
      expect((await (await nested(v1, 'deep', 'one', 'two', 'three'))?.value('leaf'))?.toJSON().data).toEqual([0, 255, 10]);
      expect((await (await v1?.bucket('empty'))?.entries(10))?.entries).toEqual([]);
      const many = await v1?.bucket('many');
      const all = await many?.entries(10_000);
      expect(all?.more).toBe(false);
      expect(all?.entries.map((entry) => entry.key.toString())).toEqual(Array.from({ length: 3000 }, (_, index) => keyOf(index)));
      expect(all?.entries[2999]?.value.toString()).toBe(valueOf(2999));
    });
  });

  it('finds every key by descending the tree, and no key that is not there', async () => {
    await withDb(bytes, async (root) => {
      const many = await nested(root, 'v1', 'many');
      for (let index = 0; index < 3000; index += 1) expect((await many?.value(keyOf(index)))?.toString()).toBe(valueOf(index));
      for (const missing of ['', 'a', 'key-', 'key-03000', 'zzz']) expect(await many?.get(missing)).toBeUndefined();
      expect(await root.value('v1')).toBeUndefined(); // a bucket, not a value
      expect(await nested(root, 'v1', 'small', 'a')).toBeUndefined(); // a value, not a bucket
    });
  });

  it('stops listing at the bound and says that more were left', async () => {
    await withDb(bytes, async (root) => {
      const listed = await (await nested(root, 'v1', 'many'))?.entries(10);
      expect(listed?.entries.map((entry) => entry.key.toString())).toEqual(Array.from({ length: 10 }, (_, index) => keyOf(index)));
      expect(listed?.more).toBe(true);
    });
  });

  it('reads the meta page of the newest transaction, and the older one when the newest fails its checksum', async () => {
    const bytes = writeBolt({ a: { b: 'c' } }, { txid: 10 });
    const db = await BoltDb.open(await file(bytes));
    expect(db.txid).toBe(10n);
    await db.close();
    const damaged = Buffer.from(bytes);
    damaged.writeUInt8(damaged.readUInt8(boltOffsets.metaChecksum) ^ 0xff, boltOffsets.metaChecksum); // txid 10 is on page 0
    const older = await BoltDb.open(await file(damaged));
    expect(older.txid).toBe(9n);
    expect((await (await older.root.bucket('a'))?.value('b'))?.toString()).toBe('c');
    await older.close();
    damaged.writeUInt8(damaged.readUInt8(4096 + boltOffsets.metaTxid) ^ 0x01, 4096 + boltOffsets.metaTxid);
    await expect(BoltDb.open(await file(damaged))).rejects.toThrow(/not a valid bbolt file: meta page 0: checksum mismatch; meta page 1: checksum mismatch/);
  });

  it('finds meta page 1 by trying each page size when meta page 0 is damaged (16 KiB pages, as on arm64)', async () => {
    const bytes = writeBolt({ a: { b: 'c' } }, { pageSize: 16384, txid: 4 });
    bytes.writeUInt32LE(0, 16); // page 0's magic
    const db = await BoltDb.open(await file(bytes));
    expect(db.txid).toBe(3n);
    expect((await (await db.root.bucket('a'))?.value('b'))?.toString()).toBe('c');
    await db.close();
  });

  it('reads again when another transaction was committed while it read', async () => {
    const path = await file(writeBolt({ a: 'first' }, { txid: 5 }));
    let reads = 0;
    const result = await readBoltConsistent(path, async (root) => {
      const value = (await root.value('a'))?.toString();
      if (++reads === 1) await writeFile(path, writeBolt({ a: 'second' }, { txid: 6 }));
      return value;
    });
    expect(result).toEqual({ value: 'second', consistent: true });
    expect(reads).toBe(2);
  });

  it('gives up after three tries when every try sees a commit, and says so', async () => {
    const path = await file(writeBolt({ a: 'v5' }, { txid: 5 }));
    let txid = 5;
    const result = await readBoltConsistent(path, async (root) => {
      const value = (await root.value('a'))?.toString();
      txid += 1;
      await writeFile(path, writeBolt({ a: `v${txid}` }, { txid }));
      return value;
    });
    expect(result).toEqual({ value: 'v7', consistent: false });
  });
});

/** The root page of `v1/many`: the last branch page written (children are written before their parents), which every read passes. */
function manyRoot(bytes: Buffer): { at: number; pgid: number; count: number } {
  const pageSize = bytes.readUInt32LE(16 + 8);
  const branch = pagesOf(bytes).findLast((page) => page.flags === 0x01);
  if (branch === undefined) throw new Error('no branch page');
  return { at: branch.pgid * pageSize, pgid: branch.pgid, count: branch.count };
}

/** A copy of the file whose `v1/many` root points every child at `pgid`. */
function pointChildrenAt(bytes: Buffer, pgid: bigint | ((own: number) => bigint)): Buffer {
  const copy = Buffer.from(bytes);
  const root = manyRoot(copy);
  for (let index = 0; index < root.count; index++)
    copy.writeBigUInt64LE(typeof pgid === 'bigint' ? pgid : pgid(root.pgid), root.at + boltOffsets.firstElement + index * 16 + 8);
  return copy;
}

/** A copy of the file with `v1/many`'s root page changed by `damage`. */
function damageRoot(bytes: Buffer, damage: (copy: Buffer, at: number) => void): Buffer {
  const copy = Buffer.from(bytes);
  damage(copy, manyRoot(copy).at);
  return copy;
}

const readAll = async (root: BoltBucket): Promise<number> => (await (await nested(root, 'v1', 'many'))?.entries(10_000))?.entries.length ?? 0;
const lookUp = async (root: BoltBucket): Promise<string | undefined> => (await (await nested(root, 'v1', 'many'))?.value(keyOf(2999)))?.toString();

describe('bbolt reader, on damaged and hostile files', () => {
  const good = writeBolt(sampleTree(), { pageSize: 1024 });

  async function fails(bytes: Buffer, pattern: RegExp, error: new (...args: never[]) => Error = CorruptInputError, limits?: BoltLimits): Promise<void> {
    for (const read of [readAll, lookUp] as ((root: BoltBucket) => Promise<unknown>)[]) {
      const outcome = withDb(bytes, read, limits);
      await expect(outcome).rejects.toThrow(pattern);
      await expect(outcome).rejects.toBeInstanceOf(error);
    }
  }

  it('a file cut short: before its meta pages, or inside its tree', async () => {
    await expect(BoltDb.open(await file(good.subarray(0, 700)))).rejects.toThrow(/too short for a bbolt file/);
    await expect(BoltDb.open(await file(Buffer.alloc(0)))).rejects.toBeInstanceOf(CorruptInputError);
    await fails(good.subarray(0, Math.floor(good.length / 2)), /lies past the end of the file/);
  });

  it('a page id past the end of the file, and past the high-water mark', async () => {
    await fails(pointChildrenAt(good, 10_000_000n), /points at page 10000000, outside the database's pages/);
    await fails(pointChildrenAt(good, 0xffffffffffffffffn), /points at page 18446744073709551615/);
    const highWater = pagesOf(good).length;
    await fails(
      pointChildrenAt(good.subarray(0), BigInt(highWater)),
      new RegExp(`points at page ${highWater}, outside the database's pages 2 to ${highWater - 1}`),
    );
  });

  it('a branch page pointing at itself is a cycle, found in a walk and in a lookup', async () => {
    await fails(
      pointChildrenAt(good, (own) => BigInt(own)),
      /cycle/,
    );
  });

  it('two branch elements pointing at the same page (a DAG, not a tree) is refused too', async () => {
    const shared = damageRoot(good, (copy, at) =>
      copy.writeBigUInt64LE(copy.readBigUInt64LE(at + boltOffsets.firstElement + 8), at + boltOffsets.firstElement + 16 + 8),
    );
    await expect(withDb(shared, readAll)).rejects.toThrow(/a second time: the tree has a cycle/);
  });

  it('a page that names another id, a freelist page where a branch should be, and a meta page in a tree', async () => {
    await fails(
      damageRoot(good, (copy, at) => copy.writeBigUInt64LE(3n, at)),
      /names itself page 3/,
    );
    await fails(
      damageRoot(good, (copy, at) => copy.writeUInt16LE(0x10, at + boltOffsets.pageFlags)),
      /is not a branch or leaf page \(flags 0x10\)/,
    );
    await fails(pointChildrenAt(good, 1n), /points at page 1, outside/);
  });

  it('element counts, positions and overflow counts beyond the page or the file', async () => {
    await fails(
      damageRoot(good, (copy, at) => copy.writeUInt16LE(0xffff, at + boltOffsets.pageCount)),
      /claims 65535 elements/,
    );
    await fails(
      damageRoot(good, (copy, at) => copy.writeUInt32LE(0x7fffffff, at + boltOffsets.firstElement)),
      /lies past the end of its page/,
    );
    await fails(
      damageRoot(good, (copy, at) => copy.writeUInt32LE(0xfffffff0, at + boltOffsets.pageOverflow)),
      /overflow pages, past the database's end/,
    );
  });

  it('a bucket header shorter than 16 bytes, and an inline page that is not a leaf', async () => {
    await expect(withDb(writeBolt({ a: new RawBucket(Buffer.alloc(9)) }), (root) => root.bucket('a'))).rejects.toThrow(/has a 9-byte header/);
    const inline = Buffer.alloc(32);
    inline.writeUInt16LE(0x01, 16 + 8); // a branch page, inline
    await expect(withDb(writeBolt({ a: new RawBucket(inline) }), async (root) => (await root.bucket('a'))?.entries(5))).rejects.toThrow(/an inline bucket/);
  });

  it('buckets nested deeper than the bound', async () => {
    let tree: BoltTree = { leaf: 'x' };
    for (let depth = 0; depth < 10; depth++) tree = { [`d${depth}`]: tree };
    const limits = { ...defaultBoltLimits, maxDepth: 5 };
    const names = Array.from({ length: 10 }, (_, index) => `d${9 - index}`);
    await expect(withDb(writeBolt(tree), (root) => nested(root, ...names), limits)).rejects.toThrow(/nested deeper than 5/);
  });

  it('a tree deeper than the bound', async () => {
    await fails(good, /deeper than 2 levels/, CorruptInputError, { ...defaultBoltLimits, maxDepth: 2 });
  });

  it('more pages visited, or bytes read, than the bounds', async () => {
    await fails(good, /more than 3 pages visited/, LimitExceededError, { ...defaultBoltLimits, maxPagesVisited: 3 });
    await fails(good, /more than 3000 bytes read/, LimitExceededError, { ...defaultBoltLimits, maxBytesRead: 3000 });
    const bigValue = async (root: BoltBucket): Promise<Buffer | undefined> => (await nested(root, 'v1', 'big'))?.value('spec');
    await expect(withDb(good, bigValue, { ...defaultBoltLimits, maxPageBytes: 8192 })).rejects.toThrow(/more than the 8192-byte limit/);
  });

  it('a file of another byte order, another format, or not a bbolt file at all', async () => {
    const bigEndian = Buffer.from(good);
    bigEndian.writeUInt32BE(0xed0cdaed, 16);
    bigEndian.writeUInt32BE(0xed0cdaed, 1024 + 16);
    await expect(BoltDb.open(await file(bigEndian))).rejects.toThrow(/written big-endian/);
    await expect(BoltDb.open(await file(Buffer.alloc(8192, 0x41)))).rejects.toThrow(/no bbolt magic number/);
  });

  it('a directory, a symbolic link, a FIFO: refused without blocking', async () => {
    const directory = join(dir, 'a-directory');
    await mkdir(directory);
    await expect(BoltDb.open(directory)).rejects.toBeInstanceOf(UnsupportedError);
    const link = join(dir, 'a-link');
    await symlink(await file(good), link);
    await expect(BoltDb.open(link)).rejects.toThrow(/symbolic link/);
    const fifo = join(dir, 'a-fifo');
    execFileSync('mkfifo', [fifo]);
    await expect(BoltDb.open(fifo)).rejects.toThrow(/not a regular file/);
  });

  it('random damage to a valid file ends in data or a typed error, never a crash or a hang', async () => {
    const rng = random(20261207);
    const small = writeBolt(sampleTree(800), { pageSize: 1024 });
    const outcomes = { read: 0, refused: 0 };
    for (let round = 0; round < 200; round++) {
      const damaged = Buffer.from(small);
      for (let flips = 1 + int(rng, 8); flips > 0; flips--) {
        // Mostly the pages' headers and elements, where the structure is.
        const page = int(rng, damaged.length / 1024);
        damaged[page * 1024 + (rng() < 0.7 ? int(rng, 64) : int(rng, 1024))] = int(rng, 256);
      }
      const path = await file(damaged);
      try {
        await withDb(path, async (root) => {
          await readAll(root);
          await (await nested(root, 'v1', 'many'))?.value(keyOf(799));
        });
        outcomes.read++;
      } catch (error) {
        if (!(error instanceof ShipshapeError)) throw error;
        outcomes.refused++;
      }
    }
    expect(outcomes.read).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });
});
