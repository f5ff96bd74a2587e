/**
 * Identifies the Maven artifacts in one Java archive and, recursively, in the archives it contains
 * (`WEB-INF/lib/*.jar` in a war, `BOOT-INF/lib/*.jar` in a Spring Boot jar, wars in an ear...).
 */
import { baseName } from '../../../image/layer/entry.js';
import type { FoundPackage } from '../../model.js';
import { parseManifest, parseProperties } from './metadata.js';
import { readZipDirectory, readZipEntry } from './zip.js';
import type { ReadBudget, ZipEntry } from './zip.js';

/** Archive levels below the scanned file that are opened (outer.ear!/a.war!/b.jar is 2). */
const MAX_NESTING = 4;
/** A pom.properties or manifest larger than this is not metadata: skipped. */
const MAX_METADATA_BYTES = 1024 * 1024;
/** Largest nested archive read (stored or inflated); the same as the analyser's limit on a file. */
const MAX_NESTED_BYTES = 256 * 1024 * 1024;
/**
 * Entries read at most per scanned file: nested archives and metadata files (a fat jar holds a few
 * hundred of each). Bounds the work of entries that all point at the same bytes.
 */
const MAX_ENTRY_READS = 20_000;
/** Notes kept per scanned file; the rest are counted. */
const MAX_NOTES = 50;

const POM_PROPERTIES = /^META-INF\/maven\/([^/]+)\/([^/]+)\/pom\.properties$/;
const ARCHIVE_NAME = /\.(jar|war|ear|jpi|hpi)$/i;
/** `commons-lang3-3.12.0.jar`: the version starts at the first `-` followed by a digit. */
const VERSIONED_NAME = /^(.+?)-(\d[^/]*)\.(?:jar|war|ear|jpi|hpi)$/i;

/** Whether a file or entry name is a Java archive this analyser opens. */
export function isJavaArchiveName(name: string): boolean {
  return ARCHIVE_NAME.test(name);
}

export interface ArchiveScan {
  /** Absolute image path of the scanned file: nested locations start with it. */
  path: string;
  packages: FoundPackage[];
  notes: string[];
  budget: ReadBudget;
  /** Entries read so far; past MAX_ENTRY_READS the scan stops. */
  reads: number;
  /** Notes left out past MAX_NOTES. */
  suppressed: number;
}

/**
 * Adds the packages of one archive to `scan`. `location` is undefined for the scanned file itself
 * and `/outer.war!/WEB-INF/lib/inner.jar` for nested ones (notes about those start with it).
 */
export function scanArchive(data: Buffer, fileName: string, location: string | undefined, depth: number, scan: ArchiveScan): void {
  const note = (text: string): void => {
    if (scan.notes.length < MAX_NOTES) scan.notes.push(location ? `${location}: ${text}` : text);
    else scan.suppressed++;
  };
  const wanted = (name: string): boolean =>
    POM_PROPERTIES.test(name) || name.toUpperCase() === 'META-INF/MANIFEST.MF' || (!name.endsWith('/') && ARCHIVE_NAME.test(name));
  const directory = readZipDirectory(data, wanted);
  if (typeof directory === 'string') {
    note(directory);
    return;
  }
  for (const problem of directory.notes) note(problem);

  const read = (entry: ZipEntry, maxBytes: number): Buffer | undefined => {
    if (scan.reads++ === MAX_ENTRY_READS) note(`more than ${MAX_ENTRY_READS} entries to read: the rest are skipped`);
    if (scan.reads > MAX_ENTRY_READS) return undefined;
    const bytes = readZipEntry(data, entry, scan.budget, maxBytes);
    if (typeof bytes !== 'string') return bytes;
    note(`${entry.name}: ${bytes}`);
    return undefined;
  };

  const pomVersions: string[] = [];
  for (const entry of directory.entries) {
    const match = POM_PROPERTIES.exec(entry.name);
    if (!match) continue;
    if (scan.reads > MAX_ENTRY_READS) break;
    const bytes = read(entry, MAX_METADATA_BYTES);
    if (!bytes) continue;
    const props = parseProperties(bytes.toString('utf8'));
    // Java keeps trailing blanks in values; Maven never means them.
    const groupId = props.get('groupId')?.trim() || match[1] || '';
    const artifactId = props.get('artifactId')?.trim() || match[2] || '';
    const version = props.get('version')?.trim() ?? '';
    if (version === '') {
      note(`${entry.name} has no version: skipped`);
      continue;
    }
    pomVersions.push(version);
    scan.packages.push({
      type: 'maven',
      namespace: groupId,
      name: artifactId,
      version,
      location,
      properties: { evidence: 'pom.properties', evidencePath: entry.name },
    });
  }

  const fromManifest = manifestPackage(directory.entries, read, location);
  if (pomVersions.length === 0) {
    const fallback = fromManifest ?? fileNamePackage(fileName, location);
    if (fallback) scan.packages.push(fallback);
    else note('no pom.properties, manifest version or versioned file name: not identified');
  } else if (fromManifest && !pomVersions.some((v) => sameVersion(v, fromManifest.version))) {
    // Only shaded-in artifacts have a pom.properties (Debian's guice.jar holds cglib's alone):
    // the manifest still names the archive itself.
    scan.packages.push(fromManifest);
  }

  const nested = directory.entries.filter((e) => !e.name.endsWith('/') && ARCHIVE_NAME.test(e.name));
  if (nested.length === 0) return;
  if (depth >= MAX_NESTING) {
    note(`${nested.length} archives nested more than ${MAX_NESTING} deep: not opened`);
    return;
  }
  const outer = location ?? scan.path;
  for (const entry of nested) {
    if (scan.reads > MAX_ENTRY_READS) return;
    const bytes = read(entry, MAX_NESTED_BYTES);
    if (!bytes) continue;
    const inner = `${outer}!/${entry.name}`;
    scanArchive(bytes, baseName(entry.name), inner, depth + 1, scan);
  }
}

function manifestPackage(
  entries: ZipEntry[],
  read: (entry: ZipEntry, maxBytes: number) => Buffer | undefined,
  location: string | undefined,
): FoundPackage | undefined {
  const entry = entries.find((e) => e.name.toUpperCase() === 'META-INF/MANIFEST.MF');
  const bytes = entry ? read(entry, MAX_METADATA_BYTES) : undefined;
  if (!bytes) return undefined;
  const manifest = parseManifest(bytes.toString('utf8'));
  // OSGi directives follow a `;` (`org.example.core;singleton:=true`).
  const symbolicName = manifest.get('bundle-symbolicname')?.split(';')[0]?.trim();
  const name = manifest.get('implementation-title') || symbolicName;
  const version = manifest.get('implementation-version') || manifest.get('bundle-version');
  if (!name || !version) return undefined;
  const vendorId = manifest.get('implementation-vendor-id');
  return { type: 'maven', namespace: vendorId || undefined, name, version, location, properties: { evidence: 'manifest' } };
}

function fileNamePackage(fileName: string, location: string | undefined): FoundPackage | undefined {
  const match = VERSIONED_NAME.exec(fileName);
  if (!match?.[1] || !match[2]) return undefined;
  return { type: 'maven', name: match[1], version: match[2], location, properties: { evidence: 'filename' } };
}

/** Maven and OSGi spellings of one version agree on their numbers: `1.0-SNAPSHOT` ~ `1.0.0.SNAPSHOT`. */
function sameVersion(a: string, b: string): boolean {
  const numbers = (v: string): string => (/^\d+(?:\.\d+)*/.exec(v)?.[0] ?? v).replace(/(?:\.0)+$/, '');
  return a === b || numbers(a) === numbers(b);
}
