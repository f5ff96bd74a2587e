import type { CapturedFile, FileAnalyzer } from '../../analyzer.js';
import type { AnalyzerOutput, FoundPackage } from '../../model.js';
import { baseName, parentOf, type FileEntry } from '../../../image/layer/entry.js';
import { firstValue, licensesOf, parseHeaders } from './metadata.js';

/**
 * Whether a path is the metadata of an installed distribution under a `site-packages` or
 * `dist-packages` folder: `<name>.dist-info/METADATA` (wheels), `<name>.egg-info/PKG-INFO`
 * (setuptools), `<name>.egg-info` as one file (Debian's python3-* packages), and
 * `<name>.egg/EGG-INFO/PKG-INFO` (eggs installed unzipped).
 */
export function isDistributionMetadata(path: string): boolean {
  if (!path.includes('/site-packages/') && !path.includes('/dist-packages/')) return false;
  const name = baseName(path);
  if (name.endsWith('.egg-info')) return name.length > '.egg-info'.length;
  if (name !== 'METADATA' && name !== 'PKG-INFO') return false;
  const folder = baseName(parentOf(path));
  if (name === 'METADATA') return folder.endsWith('.dist-info') && folder.length > '.dist-info'.length;
  return (folder.endsWith('.egg-info') && folder.length > '.egg-info'.length) || (folder === 'EGG-INFO' && parentOf(path).endsWith('.egg/EGG-INFO'));
}

/** Reads the distribution one core-metadata file describes. */
function analyzeMetadata(file: CapturedFile): AnalyzerOutput {
  // core metadata is UTF-8 (older PKG-INFO may be Latin-1: only non-ASCII text would suffer)
  const headers = parseHeaders(file.content.toString('utf8'));
  const notes: string[] = [];
  if (headers.malformed > 0) notes.push(`${headers.malformed} header line(s) are not "Field: value": ignored`);
  const name = firstValue(headers, 'name');
  const version = firstValue(headers, 'version');
  if (name === undefined) notes.push('no Name header: skipped');
  else if (version === undefined) notes.push(`no Version header for ${name}: skipped`);
  if (name === undefined || version === undefined) return { notes };
  // the name stays as written (PyYAML): normalising (pyyaml) is the matcher's business
  const found: FoundPackage = { type: 'pypi', name, version };
  const licenses = licensesOf(headers);
  if (licenses) found.licenses = licenses;
  return notes.length > 0 ? { packages: [found], notes } : { packages: [found] };
}

/** Installed Python distributions, from their `.dist-info` / `.egg-info` core metadata. */
export const pythonAnalyzer: FileAnalyzer = {
  id: 'python',
  version: 1,
  // the file carries the long description (README) after the headers
  maxBytes: 4 * 1024 * 1024,
  required: (path: string, entry: FileEntry) => entry.type === 'file' && isDistributionMetadata(path),
  analyze: analyzeMetadata,
};
