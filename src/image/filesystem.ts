import { SymlinkLoopError } from '../core/errors.js';
import type { FileEntry, LayerScan } from './layer/entry.js';
import { pushAll } from '../core/collections.js';

/** A path as the squashed image shows it, with the layer that last wrote it. */
export interface FileRecord {
  entry: FileEntry;
  layer: number;
}

/**
 * A file a later layer deleted (whiteout, opaque directory, replaced by a non-directory) or
 * overwrote. Its bytes still ship in the layer that wrote it: secrets scanning reads them there.
 */
export interface HiddenFile extends FileRecord {
  /** Index of the layer that deleted or overwrote it. */
  hiddenBy: number;
  how: 'deleted' | 'overwritten';
}

/** What one layer changed, relative to the layers below it. Non-directory paths, as in `docker diff`. */
export interface LayerChanges {
  added: string[];
  modified: string[];
  /** Paths named by the layer's whiteouts. */
  deleted: string[];
  opaqueDirs: string[];
}

interface TreeNode {
  /** Undefined for directories no entry of any layer declared (implied by their children). */
  entry: FileEntry | undefined;
  layer: number;
  children: Map<string, TreeNode> | undefined;
}

/** The squashed filesystem of an image: the layers applied in order, whiteouts included. */
export class FileView {
  private constructor(
    private readonly root: TreeNode,
    readonly hidden: HiddenFile[],
  ) {}

  /**
   * Applies layers bottom-up exactly as the OCI layer spec says: a layer's opaque directories and
   * whiteouts hide lower content first, then its entries are written. Returns the view and what
   * each layer added, modified and deleted.
   */
  static build(layers: readonly LayerScan[]): { view: FileView; changes: LayerChanges[] } {
    const root: TreeNode = { entry: undefined, layer: 0, children: new Map() };
    const hidden: HiddenFile[] = [];
    const changes = layers.map((scan, layer) => applyLayer(root, scan, layer, hidden));
    return { view: new FileView(root, hidden), changes };
  }

  /** The record at exactly this path, not following symlinks; directories included. */
  get(path: string): FileRecord | undefined {
    let node: TreeNode | undefined = this.root;
    for (const name of splitPath(path)) {
      node = node.children?.get(name);
      if (!node) return undefined;
    }
    return node.entry ? { entry: node.entry, layer: node.layer } : undefined;
  }

  /**
   * Follows symbolic links in every component, as the kernel would inside a chroot of the image:
   * absolute targets start again at the image root and `..` never climbs above it. Undefined if
   * the path does not exist; SymlinkLoopError past `maxHops` links.
   */
  resolve(path: string, maxHops = 40): (FileRecord & { path: string }) | undefined {
    const pending = splitPath(path);
    const trail: TreeNode[] = [this.root];
    const names: string[] = [];
    let hops = 0;
    while (pending.length > 0) {
      const name = pending.shift() as string;
      if (name === '..') {
        if (trail.length > 1) {
          trail.pop();
          names.pop();
        }
        continue;
      }
      const node = trail[trail.length - 1]?.children?.get(name);
      if (!node) return undefined;
      if (node.entry?.type === 'symlink') {
        if (++hops > maxHops) throw new SymlinkLoopError(path, maxHops);
        const target = node.entry.linkTarget ?? '';
        if (target.startsWith('/')) {
          trail.length = 1;
          names.length = 0;
        }
        const rest = pending.splice(0);
        pushAll(pushAll(pending, splitPath(target)), rest);
        continue;
      }
      trail.push(node);
      names.push(name);
    }
    const node = trail[trail.length - 1];
    return node?.entry ? { path: `/${names.join('/')}`, entry: node.entry, layer: node.layer } : undefined;
  }

  /** Every non-directory path of the squashed image, in path order. */
  *files(): Generator<FileRecord> {
    yield* walk(this.root, (record) => record.entry.type !== 'dir');
  }

  /** Number of non-directory paths in the squashed image. */
  get fileCount(): number {
    let count = 0;
    for (const _ of this.files()) count++;
    return count;
  }
}

function* walk(node: TreeNode, keep: (record: FileRecord) => boolean): Generator<FileRecord> {
  if (!node.children) return;
  for (const name of [...node.children.keys()].sort()) {
    const child = node.children.get(name) as TreeNode;
    if (child.entry && keep({ entry: child.entry, layer: child.layer })) yield { entry: child.entry, layer: child.layer };
    yield* walk(child, keep);
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((part) => part !== '' && part !== '.');
}

function applyLayer(root: TreeNode, scan: LayerScan, layer: number, hidden: HiddenFile[]): LayerChanges {
  const hide = (node: TreeNode, how: HiddenFile['how']): void => {
    if (node.entry && node.entry.type !== 'dir') hidden.push({ entry: node.entry, layer: node.layer, hiddenBy: layer, how });
    for (const child of node.children?.values() ?? []) hide(child, 'deleted');
  };
  // "modified" means the path existed in the image below this layer, whatever this layer deletes first.
  const existedBelow = scan.entries.map((entry) => entry.type !== 'dir' && lookup(root, entry.path) !== undefined);

  for (const dir of scan.opaqueDirs) {
    const node = lookup(root, dir);
    for (const child of node?.children?.values() ?? []) hide(child, 'deleted');
    node?.children?.clear();
  }
  for (const path of scan.whiteouts) {
    const parent = lookup(root, parentPath(path));
    const name = lastName(path);
    const node = parent?.children?.get(name);
    if (node && parent?.children) {
      hide(node, 'deleted');
      parent.children.delete(name);
    }
  }

  const added: string[] = [];
  const modified: string[] = [];
  scan.entries.forEach((entry, i) => {
    write(root, entry, layer, hide);
    if (entry.type !== 'dir') (existedBelow[i] ? modified : added).push(entry.path);
  });
  return { added, modified, deleted: [...scan.whiteouts], opaqueDirs: [...scan.opaqueDirs] };
}

function write(root: TreeNode, entry: FileEntry, layer: number, hide: (node: TreeNode, how: HiddenFile['how']) => void): void {
  const names = splitPath(entry.path);
  const last = names.pop();
  if (last === undefined) return;
  let node = root;
  for (const name of names) {
    node.children ??= new Map();
    let child = node.children.get(name);
    if (!child || (child.entry !== undefined && child.entry.type !== 'dir')) {
      // a directory implied by this entry replaces whatever non-directory lower layers had there
      if (child) hide(child, 'overwritten');
      child = { entry: undefined, layer, children: new Map() };
      node.children.set(name, child);
    }
    node = child;
  }
  node.children ??= new Map();
  const existing = node.children.get(last);
  if (existing && entry.type === 'dir' && (existing.entry === undefined || existing.entry.type === 'dir')) {
    existing.entry = entry; // a directory entry over a directory updates it and keeps its contents
    existing.layer = layer;
    return;
  }
  if (existing) hide(existing, 'overwritten');
  node.children.set(last, { entry, layer, children: entry.type === 'dir' ? new Map() : undefined });
}

function lookup(root: TreeNode, path: string): TreeNode | undefined {
  let node: TreeNode | undefined = root;
  for (const name of splitPath(path)) {
    node = node.children?.get(name);
    if (!node) return undefined;
  }
  return node;
}

function parentPath(path: string): string {
  return path.slice(0, Math.max(0, path.lastIndexOf('/')));
}

function lastName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
