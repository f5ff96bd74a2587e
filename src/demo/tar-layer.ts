import { crc32 } from 'node:zlib';
import tar from 'tar-stream';
import { baseName, parentOf, type FileNode, type FileTree, type LayerChanges } from './file-tree.js';

/**
 * A layer's tar, as BuildKit's differ writes it: the changed paths in lexical order, each changed
 * file's parent directories before it, and `.wh.<name>` whiteouts for deletions. Owners and times
 * are fixed, so the same changes always give the same bytes.
 */
export async function layerTar(changes: LayerChanges, below: FileTree, mtime: Date): Promise<Buffer> {
  const entries = new Map<string, FileNode>();
  const addParents = (path: string): void => {
    for (let dir = parentOf(path); dir !== ''; dir = parentOf(dir)) {
      if (entries.has(dir)) break;
      const known = changes.added.get(dir) ?? below.get(dir);
      entries.set(dir, known?.type === 'dir' ? known : { type: 'dir', mode: 0o755, uid: 0, gid: 0 });
    }
  };
  for (const deleted of changes.deleted) {
    const whiteout = parentOf(deleted) === '' ? `.wh.${deleted}` : `${parentOf(deleted)}/.wh.${baseName(deleted)}`;
    entries.set(whiteout, { type: 'file', content: Buffer.alloc(0), mode: 0o644, uid: 0, gid: 0 });
    addParents(whiteout);
  }
  for (const [path, node] of changes.added) {
    entries.set(path, node);
    addParents(path);
  }
  const ordered = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return packTar(ordered, mtime);
}

async function packTar(entries: [string, FileNode][], mtime: Date): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const [path, node] of entries) {
    const common = { mode: node.mode, uid: node.uid, gid: node.gid, uname: '', gname: '', mtime };
    await new Promise<void>((resolve, reject) => {
      const callback = (error?: Error | null): void => (error ? reject(error) : resolve());
      if (node.type === 'file') pack.entry({ ...common, name: path, type: 'file', size: node.content.length }, node.content, callback);
      else if (node.type === 'dir') pack.entry({ ...common, name: `${path}/`, type: 'directory' }, callback);
      else pack.entry({ ...common, name: path, type: 'symlink', linkname: node.target }, callback);
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

const maxStoredBlock = 0xffff;

/**
 * gzip with stored (uncompressed) deflate blocks. A real compressor's output depends on the zlib
 * build Node ships, and the estate pins images by digest: these bytes depend on the input alone.
 */
export function storedGzip(data: Buffer): Buffer {
  // no file name, mtime 0, OS 255 (unknown): nothing about the machine ends up in the header
  const parts: Buffer[] = [Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff])];
  let offset = 0;
  do {
    const length = Math.min(maxStoredBlock, data.length - offset);
    const final = offset + length >= data.length;
    const header = Buffer.alloc(5);
    header.writeUInt8(final ? 1 : 0, 0);
    header.writeUInt16LE(length, 1);
    header.writeUInt16LE(~length & 0xffff, 3);
    parts.push(header, data.subarray(offset, offset + length));
    offset += length;
  } while (offset < data.length);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data) >>> 0, 0);
  trailer.writeUInt32LE(data.length % 2 ** 32, 4);
  parts.push(trailer);
  return Buffer.concat(parts);
}
