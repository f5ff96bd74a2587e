import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, stopChild, track } from './docker-registry.js';

/**
 * Debian's PostgreSQL on loopback, started by the tests themselves: `initdb` into a temp dir, then
 * `postgres` on a free port of 127.0.0.1 with its socket in that dir, then a wait until a client
 * connects. PostgreSQL refuses to run as root: as root, both run as the `postgres` user.
 */

const postgresRoot = '/usr/lib/postgresql';
const debianPackage = 'postgresql';
/** Longest wait for the server to accept a connection. */
const startTimeoutMs = 30_000;
/** PostgreSQL's fast shutdown: ends the sessions, checkpoints, exits. */
const fastShutdown = 'SIGINT';

export interface RunningPostgres {
  /** `postgres://postgres@127.0.0.1:PORT/shipshape`: a database made for the caller. */
  url: string;
  /** A new empty database on the same server; its URL. */
  createDatabase(name: string): Promise<string>;
  /** Fast shutdown, then the data dir is removed. */
  stop(): Promise<void>;
  /** Stops the server and starts it again on the same port and data (for fault tests). */
  restart(): Promise<void>;
}

/** The bin dir of the highest PostgreSQL version installed (`/usr/lib/postgresql/<version>/bin`). */
function binDir(): string | undefined {
  if (!existsSync(postgresRoot)) return undefined;
  const versions = readdirSync(postgresRoot)
    .filter(
      (name) =>
        /^\d+$/.test(name) && existsSync(path.join(postgresRoot, name, 'bin', 'postgres')) && existsSync(path.join(postgresRoot, name, 'bin', 'initdb')),
    )
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : path.join(postgresRoot, versions[0], 'bin');
}

/** As root: the uid and gid of the `postgres` user the server runs as; otherwise undefined (run as ourselves). */
function serverUser(): { uid: number; gid: number } | undefined | 'missing' {
  if (process.getuid?.() !== 0) return undefined;
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return 'missing';
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Why tests against a real PostgreSQL cannot run here (undefined: they can). */
export function postgresMissing(): string | undefined {
  if (binDir() === undefined) return `PostgreSQL is not installed (no ${postgresRoot}/<version>/bin/postgres; apt-get install ${debianPackage})`;
  if (serverUser() === 'missing') return `PostgreSQL will not run as root and there is no postgres user (apt-get install ${debianPackage})`;
  return undefined;
}

function logTail(logFile: string): string {
  return existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-3000) : '(no server log)';
}

/** Connects once as `postgres` to `database`; the error when nothing answers yet. */
async function tryConnect(port: number, database: string): Promise<Error | undefined> {
  const { Client } = await import('pg');
  const client = new Client({ host: '127.0.0.1', port, user: 'postgres', database, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
  } catch (error) {
    // Refused, or "the database system is starting up": not yet.
    return error instanceof Error ? error : new Error(String(error));
  }
  try {
    await client.query('select 1');
    return undefined;
  } finally {
    await client.end();
  }
}

/** Runs `sql` on the server's `postgres` database. */
async function adminQuery(port: number, sql: string): Promise<void> {
  const { Client } = await import('pg');
  const client = new Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

interface Server {
  bin: string;
  dir: string;
  data: string;
  logFile: string;
  port: number;
  user: { uid: number; gid: number } | undefined;
}

/** Starts `postgres` on the data dir; resolves when a client connects, or throws with the log's tail. */
async function serve(server: Server): Promise<ChildProcess> {
  const log = openSync(server.logFile, 'a');
  const args = ['-D', server.data, '-k', server.dir, '-p', String(server.port), '-h', '127.0.0.1'];
  const settings = ['fsync=off', 'listen_addresses=127.0.0.1', 'full_page_writes=off', 'synchronous_commit=off'];
  const child = spawn(path.join(server.bin, 'postgres'), [...args, ...settings.flatMap((s) => ['-c', s])], {
    cwd: server.dir,
    stdio: ['ignore', log, log],
    ...(server.user ?? {}),
  });
  closeSync(log);
  track(child);
  let spawnError: Error | undefined;
  child.on('error', (error) => (spawnError = error));
  const deadline = Date.now() + startTimeoutMs;
  let last: Error | undefined;
  while (Date.now() < deadline) {
    if (spawnError !== undefined || child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`postgres exited while starting (${spawnError?.message ?? `exit ${child.exitCode ?? child.signalCode}`}):\n${logTail(server.logFile)}`);
    }
    last = await tryConnect(server.port, 'postgres');
    if (last === undefined) return child;
    await sleep(100);
  }
  await stopChild(child, fastShutdown);
  throw new Error(`postgres did not accept a connection within ${startTimeoutMs / 1000} s (${last?.message ?? 'no attempt'}):\n${logTail(server.logFile)}`);
}

/**
 * Starts Debian's PostgreSQL (the highest version in /usr/lib/postgresql) on a free port of
 * 127.0.0.1 with a new cluster in a temp dir, and makes a database `shipshape`. Needs what
 * `postgresMissing` checks.
 */
export async function startPostgres(): Promise<RunningPostgres> {
  const bin = binDir();
  const user = serverUser();
  if (bin === undefined || user === 'missing') throw new Error(postgresMissing());
  const dir = mkdtempSync(path.join(tmpdir(), 'shipshape-postgres-'));
  try {
    if (user !== undefined) chownSync(dir, user.uid, user.gid);
    chmodSync(dir, 0o700);
    const server: Server = { bin, dir, data: path.join(dir, 'data'), logFile: path.join(dir, 'server.log'), port: 0, user };
    const init = spawnSync(path.join(bin, 'initdb'), ['-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C', '-D', server.data], {
      cwd: dir,
      encoding: 'utf8',
      ...(user ?? {}),
    });
    if (init.status !== 0) throw new Error(`initdb failed (${init.error?.message ?? `exit ${init.status}`}):\n${init.stdout}${init.stderr}`);
    let child: ChildProcess | undefined;
    for (let attempt = 1; child === undefined; attempt++) {
      server.port = await freePort();
      try {
        child = await serve(server);
      } catch (error) {
        // Another process may have taken the port between freePort() and the server's bind.
        if (attempt >= 3 || !/could not (bind|create)/i.test(logTail(server.logFile))) throw error;
      }
    }
    await adminQuery(server.port, 'CREATE DATABASE shipshape');
    const urlOf = (database: string): string => `postgres://postgres@127.0.0.1:${server.port}/${database}`;
    let current: ChildProcess = child;
    return {
      url: urlOf('shipshape'),
      async createDatabase(name) {
        if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
        await adminQuery(server.port, `CREATE DATABASE ${name}`);
        return urlOf(name);
      },
      async stop() {
        await stopChild(current, fastShutdown);
        rmSync(dir, { recursive: true, force: true });
      },
      async restart() {
        await stopChild(current, fastShutdown);
        current = await serve(server);
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
