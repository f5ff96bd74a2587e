import { createTwoFilesPatch } from 'diff';

/**
 * A file's change as a unified diff with git's `a/` and `b/` prefixes, so that `git apply` and
 * `patch -p1` take it from the directory `file` is relative to; a new file comes from `/dev/null`.
 * Empty when nothing changed.
 */
export function unifiedDiff(file: string, before: string | undefined, after: string): string {
  if (before === after) return '';
  const patch = createTwoFilesPatch(before === undefined ? '/dev/null' : `a/${file}`, `b/${file}`, before ?? '', after, undefined, undefined, {
    context: 3,
  });
  // jsdiff starts with an `Index:`/`===` header git does not need; the hunks start at `---`
  const header = `${before === undefined ? 'new file mode 100644\n' : ''}`;
  return `diff --git a/${file} b/${file}\n${header}${patch.slice(patch.indexOf('--- '))}`;
}
