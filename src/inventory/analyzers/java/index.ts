import type { CapturedFile, FileAnalyzer } from '../../analyzer.js';
import type { AnalyzerOutput } from '../../model.js';
import { isJavaArchiveName, scanArchive } from './archive.js';
import type { ArchiveScan } from './archive.js';

/** Entry bytes read at most for one scanned file, over all its entries and nested archives. */
const READ_BUDGET = 512 * 1024 * 1024;

/**
 * Java archives (`.jar`, `.war`, `.ear`, Jenkins `.jpi`/`.hpi`): one `maven` package per
 * `META-INF/maven/<group>/<artifact>/pom.properties`; without any, one from the manifest
 * (`Implementation-*`, then `Bundle-*` headers), then from a `name-1.2.3.jar` file name;
 * `properties.evidence` says which. When every pom.properties has another version than the
 * manifest, they are shaded-in artifacts and the manifest's package is reported as well.
 * Nested archives are opened too (4 levels), their packages located as
 * `/app.war!/WEB-INF/lib/lib.jar`.
 */
export const javaAnalyzer: FileAnalyzer = {
  id: 'java',
  version: 1,
  maxBytes: 256 * 1024 * 1024,
  magic: Buffer.from('PK\x03\x04', 'latin1'),
  required: (path, entry) => entry.type === 'file' && isJavaArchiveName(path),
  analyze: (file: CapturedFile): AnalyzerOutput => {
    const scan: ArchiveScan = { path: file.path, packages: [], notes: [], budget: { remaining: READ_BUDGET }, reads: 0, suppressed: 0 };
    const fileName = file.path.slice(file.path.lastIndexOf('/') + 1);
    scanArchive(file.content, fileName, undefined, 0, scan);
    const output: AnalyzerOutput = {};
    if (scan.packages.length > 0) output.packages = scan.packages;
    if (scan.suppressed > 0) scan.notes.push(`${scan.suppressed} more notes left out`);
    if (scan.notes.length > 0) output.notes = scan.notes;
    return output;
  },
};
