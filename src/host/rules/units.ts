import { posix } from 'node:path';
import type { HostReader } from './read.js';
import type { HostConfigKind } from './rule.js';

/** Where systemd looks for system units, most important first (systemd.unit(5) "Unit File Load Path"). */
const unitDirectories = ['/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];

/**
 * Reads the unit systemd would load for `name` (the first found along the load path: an
 * /etc/systemd/system copy replaces the packaged one) and its `.conf` drop-ins from every directory
 * (a drop-in's name in a more important directory hides the same name further down). A masked unit
 * (linked to /dev/null, or empty), and the drop-ins of a unit that is not there, do nothing: none is read.
 */
export async function collectUnit(reader: HostReader, name: string, kind: HostConfigKind): Promise<void> {
  let unit;
  for (const dir of unitDirectories) {
    const path = posix.join(dir, name);
    if (await reader.isMasked(path)) return;
    unit = await reader.read(kind, path);
    if (unit !== undefined) break;
  }
  if (unit === undefined || unit.text === '') return;
  const dropIns = new Map<string, string>();
  for (const dir of unitDirectories) {
    const dropInDir = posix.join(dir, `${name}.d`);
    for (const entry of await reader.list(dropInDir)) {
      if (entry.endsWith('.conf') && !dropIns.has(entry)) dropIns.set(entry, posix.join(dropInDir, entry));
    }
  }
  // a drop-in linked to /dev/null hides the same name further down, and says nothing itself
  for (const path of dropIns.values()) if (!(await reader.isMasked(path))) await reader.read(kind, path);
}
