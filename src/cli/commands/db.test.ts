import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test-support/cli.js';
import type { CliIo } from '../io.js';
import { run } from '../program.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'shipshape-db-lock-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let counter = 0;
/** An OSV record file, and a database imported from another. */
async function importedDatabase(): Promise<{ db: string; record: string }> {
  const n = counter++;
  const write = async (id: string): Promise<string> => {
    const file = path.join(dir, `${id}.json`);
    await writeFile(
      file,
      JSON.stringify({ id, modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: `pkg-${id}` }, versions: ['1.0.0'] }] }),
    );
    return file;
  };
  const db = path.join(dir, `osv-${n}.sqlite`);
  const first = await runCli(['db', 'import', await write(`FIRST-${n}`), '--db', db]);
  expect([first.code, first.stderr]).toEqual([0, '']);
  return { db, record: await write(`SECOND-${n}`) };
}

/** Another import, as a second process holds it: the database's write lock, taken and not yet released. */
function holdWriteLock(db: string): { release(): void } {
  const other = new Database(db);
  other.exec('BEGIN IMMEDIATE');
  other.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('other', 'import')").run();
  return {
    release() {
      other.exec('COMMIT');
      other.close();
    },
  };
}

describe('db import while another import holds the database', () => {
  it('fails with "another import is running" once --lock-timeout has passed: an error, not an internal one', async () => {
    const { db, record } = await importedDatabase();
    const lock = holdWriteLock(db);
    try {
      const { code, stdout, stderr } = await runCli(['db', 'import', record, '--db', db, '--lock-timeout', '0s']);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toBe(
        `shipshape: error: another import is running on ${db} (it holds the database's write lock); nothing was imported\n` +
          '  hint: run the import again when it has finished, or wait longer for it with --lock-timeout (e.g. --lock-timeout 10m)\n',
      );
    } finally {
      lock.release();
    }
    const status = await runCli(['db', 'status', '--db', db, '-f', 'json']);
    expect((JSON.parse(status.stdout) as { advisories: number }).advisories).toBe(1);
  });

  it('waits for it with a message, reads the database meanwhile, and imports once it has finished', async () => {
    const { db, record } = await importedDatabase();
    const lock = holdWriteLock(db);
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env: {},
      readStdin: async () => '',
      homedir: '/nonexistent',
      cwd: process.cwd(),
    };
    const importing = run(['db', 'import', record, '--db', db, '--lock-timeout', '5m'], io);
    try {
      while (!stderr.includes('waiting')) await sleep(20); // bounded by the test's timeout
      expect(stderr).toBe(`shipshape: another import is running on ${db}; waiting up to 5m for it to finish\n`);
      // readers are not blocked by an import (WAL)
      const status = await runCli(['db', 'status', '--db', db, '-f', 'json']);
      expect(status.code).toBe(0);
    } finally {
      lock.release();
    }
    expect(await importing).toBe(0);
    expect(stdout).toMatch(/^Imported 1 advisory /);
    const status = await runCli(['db', 'status', '--db', db, '-f', 'json']);
    expect((JSON.parse(status.stdout) as { advisories: number }).advisories).toBe(2);
  });
});
