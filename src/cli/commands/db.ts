import { Command } from 'commander';
import { ExitCode, type CliIo } from '../io.js';
import { defaultCacheDir } from '../options.js';

interface DbValues {
  db?: string;
  cacheDir?: string;
  quiet?: boolean;
  format?: 'table' | 'json';
}

/** `shipshape db import|status`: the offline advisory database (OSV records in SQLite). */
export function dbCommand(io: CliIo, done: (code: number) => void): Command {
  const db = new Command('db').description('the offline advisory database (OSV)');
  const location = (command: Command): Command =>
    command
      .option('--db <file>', 'advisory database file (default: <cache dir>/advisories/osv.sqlite)')
      .option('--cache-dir <dir>', 'cache directory (default: $SHIPSHAPE_CACHE_DIR, $XDG_CACHE_HOME/shipshape or ~/.cache/shipshape)');
  const pathOf = async (values: DbValues): Promise<string> => {
    const { AdvisoryStore } = await import('../../vuln/advisories/store.js');
    return values.db ?? AdvisoryStore.defaultPath(values.cacheDir ?? defaultCacheDir(io));
  };

  db.addCommand(
    location(new Command('import'))
      .description('import OSV JSON records: files, directories (recursive) and all.zip dumps; all or nothing')
      .argument('<source...>', 'OSV .json files, directories of them, or .zip archives of them')
      .option('-q, --quiet', 'no progress', false)
      .action(async (sources: string[], values: DbValues) => {
        const [{ AdvisoryStore }, { importOsv }] = await Promise.all([import('../../vuln/advisories/store.js'), import('../../vuln/advisories/import.js')]);
        const store = AdvisoryStore.open(await pathOf(values), { create: true });
        try {
          const progress = !values.quiet && io.stderr.isTTY ? (n: number) => io.stderr.write(`\r\x1b[2KImported ${n} records`) : undefined;
          const result = await importOsv(store, sources, { now: new Date(), onProgress: progress });
          if (progress) io.stderr.write('\r\x1b[2K');
          for (const d of result.diagnostics.items.slice(0, 20)) io.stderr.write(`shipshape: ${d.level}: ${d.message}\n`);
          if (result.diagnostics.items.length > 20) io.stderr.write(`shipshape: ... ${result.diagnostics.items.length - 20} more skipped files\n`);
          io.stdout.write(`Imported ${result.records} advisories (${result.withdrawn} withdrawn, ignored when matching; ${result.skipped} files skipped) into ${store.path}\n`);
        } finally {
          store.close();
        }
        done(ExitCode.ok);
      }),
  );

  db.addCommand(
    location(new Command('status'))
      .description('show what the advisory database holds: sources, counts per ecosystem, age')
      .option('-f, --format <format>', 'table or json', 'table')
      .action(async (values: DbValues) => {
        const { AdvisoryStore } = await import('../../vuln/advisories/store.js');
        const store = AdvisoryStore.open(await pathOf(values), { create: false, readonly: true });
        try {
          const status = store.status();
          if (values.format === 'json') {
            io.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
          } else {
            const age = status.updatedAt ? `${((Date.now() - Date.parse(status.updatedAt)) / 3_600_000).toFixed(1)} hours ago` : 'never';
            io.stdout.write(`Database  ${status.path}\nUpdated   ${status.updatedAt ?? '-'} (${age})\nRecords   ${status.advisories} (+${status.withdrawn} withdrawn)\n\n`);
            io.stdout.write(`${status.ecosystems.map((e) => `  ${e.ecosystem.padEnd(24)} ${e.advisories}`).join('\n')}\n\nSources:\n`);
            io.stdout.write(`${status.sources.map((s) => `  ${s.location}  (${s.records} records, ${s.importedAt})`).join('\n')}\n`);
          }
        } finally {
          store.close();
        }
        done(ExitCode.ok);
      }),
  );
  return db;
}
