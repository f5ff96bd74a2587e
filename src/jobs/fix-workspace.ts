import { randomBytes } from 'node:crypto';
import { copyFile, link, lstat, mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { LimitExceededError } from '../core/errors.js';
import { sourceWalkLimits } from '../core/limits.js';

/** What the working copy holds at most: the readers' own bounds, and bytes copied where files cannot be linked. */
const limits = { maxEntries: sourceWalkLimits.maxEntries, maxDepth: sourceWalkLimits.maxDepth, maxCopiedBytes: 512 * 1024 * 1024 };
/** Directories the estate readers skip: not copied either (`.git` is kept, empty: it marks a repository). */
const skipped = new Set(['node_modules', 'vendor']);

/**
 * A working copy of an estate's roots (source trees, manifest files and directories) in the cache,
 * where `fix` applies its patches round after round and reads the estate again between them: each
 * file hard-linked to its original where the file system allows (written by renaming a new file
 * over the link, so the original is never touched), else copied. Symbolic links are not followed.
 */
export class FixWorkspace {
  private copied = 0;
  private entries = 0;
  private readonly pairs: { original: string; copy: string }[] = [];

  private constructor(readonly dir: string) {}

  /** Copies `roots` (absolute) into a new directory under `parent`; each root keeps its base name (the estate names files by it). */
  static async create(parent: string, roots: readonly string[]): Promise<FixWorkspace> {
    const workspace = new FixWorkspace(path.join(parent, `fix-${randomBytes(6).toString('hex')}`));
    try {
      for (const [index, root] of [...new Set(roots)].entries()) {
        const copy = path.join(workspace.dir, String(index), path.basename(root) || 'root');
        await mkdir(path.dirname(copy), { recursive: true });
        await workspace.copy(root, copy, 0);
        workspace.pairs.push({ original: root, copy });
      }
      return workspace;
    } catch (error) {
      await workspace.remove();
      throw error;
    }
  }

  /** Where a root (or a file under one) is in the copy. */
  copyOf(original: string): string {
    return this.translate(original, 'original', 'copy');
  }

  /** Where a file of the copy comes from. */
  originalOf(copy: string): string {
    return this.translate(copy, 'copy', 'original');
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  private translate(file: string, from: 'original' | 'copy', to: 'original' | 'copy'): string {
    for (const pair of this.pairs) {
      const relative = path.relative(pair[from], file);
      if (relative === '') return pair[to];
      if (!relative.startsWith('..') && !path.isAbsolute(relative)) return path.join(pair[to], relative);
    }
    return file;
  }

  private async copy(source: string, target: string, depth: number): Promise<void> {
    if (++this.entries > limits.maxEntries) throw new LimitExceededError(`the estate has more than ${limits.maxEntries} entries to copy for fix`);
    const info = await lstat(source);
    if (info.isDirectory()) {
      await mkdir(target);
      if (depth >= limits.maxDepth) return;
      for (const child of await readdir(source, { withFileTypes: true })) {
        if (skipped.has(child.name)) continue;
        // a repository's .git marks it: kept empty, its contents are not read
        if (child.name === '.git') await mkdir(path.join(target, child.name));
        else if (child.isDirectory() || child.isFile()) await this.copy(path.join(source, child.name), path.join(target, child.name), depth + 1);
      }
      return;
    }
    if (!info.isFile()) return;
    try {
      await link(source, target);
    } catch {
      this.copied += info.size;
      if (this.copied > limits.maxCopiedBytes)
        throw new LimitExceededError(`the estate's files are more than ${limits.maxCopiedBytes} bytes to copy for fix`, {
          hint: "put the cache on the estate's file system (SHIPSHAPE_CACHE_DIR), where files are linked, not copied",
        });
      await copyFile(source, target);
    }
  }
}
