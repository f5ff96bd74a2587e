import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import yauzl from 'yauzl';
import { Diagnostics } from '../../core/diagnostics.js';
import { CorruptInputError, LimitExceededError, NotFoundError, messageOf } from '../../core/errors.js';
import { osvRecordSchema, type OsvRecord } from './osv.js';
import type { AdvisoryStore } from './store.js';

/** Largest single OSV record accepted (the biggest real ones are a few hundred KiB). */
const maxRecordBytes = 16 * 1024 * 1024;

export interface ImportResult {
  records: number;
  withdrawn: number;
  /** Files that were not OSV records (bad JSON, missing fields): skipped with a diagnostic each. */
  skipped: number;
  diagnostics: Diagnostics;
}

export interface ImportOptions {
  /** The time written into the database as the import time. */
  now: Date;
  onProgress?: ((records: number, location: string) => void) | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Imports OSV records from JSON files, directories of them (recursively), and zip archives of them
 * (osv.dev's per-ecosystem `all.zip`), all in one transaction.
 */
export async function importOsv(store: AdvisoryStore, locations: readonly string[], options: ImportOptions): Promise<ImportResult> {
  const result: ImportResult = { records: 0, withdrawn: 0, skipped: 0, diagnostics: new Diagnostics() };
  await store.transaction(async (writer) => {
    for (const location of locations) {
      const before = result.records;
      const accept = (name: string, data: string): void => {
        options.signal?.throwIfAborted();
        const record = parseRecord(name, data, result.diagnostics);
        if (!record) {
          result.skipped++;
          return;
        }
        writer.put(record);
        result.records++;
        if (record.withdrawn) result.withdrawn++;
        if (result.records % 1000 === 0) options.onProgress?.(result.records, location);
      };
      const skippedBefore = result.skipped;
      await readLocation(location, accept);
      // a source with no record is a mistake (a README, `{}`, an empty dump): were it imported, scans
      // would read the empty result as "no advisories, so nothing vulnerable"
      if (result.records === before) throw noRecords(location, result.skipped - skippedBefore, result.diagnostics);
      writer.source(path.resolve(location), options.now.toISOString(), result.records - before);
    }
  });
  options.onProgress?.(result.records, '');
  return result;
}

function noRecords(location: string, skipped: number, diagnostics: Diagnostics): CorruptInputError {
  const last = (diagnostics.items.at(-1)?.message ?? '').replace(/; skipped$/, '');
  const why = skipped === 0 ? 'no .json or .zip file was found' : skipped === 1 ? last : `none of its ${skipped} files is one (the last: ${last})`;
  return new CorruptInputError(`${location} holds no OSV record: ${why}; nothing was imported`, {
    hint: 'give OSV JSON records (https://ossf.github.io/osv-schema/), directories of them, or osv.dev all.zip dumps',
  });
}

function parseRecord(name: string, data: string, diagnostics: Diagnostics): OsvRecord | undefined {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch (error) {
    diagnostics.warn('db.import', `${name} is not JSON (${messageOf(error)}); skipped`, name);
    return undefined;
  }
  const parsed = osvRecordSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    diagnostics.warn('db.import', `${name} is not an OSV record (${issue?.path.join('.') || '(root)'}: ${issue?.message}); skipped`, name);
    return undefined;
  }
  return parsed.data;
}

async function readLocation(location: string, accept: (name: string, data: string) => void): Promise<void> {
  const info = await stat(location).catch(() => undefined);
  if (!info) throw new NotFoundError(`${location}: no such file or directory`);
  if (info.isDirectory()) {
    for (const entry of (await readdir(location, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const child = path.join(location, entry.name);
      if (entry.isDirectory()) await readLocation(child, accept);
      else if (entry.isFile() && entry.name.endsWith('.json') && !entry.name.startsWith('osv-schema')) await readJsonFile(child, accept);
      else if (entry.isFile() && entry.name.endsWith('.zip')) await readZip(child, accept);
    }
    return;
  }
  if (location.endsWith('.zip')) return readZip(location, accept);
  return readJsonFile(location, accept);
}

async function readJsonFile(file: string, accept: (name: string, data: string) => void): Promise<void> {
  const { size } = await stat(file);
  if (size > maxRecordBytes) throw new LimitExceededError(`${file} is ${size} bytes, over the ${maxRecordBytes}-byte limit for one OSV record`);
  accept(file, await readFile(file, 'utf8'));
}

/** Every `*.json` entry of a zip, read one at a time (osv.dev's all.zip holds one record per entry). */
async function readZip(file: string, accept: (name: string, data: string) => void): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: true, validateEntrySizes: true }, (error, opened) =>
      error ? reject(new CorruptInputError(`${file} is not a readable zip archive (${error.message})`, { cause: error })) : resolve(opened),
    );
  });
  await new Promise<void>((resolve, reject) => {
    const fail = (error: unknown): void => {
      zip.close();
      reject(
        error instanceof CorruptInputError || error instanceof LimitExceededError
          ? error
          : new CorruptInputError(`${file}: ${messageOf(error)}`, { cause: error }),
      );
    };
    zip.on('error', fail);
    zip.on('end', resolve);
    zip.on('entry', (entry: yauzl.Entry) => {
      if (!entry.fileName.endsWith('.json')) {
        zip.readEntry();
        return;
      }
      if (entry.uncompressedSize > maxRecordBytes) {
        fail(new LimitExceededError(`${file}: ${entry.fileName} is ${entry.uncompressedSize} bytes, over the limit for one OSV record`));
        return;
      }
      zip.openReadStream(entry, (error, stream) => {
        if (error) {
          fail(error);
          return;
        }
        text(stream)
          .then((data) => {
            accept(`${file}!${entry.fileName}`, data);
            zip.readEntry();
          })
          .catch(fail);
      });
    });
    zip.readEntry();
  });
}
