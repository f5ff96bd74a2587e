/**
 * The filesystem of an image being built, squashed: what a later instruction, stage or image sees.
 * Paths are relative to the root with no leading or trailing slash (`etc/os-release`).
 */
export type FileNode =
  | { type: 'file'; content: Buffer; mode: number; uid: number; gid: number }
  | { type: 'dir'; mode: number; uid: number; gid: number }
  | { type: 'symlink'; target: string; mode: number; uid: number; gid: number };

export type FileTree = ReadonlyMap<string, FileNode>;

/** What one layer does: files it adds or replaces, and paths it deletes (whiteouts). */
export interface LayerChanges {
  added: Map<string, FileNode>;
  deleted: Set<string>;
}

export const emptyChanges = (): LayerChanges => ({ added: new Map(), deleted: new Set() });

export function hasChanges(changes: LayerChanges): boolean {
  return changes.added.size > 0 || changes.deleted.size > 0;
}

/** `/usr/src/app/` → `usr/src/app`; `..` is refused (a recorded run or COPY must stay inside the root). */
export function normalisePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') throw new Error(`path ${JSON.stringify(path)} leaves the image root`);
    parts.push(part);
  }
  return parts.join('/');
}

export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** The tree after a layer: deleted paths go with everything under them, then the additions land. */
export function applyChanges(tree: FileTree, changes: LayerChanges): Map<string, FileNode> {
  const next = new Map(tree);
  for (const deleted of changes.deleted) {
    next.delete(deleted);
    for (const path of next.keys()) if (path.startsWith(`${deleted}/`)) next.delete(path);
  }
  for (const [path, node] of changes.added) next.set(path, node);
  return next;
}
