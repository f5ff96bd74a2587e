import type { FileAnalyzer } from '../../analyzer.js';
import type { AnalyzerOutput, FoundPackage, OwnedFiles } from '../../model.js';
import { BoundedNotes } from '../../notes.js';

const database = '/lib/apk/db/installed';

/**
 * apk's database `lib/apk/db/installed` (Alpine, Wolfi, Chainguard): one record per package,
 * `X:value` lines, records separated by blank lines. `P` name, `V` version, `o` origin, `A` arch,
 * `L` license; `F` starts a folder whose files follow as `R` lines.
 */
export const apkAnalyzer: FileAnalyzer = {
  id: 'apk',
  version: 2,
  maxBytes: 256 * 1024 * 1024,
  required: (path) => path === database,
  analyze: ({ content }) => parseInstalled(content.toString('utf8')),
};

function parseInstalled(text: string): AnalyzerOutput {
  const packages: FoundPackage[] = [];
  const ownedFiles: OwnedFiles[] = [];
  const notes = new BoundedNotes();
  let record = new Map<string, string>();
  let files: string[] = [];
  let folder = '';
  let start = 1;

  const finish = (): void => {
    if (record.size === 0) return;
    const name = record.get('P');
    const version = record.get('V');
    if (!name || !version) {
      notes.add(`record at line ${start} has no ${name ? 'V (version)' : 'P (name)'} line; skipped`);
    } else {
      const origin = record.get('o');
      const arch = record.get('A');
      const license = record.get('L');
      packages.push({
        type: 'apk',
        name,
        version,
        ...(arch ? { arch } : {}),
        source: { name: origin ?? name, version },
        ...(license ? { licenses: [license] } : {}),
      });
      if (files.length > 0) ownedFiles.push({ owner: name, files });
    }
    record = new Map();
    files = [];
    folder = '';
  };

  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') {
      finish();
      start = index + 2;
      return;
    }
    if (line[1] !== ':') {
      notes.add(`line ${index + 1}: not an "X:value" line; ignored`);
      return;
    }
    const key = line[0] as string;
    const value = line.slice(2);
    if (key === 'F') folder = value;
    else if (key === 'R') files.push(`/${folder ? `${folder}/` : ''}${value}`);
    else if (!record.has(key)) record.set(key, value);
  });
  finish();
  return { packages, ownedFiles, notes: notes.list() };
}
