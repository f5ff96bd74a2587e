import { plural } from '../../core/text.js';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { ShipshapeError, UsageError } from '../../core/errors.js';
import type { LockWait } from '../../vuln/advisories/store.js';
import { printable, renderTable } from '../../report/table.js';
import { ExitCode, type CliIo } from '../io.js';
import { durationMs, parseDuration } from '../flags.js';
import { defaultCacheDir } from '../options.js';
import { ProgressLine } from '../progress.js';
import { outputWidth } from '../width.js';

interface DbValues {
  db?: string;
  cacheDir?: string;
  quiet?: boolean;
  format?: 'table' | 'json';
  lockTimeout?: string;
}

/** How long `db import`/`update` wait for another import to finish before giving up. */
const defaultLockTimeout = '60s';

/** `shipshape db import|status`: the offline advisory database (OSV records in SQLite). */
export function dbCommand(io: CliIo, done: (code: number) => void): Command {
  const db = new Command('db').description('the offline advisory database (OSV)');
  const location = (command: Command): Command =>
    command
      .option('--db <file>', 'advisory database file (default: <cache dir>/advisories/osv.sqlite)')
      .option('--cache-dir <dir>', 'cache directory (default: $SHIPSHAPE_CACHE_DIR, $XDG_CACHE_HOME/shipshape or ~/.cache/shipshape)');
  const writing = (command: Command): Command =>
    location(command).option('--lock-timeout <duration>', 'how long to wait for another import to finish (e.g. 30s, 10m)', parseDuration, defaultLockTimeout);
  // another import holding the database is waited for, and said so: never a silent hang
  const lockWait = (values: DbValues): LockWait => {
    const shown = values.lockTimeout ?? defaultLockTimeout;
    return { waitMs: durationMs(shown), shown, onWait: (message) => io.stderr.write(`shipshape: ${message}\n`) };
  };
  const pathOf = async (values: DbValues): Promise<string> => {
    const { AdvisoryStore } = await import('../../vuln/advisories/store.js');
    return values.db ?? AdvisoryStore.defaultPath(values.cacheDir ?? defaultCacheDir(io));
  };

  db.addCommand(
    writing(new Command('import'))
      .description('import OSV JSON records: files, directories (recursive) and all.zip dumps; all or nothing')
      .argument('<source...>', 'OSV .json files, directories of them, or .zip archives of them')
      .option('-q, --quiet', 'no progress', false)
      .action(async (sources: string[], values: DbValues) => {
        const [{ AdvisoryStore }, { importOsv }] = await Promise.all([import('../../vuln/advisories/store.js'), import('../../vuln/advisories/import.js')]);
        const file = await pathOf(values);
        const existed = existsSync(file);
        const store = AdvisoryStore.open(file, { create: true, lock: lockWait(values) });
        try {
          const progress = ProgressLine.for(io, values.quiet === true);
          const result = await importOsv(store, sources, {
            now: new Date(),
            onProgress: progress && ((n: number) => progress.message(`Imported ${n} records`)),
          }).finally(() => progress?.finish());
          for (const d of result.diagnostics.items.slice(0, 20)) io.stderr.write(`shipshape: ${printable(`${d.level}: ${d.message}`)}\n`);
          if (result.diagnostics.items.length > 20) io.stderr.write(`shipshape: ... ${result.diagnostics.items.length - 20} more skipped files\n`);
          io.stdout.write(
            `Imported ${plural(result.records, 'advisory', 'advisories')} (${result.withdrawn} withdrawn, ignored when matching; ${result.skipped} files skipped) into ${store.path}\n`,
          );
        } catch (error) {
          store.close();
          // the import was rolled back; a database this import created would be empty: scans must not find one
          // (unless another import holds it: then it is that import's now)
          const locked = error instanceof ShipshapeError && error.code === 'E_LOCKED';
          if (!existed && !locked) for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
          throw error;
        } finally {
          store.close();
        }
        done(ExitCode.ok);
      }),
  );

  db.addCommand(
    writing(new Command('update'))
      .description("download osv.dev's all.zip for each ecosystem and import them (all or nothing)")
      .option('-e, --ecosystem <name...>', 'OSV ecosystems: Debian, Ubuntu, Alpine, npm, PyPI, Go, Maven, ... (default: those seen in recent scans)')
      .option('--mirror <url>', 'base URL of a mirror of the OSV bucket (serving <ecosystem>/all.zip)')
      .option('-q, --quiet', 'no progress', false)
      .action(async (values: DbValues & { ecosystem?: string[]; mirror?: string }) => {
        const [{ AdvisoryStore }, { updateFromOsv }, { readSeenEcosystems }] = await Promise.all([
          import('../../vuln/advisories/store.js'),
          import('../../vuln/advisories/update.js'),
          import('../../vuln/advisories/seen.js'),
        ]);
        const file = await pathOf(values);
        const ecosystems = values.ecosystem ?? (await readSeenEcosystems(path.dirname(file)));
        if (ecosystems.length === 0) {
          throw new UsageError('no ecosystems to update: name them with --ecosystem (e.g. --ecosystem Debian npm), or scan an image first');
        }
        const store = AdvisoryStore.open(file, { create: true, lock: lockWait(values) });
        try {
          const progress = ProgressLine.for(io, values.quiet === true);
          const result = await updateFromOsv(store, {
            ecosystems,
            mirror: values.mirror,
            workDir: path.join(path.dirname(file), 'download'),
            now: new Date(),
            onProgress: progress?.message,
          }).finally(() => progress?.finish());
          io.stdout.write(
            `Updated ${ecosystems.join(', ')}: ${result.records} advisories (${result.withdrawn} withdrawn, ${result.skipped} skipped) into ${store.path}\n`,
          );
        } finally {
          store.close();
        }
        done(ExitCode.ok);
      }),
  );

  db.addCommand(
    location(new Command('status'))
      .description('show what the advisory database holds: sources, counts per ecosystem, age')
      .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
      .action(async (values: DbValues) => {
        const { AdvisoryStore } = await import('../../vuln/advisories/store.js');
        const store = AdvisoryStore.open(await pathOf(values), { create: false, readonly: true });
        try {
          const status = store.status();
          if (values.format === 'json') {
            io.stdout.write((await import('../../report/db-status-json.js')).dbStatusJson(status));
          } else {
            const age = status.updatedAt ? `${((Date.now() - Date.parse(status.updatedAt)) / 3_600_000).toFixed(1)} hours ago` : 'never';
            io.stdout.write(
              `Database  ${status.path}\nUpdated   ${status.updatedAt ?? '-'} (${age})\nRecords   ${status.advisories} (+${status.withdrawn} withdrawn)\n\n`,
            );
            // an ecosystem not listed has no advisories here: scans report its packages as not checked
            io.stdout.write(
              `Covered ecosystems and releases:\n${renderTable(
                ['ECOSYSTEM', 'ADVISORIES', 'NEWEST MODIFIED'],
                status.ecosystems.map((e) => [e.ecosystem, String(e.advisories), e.newestModified]),
                { width: outputWidth(io, undefined), kinds: ['id', 'id', 'id'] },
              )}\nSources:\n`,
            );
            io.stdout.write(`${status.sources.map((s) => `  ${printable(s.location, 'id')}  (${s.records} records, ${s.importedAt})`).join('\n')}\n`);
          }
        } finally {
          store.close();
        }
        done(ExitCode.ok);
      }),
  );
  return db;
}
