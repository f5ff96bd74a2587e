import type { LayerAnalysis } from './visitor.js';

/** The kinds of filesystem object a layer tar can hold. */
export type FileType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

/** One path a layer writes, as its tar header describes it. Paths are absolute (`/etc/passwd`). */
export interface FileEntry {
  path: string;
  type: FileType;
  /** Bytes of content; for a hard link, the size of the file it links to. */
  size: number;
  /** Permission bits including setuid/setgid/sticky (`0o4755`). */
  mode: number;
  uid: number;
  gid: number;
  /** Symlink target as written, or the absolute path a hard link points to. */
  linkTarget?: string;
}

/** What one layer does, read from its tar: the entries it writes and what its whiteouts delete. */
export interface LayerScan {
  /** sha256 of the uncompressed tar, as computed while reading. */
  diffId: string;
  /** Bytes of uncompressed tar. */
  uncompressedSize: number;
  /** Entries in tar order (a path written twice keeps its last entry). */
  entries: FileEntry[];
  /** Paths deleted from lower layers by `.wh.<name>` files. */
  whiteouts: string[];
  /** Directories whose lower-layer contents are hidden by `.wh..wh..opq`. */
  opaqueDirs: string[];
  /** Problems that did not stop the read (a hard link to a file outside the layer, a bare `.wh.`). */
  warnings: string[];
  /** What the layer file visitors (package analysers...) found in this layer's files. */
  analyses: LayerAnalysis[];
}

/** Directory part of an absolute path: `/a/b` → `/a`, `/a` → `/`. */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

/** The last segment of a path: `/usr/lib/libc.so.6` → `libc.so.6`. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
