import { open, type FileHandle } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { CorruptInputError, LimitExceededError, NotFoundError, UnsupportedError } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import { BLOCK, checksumValid, cString, decodeHeader, isZeroBlock, parsePax } from '../tar/header.js';

/** Where one regular file's bytes sit inside a tar archive. */
export interface TarMember {
  name: string;
  offset: number;
  size: number;
}

/**
 * Random access to the regular files of an uncompressed tar (a docker-archive or oci-archive) without
 * extracting it: one pass over the headers, seeking past file data, then reads by offset. This is how
 * a 2 GB archive is read with a few kilobytes of memory and nothing written to disk.
 */
export class TarIndex {
  private constructor(
    readonly file: string,
    private readonly members: Map<string, TarMember>,
    private readonly links: Map<string, string>,
  ) {}

  /** Scans the archive's headers. Supports ustar, GNU long names and PAX `path` records. */
  static async build(file: string, limits: Limits): Promise<TarIndex> {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const { members, links } = await scanHeaders(handle, size, file, limits);
      return new TarIndex(file, members, links);
    } finally {
      await handle.close();
    }
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /**
   * The regular file a name refers to, following hard and symbolic links between members
   * (`docker save` writes a repeated layer as a symlink to the first copy), at most 8 hops.
   */
  get(name: string): TarMember | undefined {
    let current = normaliseMemberName(name);
    for (let hop = 0; hop <= 8; hop++) {
      const member = this.members.get(current);
      if (member) return member;
      const target = this.links.get(current);
      if (target === undefined) return undefined;
      current = target;
    }
    return undefined;
  }

  names(): string[] {
    return [...this.members.keys()];
  }

  /** Streams one member's bytes. */
  openMember(name: string): Readable {
    const member = this.get(name);
    if (!member) throw new NotFoundError(`${this.file}: the archive has no member ${JSON.stringify(name)}`);
    if (member.size === 0) return createReadStream(this.file, { start: 1, end: 0 });
    return createReadStream(this.file, { start: member.offset, end: member.offset + member.size - 1 });
  }

  /** Size in bytes of one member. */
  memberSize(name: string): number {
    const member = this.get(name);
    if (!member) throw new NotFoundError(`${this.file}: the archive has no member ${JSON.stringify(name)}`);
    return member.size;
  }

  /**
   * Reads one (small) member into memory, bounded by `maxBytes`; with `length`, only its first
   * `length` bytes (to sniff a layer's compression).
   */
  async readMember(name: string, maxBytes: number, length?: number): Promise<Buffer> {
    const member = this.get(name);
    if (!member) throw new NotFoundError(`${this.file}: the archive has no member ${JSON.stringify(name)}`);
    const wanted = length === undefined ? member.size : Math.min(length, member.size);
    if (wanted > maxBytes) {
      throw new LimitExceededError(`${this.file}: ${name} is ${member.size} bytes, over the ${maxBytes}-byte limit for documents`);
    }
    const handle = await open(this.file, 'r');
    try {
      const buffer = Buffer.alloc(wanted);
      const { bytesRead } = await handle.read(buffer, 0, wanted, member.offset);
      if (bytesRead !== wanted) throw new CorruptInputError(`${this.file}: ${name} is truncated`);
      return buffer;
    } finally {
      await handle.close();
    }
  }
}

/** `./blobs/sha256/x` and `blobs/sha256/x` name the same member. */
function normaliseMemberName(name: string): string {
  return name.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
}

interface ScannedArchive {
  members: Map<string, TarMember>;
  /** link member name → the member it points to (normalised, resolved relative to the link's folder) */
  links: Map<string, string>;
}

async function scanHeaders(handle: FileHandle, fileSize: number, file: string, limits: Limits): Promise<ScannedArchive> {
  const members = new Map<string, TarMember>();
  const links = new Map<string, string>();
  const header = Buffer.alloc(BLOCK);
  let offset = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let paxPath: string | undefined;
  let paxLink: string | undefined;
  let paxSize: number | undefined;
  let entries = 0;

  const magic = Buffer.alloc(2);
  await handle.read(magic, 0, 2, 0);
  if (magic[0] === 0x1f && magic[1] === 0x8b) {
    throw new UnsupportedError(`${file} is gzip-compressed; Shipshape reads uncompressed image archives`, {
      hint: `decompress it first: gunzip -k ${file}`,
    });
  }
  while (offset + BLOCK <= fileSize) {
    await readExactly(handle, header, offset, file);
    if (isZeroBlock(header)) return { members, links }; // end-of-archive marker
    const decoded = checksumValid(header) ? decodeHeader(header) : undefined;
    if (!decoded) {
      throw new CorruptInputError(`${file} is not a valid tar archive (bad header checksum at byte ${offset})`);
    }
    if (++entries > limits.maxEntries) throw new LimitExceededError(`${file} has more than ${limits.maxEntries} entries`);

    const type = decoded.typeflag;
    // Links, devices, directories and FIFOs store no data whatever their size field says.
    const size = '123456'.includes(type) ? 0 : (paxSize ?? decoded.size);
    const dataOffset = offset + BLOCK;
    if (dataOffset + size > fileSize) throw new CorruptInputError(`${file} is truncated (an entry runs past the end of the file)`);

    if (type === 'L' || type === 'K' || type === 'x') {
      if (size > limits.maxDocumentBytes) throw new LimitExceededError(`${file}: oversized tar extension header`);
      const data = Buffer.alloc(size);
      await readExactly(handle, data, dataOffset, file);
      if (type === 'L') longName = cString(data, 0, size);
      else if (type === 'K') longLink = cString(data, 0, size);
      else {
        const records = parsePax(data);
        paxPath = records.get('path') ?? paxPath;
        paxLink = records.get('linkpath') ?? paxLink;
        const sizeRecord = records.get('size');
        paxSize = sizeRecord !== undefined && /^\d+$/.test(sizeRecord) ? Number(sizeRecord) : paxSize;
      }
    } else if (type !== 'g') {
      // ('g' is a global PAX header: it applies to no single member)
      const name = normaliseMemberName(paxPath ?? longName ?? decoded.name);
      const linkName = paxLink ?? longLink ?? decoded.linkname;
      longName = longLink = paxPath = paxLink = paxSize = undefined;
      if (type === '0' || type === '7') members.set(name, { name, offset: dataOffset, size });
      else if (type === '1') links.set(name, normaliseMemberName(linkName));
      else if (type === '2') links.set(name, resolveLinkTarget(name, linkName));
    }
    offset = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
  }
  if (offset !== fileSize) throw new CorruptInputError(`${file} is truncated (it ends inside a tar header)`);
  return { members, links };
}

async function readExactly(handle: FileHandle, buffer: Buffer, position: number, file: string): Promise<void> {
  const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
  if (bytesRead !== buffer.length) throw new CorruptInputError(`${file} is truncated`);
}

/** A symlink target relative to the link's own folder, as a member name. */
function resolveLinkTarget(name: string, target: string): string {
  const parts = target.startsWith('/') ? [] : name.split('/').slice(0, -1);
  for (const part of target.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return parts.join('/');
}
