import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError } from '../core/errors.js';
import type { FileNode } from './file-tree.js';

/** Paths the builder never sends as build context: its own recorded-run data. */
export const builderDataDir = '.shipshape-build';

interface IgnoreRule {
  pattern: RegExp;
  negated: boolean;
}

/**
 * `.dockerignore`, simply: one pattern a line, `#` comments, `!` exceptions, `*` and `?` within a
 * path segment, `**` across segments; the last matching line wins; a directory that matches takes
 * everything under it along (as `docker build` does, exceptions inside it aside).
 */
export function parseDockerignore(text: string): (relativePath: string) => boolean {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    const cleaned = path.posix
      .normalize((negated ? line.slice(1) : line).trim())
      .replace(/^(\.\/|\/)+/, '')
      .replace(/\/+$/, '');
    rules.push({ pattern: globToRegExp(cleaned), negated });
  }
  return (relativePath) => {
    let ignored = false;
    for (const rule of rules) {
      const matches = ancestorsAndSelf(relativePath).some((candidate) => rule.pattern.test(candidate));
      if (matches) ignored = !rule.negated;
    }
    return ignored;
  };
}

function ancestorsAndSelf(relativePath: string): string[] {
  const parts = relativePath.split('/');
  return parts.map((_, index) => parts.slice(0, index + 1).join('/'));
}

/** A glob of one path (`*`, `?`, `**`, `[…]`) as a regular expression matching whole paths. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] ?? '';
    if (char === '*' && glob[i + 1] === '*') {
      // `**/` matches zero or more whole segments; a trailing `**` matches the rest
      const slash = glob[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (char === '*') out += '[^/]*';
    else if (char === '?') out += '[^/]';
    else if (char === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) out += '\\[';
      else {
        out += `[${glob
          .slice(i + 1, close)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else out += char.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/**
 * The build context: every file and directory under `dir` not excluded by its `.dockerignore`,
 * keyed by `/`-separated relative path. File modes keep only the executable bit, as git does.
 */
export async function readContext(dir: string): Promise<Map<string, FileNode>> {
  let ignoreText = '';
  try {
    ignoreText = await readFile(path.join(dir, '.dockerignore'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const ignored = parseDockerignore(ignoreText);
  const files = new Map<string, FileNode>();
  await readTree(dir, '', files, (relative) => relative === builderDataDir || ignored(relative));
  return files;
}

/** Reads a directory tree into nodes owned by root (`skip` prunes relative paths). */
export async function readTree(root: string, prefix: string, into: Map<string, FileNode>, skip: (relative: string) => boolean = () => false): Promise<void> {
  let names: string[];
  try {
    names = (await readdir(path.join(root, prefix))).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`no directory ${path.join(root, prefix)}`);
    throw error;
  }
  for (const name of names) {
    const relative = prefix === '' ? name : `${prefix}/${name}`;
    if (skip(relative)) continue;
    const full = path.join(root, relative);
    const stat = await lstat(full);
    if (stat.isSymbolicLink()) {
      into.set(relative, { type: 'symlink', target: await readlink(full), mode: 0o777, uid: 0, gid: 0 });
    } else if (stat.isDirectory()) {
      into.set(relative, { type: 'dir', mode: 0o755, uid: 0, gid: 0 });
      await readTree(root, relative, into, skip);
    } else if (stat.isFile()) {
      into.set(relative, { type: 'file', content: await readFile(full), mode: stat.mode & 0o111 ? 0o755 : 0o644, uid: 0, gid: 0 });
    }
  }
}
