import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { CorruptInputError, LimitExceededError, UnsupportedError } from '../../core/errors.js';

/*
 * A read-only reader of bbolt files (go.etcd.io/bbolt), the B+tree database of containerd's metadata
 * and snapshotters. It reads pages through a file descriptor on demand (never the whole file), and
 * treats every byte as hostile: page ids are checked against the file and the meta's high-water mark,
 * every tree walk is depth-bounded and refuses a page it has already seen (so a cycle is an error, not
 * a hang), and the pages and bytes one open may read are bounded. Any malformed structure is a
 * CorruptInputError. Layouts follow bbolt's internal/common/page.go, meta.go and bucket.go.
 * bbolt writes native byte order: files from amd64/arm64 hosts are little-endian, the only kind read.
 */

const magic = 0xed0cdaed;
const formatVersion = 2;
/** page.go `Page`: id u64, flags u16, count u16, overflow u32. */
const pageHeaderSize = 16;
/** page.go: `leafPageElement` (flags, pos, ksize, vsize: u32) and `branchPageElement` (pos, ksize: u32; pgid: u64) are both 16 bytes. */
const elementSize = 16;
/** bucket.go `InBucket`: root pgid u64, sequence u64; an inline bucket's page follows it. */
const bucketHeaderSize = 16;
const branchPageFlag = 0x01;
const leafPageFlag = 0x02;
const bucketLeafFlag = 0x01;
/** meta.go `Meta` follows the page header; its checksum covers the 56 bytes before the checksum field. */
const metaSize = 64;
const metaChecksummedBytes = 56;
/** bbolt probes page sizes from 1 KiB to 16 MiB (db.go getPageSizeFromSecondMeta); 512 is allowed by Options.PageSize. */
const minPageSize = 512;
const maxPageSize = 16 * 1024 * 1024;
const fnvOffsetBasis = 0xcbf29ce484222325n;
const fnvPrime = 0x100000001b3n;
const mask64 = 0xffffffffffffffffn;

export interface BoltLimits {
  /** Most bytes read from the file by one open, all pages together. */
  maxBytesRead: number;
  /** Largest page with its overflow pages (one value never exceeds it). */
  maxPageBytes: number;
  /** Most pages visited by one open (cached ones count too: bounds the work, not only the reads). */
  maxPagesVisited: number;
  /** Most levels of one B+tree (branches and the leaf), and deepest nesting of buckets. bbolt's own trees are a few levels deep. */
  maxDepth: number;
}

const MiB = 1024 * 1024;

export const defaultBoltLimits: BoltLimits = { maxBytesRead: 256 * MiB, maxPageBytes: 16 * MiB, maxPagesVisited: 1_000_000, maxDepth: 64 };

/** One key of a bucket: a value, or (bucket set) a nested bucket whose `value` is its raw header. */
interface BoltEntry {
  key: Buffer;
  value: Buffer;
  bucket?: BoltBucket | undefined;
}

interface Meta {
  pageSize: number;
  rootPgid: bigint;
  highWater: bigint;
  txid: bigint;
}

/** A page (or an inline bucket's page) as read: `base` is where its header starts in `bytes`. */
interface Node {
  bytes: Buffer;
  base: number;
  leaf: boolean;
  count: number;
}

/** FNV-1a, 64 bits (Go's hash/fnv New64a), as bbolt checksums its meta pages. */
export function fnv64a(bytes: Uint8Array): bigint {
  let hash = fnvOffsetBasis;
  for (const byte of bytes) hash = ((hash ^ BigInt(byte)) * fnvPrime) & mask64;
  return hash;
}

/** The meta at `offset` of `bytes` (a page's start), or why it is not a valid one. */
function parseMeta(bytes: Buffer, offset: number): Meta | string {
  const at = offset + pageHeaderSize;
  if (bytes.length < at + metaSize) return 'too short for a meta page';
  const found = bytes.readUInt32LE(at);
  if (found !== magic) {
    if (bytes.readUInt32BE(at) === magic) return 'written big-endian (an s390x or ppc64 host), which is not read';
    return 'no bbolt magic number';
  }
  const version = bytes.readUInt32LE(at + 4);
  if (version !== formatVersion) return `format version ${version}, not ${formatVersion}`;
  if (fnv64a(bytes.subarray(at, at + metaChecksummedBytes)) !== bytes.readBigUInt64LE(at + metaChecksummedBytes)) return 'checksum mismatch';
  const pageSize = bytes.readUInt32LE(at + 8);
  if (pageSize < minPageSize || pageSize > maxPageSize || (pageSize & (pageSize - 1)) !== 0)
    return `page size ${pageSize} is not a power of two from 512 to 16 MiB`;
  return { pageSize, rootPgid: bytes.readBigUInt64LE(at + 16), highWater: bytes.readBigUInt64LE(at + 40), txid: bytes.readBigUInt64LE(at + 48) };
}

/** An open bbolt file, read at the transaction of its newest valid meta page. */
export class BoltDb {
  readonly txid: bigint;
  readonly root: BoltBucket;
  private readonly pageSize: number;
  private readonly highWater: bigint;
  private readonly cache = new Map<number, Buffer>();
  private bytesRead = 0;
  private pagesVisited = 0;

  private constructor(
    private readonly handle: FileHandle,
    private readonly fileSize: number,
    meta: Meta,
    readonly limits: BoltLimits,
  ) {
    this.txid = meta.txid;
    this.pageSize = meta.pageSize;
    this.highWater = meta.highWater;
    this.pgid(meta.rootPgid, 'the root bucket');
    this.root = new BoltBucket(this, meta.rootPgid, undefined, 0);
  }

  /**
   * Opens a bbolt file read-only: never following a final symbolic link, never blocking on a FIFO,
   * refusing anything but a regular file. The caller closes it.
   */
  static async open(path: string, limits: BoltLimits = defaultBoltLimits): Promise<BoltDb> {
    let handle: FileHandle;
    try {
      handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new UnsupportedError('a symbolic link where a bbolt file was expected');
      throw error;
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new UnsupportedError('not a regular file (a FIFO, socket, device or directory)');
      const meta = await readMeta(handle, info.size);
      return new BoltDb(handle, info.size, meta, limits);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** The txid of the newest valid meta now (another process may have committed since the open). */
  async currentTxid(): Promise<bigint> {
    const info = await this.handle.stat();
    return (await readMeta(this.handle, info.size)).txid;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  /** A page id from the file as a number, checked against the high-water mark. */
  pgid(value: bigint, what: string): number {
    if (value < 2n || value >= this.highWater || value > BigInt(Number.MAX_SAFE_INTEGER))
      throw new CorruptInputError(`${what} points at page ${value}, outside the database's pages 2 to ${this.highWater - 1n}`);
    return Number(value);
  }

  /** Counts one page visit against the bound. */
  visit(): void {
    if (++this.pagesVisited > this.limits.maxPagesVisited)
      throw new LimitExceededError(`more than ${this.limits.maxPagesVisited} pages visited in one bbolt file`);
  }

  /** A branch or leaf page with its overflow pages; checks that it names itself and lies inside the file. */
  async node(pgid: number): Promise<Node> {
    this.visit();
    let bytes = this.cache.get(pgid);
    if (bytes === undefined) {
      bytes = await this.readAt(pgid * this.pageSize, this.pageSize, `page ${pgid}`);
      const overflow = bytes.readUInt32LE(12);
      if (overflow > 0) {
        const total = (overflow + 1) * this.pageSize;
        if (BigInt(pgid) + BigInt(overflow) >= this.highWater)
          throw new CorruptInputError(`page ${pgid} claims ${overflow} overflow pages, past the database's end`);
        if (total > this.limits.maxPageBytes)
          throw new LimitExceededError(`page ${pgid} with its overflow is ${total} bytes, more than the ${this.limits.maxPageBytes}-byte limit`);
        bytes = await this.readAt(pgid * this.pageSize, total, `page ${pgid}`);
      }
      if (bytes.readBigUInt64LE(0) !== BigInt(pgid)) throw new CorruptInputError(`page ${pgid} names itself page ${bytes.readBigUInt64LE(0)}`);
      // A small cache: trees are walked from their roots again for every lookup.
      if (this.cache.size >= 1024) this.cache.clear();
      this.cache.set(pgid, bytes);
    }
    return parseNode(bytes, 0, `page ${pgid}`);
  }

  private async readAt(position: number, length: number, what: string): Promise<Buffer> {
    if (position + length > this.fileSize) throw new CorruptInputError(`${what} lies past the end of the file (${this.fileSize} bytes)`);
    this.bytesRead += length;
    if (this.bytesRead > this.limits.maxBytesRead) throw new LimitExceededError(`more than ${this.limits.maxBytesRead} bytes read from one bbolt file`);
    return readExactly(this.handle, position, length, what);
  }
}

async function readExactly(handle: FileHandle, position: number, length: number, what: string): Promise<Buffer> {
  const bytes = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(bytes, filled, length - filled, position + filled);
    if (bytesRead === 0) throw new CorruptInputError(`${what} is cut short: the file ends ${length - filled} bytes early`);
    filled += bytesRead;
  }
  return bytes;
}

/**
 * The newest valid meta page (db.go `meta()`): page 0 gives the page size, page 1 follows it; when
 * page 0 is invalid, page 1 is looked for at each page size bbolt may use (getPageSizeFromSecondMeta).
 */
async function readMeta(handle: FileHandle, fileSize: number): Promise<Meta> {
  if (fileSize < minPageSize * 2) throw new CorruptInputError(`${fileSize} bytes: too short for a bbolt file (two meta pages)`);
  const first = parseMeta(await readExactly(handle, 0, pageHeaderSize + metaSize, 'meta page 0'), 0);
  const candidates = typeof first === 'string' ? [1024, 2048, 4096, 8192, 16384, 32768, 65536, 512] : [first.pageSize];
  let second: Meta | string = 'not found at any page size';
  for (const offset of candidates) {
    if (offset + pageHeaderSize + metaSize > fileSize) continue;
    const found = parseMeta(await readExactly(handle, offset, pageHeaderSize + metaSize, 'meta page 1'), 0);
    if (typeof found !== 'string' && found.pageSize === offset) {
      second = found;
      break;
    }
    // Of the places tried, the reason of one that looked like a meta page says most.
    if (typeof found !== 'string') second = `its page size ${found.pageSize} is not where it was found (${offset})`;
    else if (found !== 'no bbolt magic number' && found !== 'too short for a meta page') second = found;
  }
  if (typeof first === 'string' && typeof second === 'string')
    throw new CorruptInputError(`not a valid bbolt file: meta page 0: ${first}; meta page 1: ${second}`);
  if (typeof first === 'string') return second as Meta;
  if (typeof second === 'string' || second.pageSize !== first.pageSize) return first;
  return second.txid > first.txid ? second : first;
}

function parseNode(bytes: Buffer, base: number, what: string): Node {
  if (bytes.length < base + pageHeaderSize) throw new CorruptInputError(`${what} is shorter than a page header`);
  const flags = bytes.readUInt16LE(base + 8);
  if (flags !== branchPageFlag && flags !== leafPageFlag) throw new CorruptInputError(`${what} is not a branch or leaf page (flags 0x${flags.toString(16)})`);
  const count = bytes.readUInt16LE(base + 10);
  if (base + pageHeaderSize + count * elementSize > bytes.length) throw new CorruptInputError(`${what} claims ${count} elements, more than it can hold`);
  return { bytes, base, leaf: flags === leafPageFlag, count };
}

/** Element `index` of a node: its key, and (leaf) its flags and value or (branch) its child's page id. */
function element(node: Node, index: number, what: string): { key: Buffer; flags: number; value: Buffer; child: bigint } {
  const at = node.base + pageHeaderSize + index * elementSize;
  const { bytes } = node;
  // `pos` is relative to the element itself (common/inode.go WriteInodeToPage).
  const flags = node.leaf ? bytes.readUInt32LE(at) : 0;
  const pos = bytes.readUInt32LE(node.leaf ? at + 4 : at);
  const keySize = bytes.readUInt32LE(node.leaf ? at + 8 : at + 4);
  const valueSize = node.leaf ? bytes.readUInt32LE(at + 12) : 0;
  const start = at + pos;
  if (start + keySize + valueSize > bytes.length) throw new CorruptInputError(`${what}: element ${index} lies past the end of its page`);
  const key = bytes.subarray(start, start + keySize);
  const value = bytes.subarray(start + keySize, start + keySize + valueSize);
  return { key, flags, value, child: node.leaf ? 0n : bytes.readBigUInt64LE(at + 8) };
}

/** A bucket: its B+tree's root page (checked when first read, so that listing a parent never fails on it), or an inline page carried in its parent's value. */
export class BoltBucket {
  constructor(
    private readonly db: BoltDb,
    private readonly rootPgid: bigint,
    private readonly inline: Buffer | undefined,
    private readonly depth: number,
  ) {}

  /** Its entries in key order, at most `max`; `more` says that others were left. */
  async entries(max: number): Promise<{ entries: BoltEntry[]; more: boolean }> {
    const entries: BoltEntry[] = [];
    let more = false;
    await this.walk(async (node, what) => {
      for (let index = 0; index < node.count; index++) {
        if (entries.length === max) {
          more = true;
          return false;
        }
        entries.push(this.entry(element(node, index, what), what));
      }
      return true;
    });
    return { entries, more };
  }

  /** The entry of one key, found by descending the tree as bbolt's cursor does. */
  async get(name: string): Promise<BoltEntry | undefined> {
    const key = Buffer.from(name);
    const seen = new Set<number>();
    let node = this.rootNode();
    let what = this.rootWhat();
    for (let depth = 0; ; depth++) {
      const current = await node;
      if (current.leaf) {
        for (let index = 0; index < current.count; index++) {
          const found = element(current, index, what);
          if (found.key.equals(key)) return this.entry(found, what);
        }
        return undefined;
      }
      if (depth + 2 > this.db.limits.maxDepth) throw new CorruptInputError(`${what}: the tree is deeper than ${this.db.limits.maxDepth} levels`);
      // The last child whose first key is at most the key (cursor.go searchBranch).
      let chosen: bigint | undefined;
      for (let index = 0; index < current.count; index++) {
        const candidate = element(current, index, what);
        if (chosen !== undefined && Buffer.compare(candidate.key, key) > 0) break;
        chosen = candidate.child;
      }
      if (chosen === undefined) return undefined;
      const pgid = this.db.pgid(chosen, what);
      if (seen.has(pgid)) throw new CorruptInputError(`${what} leads back to page ${pgid}: the tree has a cycle`);
      seen.add(pgid);
      node = this.db.node(pgid);
      what = `page ${pgid}`;
    }
  }

  /** The nested bucket of a key; undefined when there is none (or the key holds a value). */
  async bucket(name: string): Promise<BoltBucket | undefined> {
    return (await this.get(name))?.bucket;
  }

  /** The value of a key; undefined when there is none (or the key holds a bucket). */
  async value(name: string): Promise<Buffer | undefined> {
    const found = await this.get(name);
    return found === undefined || found.bucket !== undefined ? undefined : found.value;
  }

  private async rootNode(): Promise<Node> {
    if (this.inline === undefined) return this.db.node(this.db.pgid(this.rootPgid, 'a bucket'));
    const node = parseNode(this.inline, 0, 'an inline bucket');
    // bbolt inlines only a single leaf (bucket.go inlineable).
    if (!node.leaf) throw new CorruptInputError("an inline bucket's page is not a leaf");
    return node;
  }

  private rootWhat(): string {
    return this.inline === undefined ? `page ${this.rootPgid}` : 'an inline bucket';
  }

  private entry(found: { key: Buffer; flags: number; value: Buffer }, what: string): BoltEntry {
    if ((found.flags & bucketLeafFlag) === 0) return { key: found.key, value: found.value };
    if (found.value.length < bucketHeaderSize)
      throw new CorruptInputError(`${what}: bucket ${JSON.stringify(found.key.toString('latin1'))} has a ${found.value.length}-byte header`);
    if (this.depth + 1 > this.db.limits.maxDepth) throw new CorruptInputError(`${what}: buckets nested deeper than ${this.db.limits.maxDepth}`);
    const root = found.value.readBigUInt64LE(0);
    // Root 0: an inline bucket, its page right after the header (bucket.go openBucket).
    const bucket = new BoltBucket(this.db, root, root === 0n ? found.value.subarray(bucketHeaderSize) : undefined, this.depth + 1);
    return { key: found.key, value: found.value, bucket };
  }

  /** Visits the leaves left to right; `visit` returns false to stop. A page met twice is a cycle. */
  private async walk(visit: (node: Node, what: string) => Promise<boolean>): Promise<void> {
    const seen = new Set<number>();
    const stack: { node: Node; what: string; next: number }[] = [{ node: await this.rootNode(), what: this.rootWhat(), next: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { node: Node; what: string; next: number };
      if (top.node.leaf) {
        stack.pop();
        if (!(await visit(top.node, top.what))) return;
        continue;
      }
      if (top.next === top.node.count) {
        stack.pop();
        continue;
      }
      if (stack.length + 1 > this.db.limits.maxDepth) throw new CorruptInputError(`${top.what}: the tree is deeper than ${this.db.limits.maxDepth} levels`);
      const pgid = this.db.pgid(element(top.node, top.next++, top.what).child, top.what);
      if (seen.has(pgid)) throw new CorruptInputError(`${top.what} leads to page ${pgid} a second time: the tree has a cycle`);
      seen.add(pgid);
      stack.push({ node: await this.db.node(pgid), what: `page ${pgid}`, next: 0 });
    }
  }
}

/**
 * Runs `read` on the file's newest transaction and checks that no other was committed meanwhile
 * (containerd writes while it runs: pages of an older transaction may be reused under a reader it
 * does not know of). Tries three times; `consistent` is false when every try saw a commit.
 */
export async function readBoltConsistent<T>(
  path: string,
  read: (root: BoltBucket) => Promise<T>,
  limits?: BoltLimits,
): Promise<{ value: T; consistent: boolean }> {
  for (let attempt = 1; ; attempt++) {
    const db = await BoltDb.open(path, limits);
    try {
      let value: T;
      try {
        value = await read(db.root);
      } catch (error) {
        if (attempt < 3 && error instanceof CorruptInputError && (await db.currentTxid()) !== db.txid) continue;
        throw error;
      }
      const unchanged = (await db.currentTxid()) === db.txid;
      if (unchanged || attempt === 3) return { value, consistent: unchanged };
    } finally {
      await db.close();
    }
  }
}
