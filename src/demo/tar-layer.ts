import { packTar, type TarEntry } from '../image/build/tar.js';
import { baseName } from '../image/layer/entry.js';
import { parentOf, type FileNode, type FileTree, type LayerChanges } from './file-tree.js';

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
  return packTar(ordered.map(([path, node]) => tarEntry(path, node, mtime)));
}

function tarEntry(path: string, node: FileNode, mtime: Date): TarEntry {
  const common = { mode: node.mode, uid: node.uid, gid: node.gid, mtime };
  if (node.type === 'file') return { ...common, name: path, type: 'file', content: node.content };
  if (node.type === 'dir') return { ...common, name: `${path}/`, type: 'directory' };
  return { ...common, name: path, type: 'symlink', linkname: node.target };
}
