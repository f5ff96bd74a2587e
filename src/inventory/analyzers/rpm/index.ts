import { messageOf } from '../../../core/errors.js';
import type { CapturedFile, FileAnalyzer } from '../../analyzer.js';
import type { AnalyzerOutput, FoundPackage, OwnedFiles } from '../../model.js';
import { isBerkeleyDb, readBdb } from './bdb.js';
import { parseHeader } from './header.js';
import { ndbMagic, readNdb } from './ndb.js';
import { toFoundPackage, toOwnedFiles } from './package.js';
import type { DbRead } from './records.js';
import { readSqlite, sqliteMagic } from './sqlite.js';

/** Folders rpm keeps its database in: the classic one, the rpm ≥ 4.16 one, and rpm-ostree's. */
const databaseDirs: readonly string[] = ['/var/lib/rpm/', '/usr/lib/sysimage/rpm/', '/usr/share/rpm/'];
/** SQLite (rpm ≥ 4.16), BerkeleyDB hash (older rpm), NDB (SUSE). */
const databaseNames: ReadonlySet<string> = new Set(['rpmdb.sqlite', 'Packages', 'Packages.db']);
/** Keys imported with `rpm --import` appear as packages of this name; they are not software. */
const pubkeyName = 'gpg-pubkey';
/** Enough to show what is wrong with a corrupt database without flooding the diagnostics. */
const maxNotes = 50;

/** The package database formats rpm has used. */
export type RpmDbFormat = 'sqlite' | 'bdb' | 'ndb';

/** The format of an rpm database, from its content (not its name); undefined when it is none of them. */
export function detectRpmDbFormat(content: Buffer): RpmDbFormat | undefined {
  if (content.subarray(0, sqliteMagic.length).equals(sqliteMagic)) return 'sqlite';
  if (content.subarray(0, ndbMagic.length).equals(ndbMagic)) return 'ndb';
  if (isBerkeleyDb(content)) return 'bdb';
  return undefined;
}

/**
 * The rpm package database analyser: the installed packages of Red Hat, Fedora, CentOS, Rocky,
 * Alma, Oracle, Amazon Linux, CBL-Mariner/Azure Linux, SUSE and openSUSE images, and the files each
 * package owns.
 */
export const rpmAnalyzer: FileAnalyzer = {
  id: 'rpm',
  version: 2,
  maxBytes: 512 * 1024 * 1024,
  required(path: string): boolean {
    const slash = path.lastIndexOf('/');
    return databaseNames.has(path.slice(slash + 1)) && databaseDirs.includes(path.slice(0, slash + 1));
  },
  analyze(file: CapturedFile): AnalyzerOutput {
    return analyzeRpmDb(file.content);
  },
};

/** Reads the packages of an rpm database held in memory. Never throws. */
export function analyzeRpmDb(content: Buffer): AnalyzerOutput {
  if (content.length === 0) return {};
  const format = detectRpmDbFormat(content);
  if (format === undefined) return { notes: ['not an rpm database: neither SQLite, BerkeleyDB nor NDB'] };
  const read = readDb(format, content);
  const packages: FoundPackage[] = [];
  const ownedFiles: OwnedFiles[] = [];
  const notes = [...read.notes];
  for (const record of read.records) {
    try {
      const result = parseHeader(record.blob);
      if (!result.ok) {
        notes.push(`record ${record.id}: ${result.error}; skipped`);
        continue;
      }
      if (result.header.name === pubkeyName) continue;
      if (result.header.filesProblem !== undefined) notes.push(`record ${record.id}: ${result.header.filesProblem}`);
      packages.push(toFoundPackage(result.header));
      const owned = toOwnedFiles(result.header);
      if (owned !== undefined) ownedFiles.push(owned);
    } catch (error) {
      notes.push(`record ${record.id}: internal error: ${messageOf(error)}; skipped`); // a bug must not lose the other records
    }
  }
  const output: AnalyzerOutput = { packages };
  if (ownedFiles.length > 0) output.ownedFiles = ownedFiles;
  if (notes.length > 0) output.notes = capNotes(notes);
  return output;
}

function readDb(format: RpmDbFormat, content: Buffer): DbRead {
  try {
    if (format === 'sqlite') return readSqlite(content);
    if (format === 'ndb') return readNdb(content);
    return readBdb(content);
  } catch (error) {
    return { records: [], notes: [`${format} database could not be read: internal error: ${messageOf(error)}`] };
  }
}

function capNotes(notes: string[]): string[] {
  if (notes.length <= maxNotes) return notes;
  return [...notes.slice(0, maxNotes), `${notes.length - maxNotes} more problems not listed`];
}
