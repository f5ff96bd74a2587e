import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/** The ecosystems recent scans looked advisories up in: what `db update` fetches by default. */
const seenFile = (dir: string): string => path.join(dir, 'seen-ecosystems.json');

/** osv.dev's dump names: `Debian:11` is in `Debian/all.zip`. */
export function dumpName(ecosystem: string): string {
  const colon = ecosystem.indexOf(':');
  return colon < 0 ? ecosystem : ecosystem.slice(0, colon);
}

/** The list so far; a missing or damaged file is an empty list (it is only a default for `db update`). */
export async function readSeenEcosystems(dir: string): Promise<string[]> {
  let json: unknown = [];
  try {
    json = JSON.parse(await readFile(seenFile(dir), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError)) throw error;
  }
  const parsed = z.array(z.string()).safeParse(json);
  return parsed.success ? parsed.data : [];
}

/** Adds ecosystems to the seen list (written atomically next to the database). */
export async function recordSeenEcosystems(dir: string, ecosystems: Iterable<string>): Promise<void> {
  const merged = [...new Set([...(await readSeenEcosystems(dir)), ...[...ecosystems].map(dumpName)])].sort();
  await mkdir(dir, { recursive: true });
  const temporary = `${seenFile(dir)}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(merged)}\n`);
  await rename(temporary, seenFile(dir));
}
