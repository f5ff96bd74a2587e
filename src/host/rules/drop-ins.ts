import { posix } from 'node:path';

/** Whether a host path is a drop-in: a file in a `<name>.d/` directory (`docker.service.d/10-tcp.conf`, `crio.conf.d/01-x.conf`). */
function isDropIn(path: string): boolean {
  return posix.basename(posix.dirname(path)).endsWith('.d');
}

/**
 * Files of one configuration in the order their program applies them: the main files first, then the
 * drop-ins by file name (systemd, CRI-O and containers-registries.conf.d all sort by name, whatever
 * directory a drop-in is in). Later files override earlier ones.
 */
export function dropInOrder<T extends { path: string }>(files: readonly T[]): T[] {
  const main = files.filter((file) => !isDropIn(file.path));
  const dropIns = files.filter((file) => isDropIn(file.path)).sort((a, b) => compareText(posix.basename(a.path), posix.basename(b.path)));
  return [...main, ...dropIns];
}

/** Code-unit order (as C's strcmp, which systemd and Go sort by), not the locale's. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
