/**
 * Test only: writes bbolt files laid out as go.etcd.io/bbolt lays them out (no Go bbolt is available
 * offline). References are to bbolt's source (internal/common/*.go, node.go, bucket.go, db.go):
 * - meta pages 0 and 1 (db.go `init`): page header, then `Meta` {magic u32 @0, version u32 @4,
 *   pageSize u32 @8, flags u32 @12, root InBucket {pgid u64 @16, sequence u64 @24}, freelist u64 @32,
 *   pgid (high-water mark) u64 @40, txid u64 @48, checksum u64 @56}, the checksum FNV-64a of the 56
 *   bytes before it (meta.go `Sum64`); the page of txid t is page t % 2 (meta.go `Write`);
 * - page header (page.go `Page`): id u64 @0, flags u16 @8, count u16 @10, overflow u32 @12;
 * - elements right after the header, 16 bytes each, keys and values after all of them, each `pos`
 *   relative to its own element (inode.go `WriteInodeToPage`);
 * - a node larger than a page takes ceil(size / pageSize) contiguous pages, `overflow` the extra
 *   count (node.go `spill`, db.go `allocate`); nodes split at half a page past 4 keys (node.go
 *   `splitTwo`, `splitIndex`, DefaultFillPercent 0.5), children written before their parents;
 * - a bucket with no sub-bucket whose page would be at most a quarter page is written inline in its
 *   parent's value: InBucket {root 0, sequence} then its leaf page (bucket.go `inlineable`, `write`);
 * - the freelist page (freelist shared.go `Write`): header with flags 0x10 and count, then the free ids.
 * Checked once against files written by bbolt 1.3.6 itself (Debian's golang-github-coreos-bbolt-dev,
 * built offline): for one transaction of inline and paged nested buckets, 3,000 keys (three levels at
 * 1 KiB pages) and a 24,000-byte value (overflow pages), every page reachable from the meta was
 * byte-identical to this writer's but for page ids; so were the pages of Nomad's public bbolt test
 * files. (Files changed by later transactions differ: bbolt rebalances and reuses freed pages.)
 */
import { fnv64a } from './bolt.js';

/** A bucket to write: a string or bytes is a value, a nested object a bucket. */
export interface BoltTree {
  [key: string]: string | Uint8Array | RawBucket | BoltTree;
}

/** A bucket entry whose value (InBucket header, maybe an inline page) is given as it is: for damaged files. */
export class RawBucket {
  constructor(readonly value: Buffer) {}
}

export interface BoltWriteOptions {
  /** 4096 by default, as on amd64. */
  pageSize?: number;
  /** The newer meta's txid (the other meta page holds txid - 1); 7 by default. */
  txid?: number;
  /** Page ids listed as free in the freelist page (pages left blank), as after deletions. */
  freePages?: number;
  /** Sequence numbers of buckets, by their path joined with `/` (`v1/snapshots`). */
  sequences?: Record<string, number>;
}

const magic = 0xed0cdaed;
const pageHeaderSize = 16;
const elementSize = 16;
const minKeysPerPage = 2;
const fillPercent = 0.5;
const branchFlag = 0x01;
const leafFlag = 0x02;
const metaFlag = 0x04;
const freelistFlag = 0x10;
const bucketLeafFlag = 0x01;

interface Inode {
  flags: number;
  key: Buffer;
  value: Buffer;
  pgid: number;
}

class Writer {
  /** Pages 0 and 1 are meta pages, 2 the freelist; nodes are written from page 3 on. */
  private next = 3;
  readonly pages = new Map<number, Buffer>();

  constructor(
    readonly pageSize: number,
    private readonly sequences: Record<string, number>,
  ) {}

  /** Writes a bucket's tree; its header value, with the inline page when it is inlineable. */
  bucket(tree: BoltTree, path: string): Buffer {
    const inodes = this.inodes(tree, path);
    const header = Buffer.alloc(16);
    header.writeBigUInt64LE(BigInt(this.sequences[path] ?? 0), 8);
    const size = nodeSize(inodes);
    if (path !== '' && inodes.every((inode) => (inode.flags & bucketLeafFlag) === 0) && size <= this.pageSize / 4) {
      return Buffer.concat([header, nodeBytes(inodes, true, 0, size)]);
    }
    header.writeBigUInt64LE(BigInt(this.spill(inodes, true)), 0);
    return header;
  }

  /** Sorted leaf inodes of a tree, sub-buckets written first (bucket.go `spill`). */
  private inodes(tree: BoltTree, path: string): Inode[] {
    const keys = Object.keys(tree).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return keys.map((key) => {
      const item = tree[key] as string | Uint8Array | RawBucket | BoltTree;
      if (typeof item === 'string' || item instanceof Uint8Array) return { flags: 0, key: Buffer.from(key), value: Buffer.from(item), pgid: 0 };
      if (item instanceof RawBucket) return { flags: bucketLeafFlag, key: Buffer.from(key), value: item.value, pgid: 0 };
      return { flags: bucketLeafFlag, key: Buffer.from(key), value: this.bucket(item, path === '' ? key : `${path}/${key}`), pgid: 0 };
    });
  }

  /** Writes one level's nodes, then their parent level, up to a single root; its page id. */
  private spill(inodes: Inode[], leaf: boolean): number {
    const nodes = split(inodes, leaf, this.pageSize);
    const parents = nodes.map((node) => {
      const size = nodeSize(node);
      const count = Math.ceil(size / this.pageSize);
      const pgid = this.next;
      this.next += count;
      this.pages.set(pgid, nodeBytes(node, leaf, pgid, count * this.pageSize, count - 1));
      // The parent's element keys the child by its first key (node.go `spill`).
      return { flags: 0, key: node[0]?.key ?? Buffer.alloc(0), value: Buffer.alloc(0), pgid };
    });
    return parents.length === 1 ? (parents[0] as Inode).pgid : this.spill(parents, false);
  }

  allocate(count: number): number[] {
    const ids = Array.from({ length: count }, (_, index) => this.next + index);
    this.next += count;
    return ids;
  }

  get highWater(): number {
    return this.next;
  }
}

function nodeSize(inodes: Inode[]): number {
  return pageHeaderSize + inodes.reduce((sum, inode) => sum + elementSize + inode.key.length + inode.value.length, 0);
}

/** node.go `split`: while a node is over a page and has more than 4 keys, cut it at half a page. */
function split(inodes: Inode[], leaf: boolean, pageSize: number): Inode[][] {
  const nodes: Inode[][] = [];
  let rest = inodes;
  while (rest.length > minKeysPerPage * 2 && nodeSize(rest) >= pageSize) {
    const threshold = Math.floor(pageSize * fillPercent);
    let size = pageHeaderSize;
    let index = 0;
    for (let i = 0; i < rest.length - minKeysPerPage; i++) {
      index = i;
      const inode = rest[i] as Inode;
      const elementBytes = elementSize + inode.key.length + inode.value.length;
      if (i >= minKeysPerPage && size + elementBytes > threshold) break;
      size += elementBytes;
    }
    nodes.push(rest.slice(0, index));
    rest = rest.slice(index);
  }
  nodes.push(rest);
  return nodes;
}

/** A node as a page (inode.go `WriteInodeToPage`); `length` rounds it up to whole pages. */
function nodeBytes(inodes: Inode[], leaf: boolean, pgid: number, length: number, overflow = 0): Buffer {
  const page = Buffer.alloc(length);
  page.writeBigUInt64LE(BigInt(pgid), 0);
  page.writeUInt16LE(leaf ? leafFlag : branchFlag, 8);
  page.writeUInt16LE(inodes.length, 10);
  page.writeUInt32LE(overflow, 12);
  let offset = pageHeaderSize + inodes.length * elementSize;
  inodes.forEach((inode, index) => {
    const at = pageHeaderSize + index * elementSize;
    if (leaf) {
      page.writeUInt32LE(inode.flags, at);
      page.writeUInt32LE(offset - at, at + 4);
      page.writeUInt32LE(inode.key.length, at + 8);
      page.writeUInt32LE(inode.value.length, at + 12);
    } else {
      page.writeUInt32LE(offset - at, at);
      page.writeUInt32LE(inode.key.length, at + 4);
      page.writeBigUInt64LE(BigInt(inode.pgid), at + 8);
    }
    offset += inode.key.copy(page, offset);
    offset += inode.value.copy(page, offset);
  });
  return page;
}

function metaPage(pageSize: number, txid: number, rootPgid: number, highWater: number): Buffer {
  const page = Buffer.alloc(pageSize);
  page.writeBigUInt64LE(BigInt(txid % 2), 0);
  page.writeUInt16LE(metaFlag, 8);
  const meta = pageHeaderSize;
  page.writeUInt32LE(magic, meta);
  page.writeUInt32LE(2, meta + 4);
  page.writeUInt32LE(pageSize, meta + 8);
  page.writeBigUInt64LE(BigInt(rootPgid), meta + 16);
  page.writeBigUInt64LE(2n, meta + 32);
  page.writeBigUInt64LE(BigInt(highWater), meta + 40);
  page.writeBigUInt64LE(BigInt(txid), meta + 48);
  page.writeBigUInt64LE(fnv64a(page.subarray(meta, meta + 56)), meta + 56);
  return page;
}

/** The bytes of a bbolt file holding `tree` as its root bucket's contents. */
export function writeBolt(tree: BoltTree, options: BoltWriteOptions = {}): Buffer {
  const pageSize = options.pageSize ?? 4096;
  const txid = options.txid ?? 7;
  const writer = new Writer(pageSize, options.sequences ?? {});
  const root = writer.bucket(tree, '').readBigUInt64LE(0);
  const free = writer.allocate(options.freePages ?? 0);
  const freelist = Buffer.alloc(pageSize);
  freelist.writeBigUInt64LE(2n, 0);
  freelist.writeUInt16LE(freelistFlag, 8);
  freelist.writeUInt16LE(free.length, 10);
  free.forEach((id, index) => freelist.writeBigUInt64LE(BigInt(id), pageHeaderSize + index * 8));
  const file = Buffer.alloc(writer.highWater * pageSize);
  for (const [pgid, page] of [...writer.pages, [2, freelist] as const]) page.copy(file, pgid * pageSize);
  for (const id of [txid, txid - 1]) metaPage(pageSize, id, Number(root), writer.highWater).copy(file, (id % 2) * pageSize);
  return file;
}

/** Offsets of a page's fields and a meta's, for tests that damage a file on purpose. */
export const boltOffsets = {
  pageFlags: 8,
  pageCount: 10,
  pageOverflow: 12,
  firstElement: pageHeaderSize,
  metaTxid: pageHeaderSize + 48,
  metaChecksum: pageHeaderSize + 56,
};
