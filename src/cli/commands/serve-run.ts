import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { NotFoundError, ShipshapeError, UsageError, messageOf } from '../../core/errors.js';
import { loadShipshapeConfig, type ShipshapeConfig } from '../../lifecycle/config.js';
import { openStore } from '../../store/open.js';
import type { Store } from '../../store/model.js';
import type { RunContext } from '../../jobs/run-estate.js';
import { AdvisoryStore } from '../../vuln/advisories/store.js';
import { AdvisoryDatabase } from '../../jobs/advisories.js';
import { renderTable } from '../../report/table.js';
import { configFileOf } from '../config-file.js';
import { ExitCode, type CliIo } from '../io.js';
import { defaultCacheDir } from '../options.js';
import { version } from '../version.js';
import type { RunValues, ServeValues, TokenValues, WorkerValues } from './serve.js';

// dist/cli/commands (or src/cli/commands under the tests) → the repository root
const root = fileURLToPath(new URL('../../../', import.meta.url));

/** `$SHIPSHAPE_DATA_DIR`, else `$XDG_DATA_HOME/shipshape`, else `~/.local/share/shipshape`. */
function dataDirOf(values: { dataDir?: string | undefined }, io: CliIo): string {
  return values.dataDir ?? io.env.SHIPSHAPE_DATA_DIR ?? path.join(io.env.XDG_DATA_HOME || path.join(io.homedir, '.local', 'share'), 'shipshape');
}

/** The store named by `--db` (a file or a postgres:// URL), else the embedded one in the data dir; migrated. */
async function storeOf(values: { db?: string | undefined; dataDir?: string | undefined }, io: CliIo): Promise<Store> {
  const location = values.db ?? path.join(dataDirOf(values, io), 'shipshape.db');
  const store = await openStore(location);
  await store.migrate();
  return store;
}

/** The work of `shipshape serve`: runs until SIGTERM or SIGINT, then stops cleanly. */
export async function runServe(values: ServeValues, io: CliIo): Promise<number> {
  if ((values.tlsCert === undefined) !== (values.tlsKey === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  const dataDir = dataDirOf(values, io);
  const log = (message: string): void => void io.stderr.write(`${new Date().toISOString()} ${message}\n`);
  const demo = values.demo ? await (await import('../../demo/serve-demo.js')).prepareServeDemo({ root, dataDir, log }) : undefined;
  try {
    const config = demo?.config ?? (await estateConfig(values, io));
    const advisoriesFile = demo?.advisories ?? values.advisories ?? AdvisoryStore.defaultPath(defaultCacheDir(io));
    const advisories = new AdvisoryDatabase(advisoriesFile);
    if (!advisories.current && config.server.advisories.length === 0)
      log(`no advisory database at ${advisoriesFile}: images are not checked for vulnerabilities (run shipshape db update, or set server.advisories)`);
    const https = values.tlsCert && values.tlsKey ? { cert: await readFile(values.tlsCert), key: await readFile(values.tlsKey) } : undefined;
    const store = await openStore(values.db ?? path.join(dataDir, 'shipshape.db'));
    const { startServer } = await import('../../serve/start.js');
    const server = await startServer({
      context: { ...runContextOf(io, store, advisories, log), config },
      listen: values.listen,
      https,
      runAtStart: values.demo,
      advisories,
      redis: values.redis,
    });
    io.stdout.write(
      `Shipshape server on ${server.url} (store: ${store.dialect}); dashboard at ${server.url}/ — sign in with a token from: shipshape token create\n`,
    );
    await stopSignal();
    log('stopping: the current run finishes first');
    await server.stop();
    advisories.close();
    return ExitCode.ok;
  } finally {
    await demo?.close();
  }
}

/** Where this process's runs happen (the config aside: the server's own, the workers' from the store). */
function runContextOf(io: CliIo, store: Store, advisories: AdvisoryDatabase, log: (message: string) => void): Omit<RunContext, 'config'> {
  return {
    store,
    env: io.env,
    homedir: io.homedir,
    cacheDir: defaultCacheDir(io),
    advisories: () => advisories.current,
    toolVersion: version,
    now: () => new Date(),
    log,
  };
}

/** Resolves on SIGTERM or SIGINT: how servers and workers are told to stop. */
function stopSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
}

/** The work of `shipshape worker`: takes runs off the queue until SIGTERM, then lets the current ones finish. */
export async function runWorker(values: WorkerValues, io: CliIo): Promise<number> {
  const log = (message: string): void => void io.stderr.write(`${new Date().toISOString()} ${message}\n`);
  const { startFleetWorker } = await import('../../jobs/fleet.js');
  const store = await storeOf(values, io);
  const advisories = new AdvisoryDatabase(values.advisories ?? AdvisoryStore.defaultPath(defaultCacheDir(io)));
  try {
    const worker = startFleetWorker(values.redis, runContextOf(io, store, advisories, log), {
      concurrency: values.concurrency,
      lockDurationMs: lockDurationOf(io),
      advisories,
    });
    await worker.waitUntilReady();
    io.stdout.write(`Shipshape worker on ${values.redis} (store: ${store.dialect}, concurrency ${values.concurrency})\n`);
    await stopSignal();
    log('stopping: the current runs finish first');
    await worker.close();
    return ExitCode.ok;
  } finally {
    advisories.close();
    await store.close();
  }
}

/** How long a worker's hold on a run lasts without renewal (`SHIPSHAPE_LOCK_MS`; BullMQ's 30 s by default): a killed worker's run goes to another after it. */
function lockDurationOf(io: CliIo): number | undefined {
  const text = io.env.SHIPSHAPE_LOCK_MS;
  if (text === undefined) return undefined;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 1000) throw new UsageError(`SHIPSHAPE_LOCK_MS=${text}: a whole number of milliseconds, 1000 or more`);
  return ms;
}

async function estateConfig(values: ServeValues, io: CliIo): Promise<ShipshapeConfig> {
  const file = configFileOf(values.config, io);
  if (file === undefined) throw new NotFoundError('no shipshape.yaml here', { hint: 'give --config FILE, run it where shipshape.yaml is, or try --demo' });
  return loadShipshapeConfig(file);
}

/** `token create`: the token alone on stdout, for `TOKEN=$(shipshape token create)`. */
export async function runTokenCreate(values: TokenValues, io: CliIo): Promise<number> {
  const { newToken } = await import('../../serve/tokens.js');
  const store = await storeOf(values, io);
  try {
    const token = newToken();
    await store.createToken({ id: token.id, hash: token.hash, scope: values.scope, label: values.label, createdAt: new Date().toISOString() });
    io.stdout.write(`${token.token}\n`);
    return ExitCode.ok;
  } finally {
    await store.close();
  }
}

export async function runTokenList(values: TokenValues, io: CliIo): Promise<number> {
  const store = await storeOf(values, io);
  try {
    const rows = (await store.listTokens()).map((t) => [t.id, t.scope, t.label ?? '', t.createdAt, t.lastUsedAt ?? 'never', t.revokedAt ?? '']);
    io.stdout.write(
      rows.length === 0
        ? 'no tokens (shipshape token create)\n'
        : `${renderTable(['ID', 'SCOPE', 'LABEL', 'CREATED', 'LAST USED', 'REVOKED'], rows, { width: 200 })}\n`,
    );
    return ExitCode.ok;
  } finally {
    await store.close();
  }
}

export async function runTokenRevoke(id: string, values: TokenValues, io: CliIo): Promise<number> {
  const store = await storeOf(values, io);
  try {
    if (!(await store.revokeToken(id, new Date().toISOString()))) throw new NotFoundError(`no token ${id}`, { hint: 'shipshape token list' });
    io.stdout.write(`revoked ${id}\n`);
    return ExitCode.ok;
  } finally {
    await store.close();
  }
}

/** `run --server URL [--wait]`: POST /api/runs, then poll the run until it ends. */
export async function runRemote(values: RunValues, io: CliIo): Promise<number> {
  const token = values.token;
  if (token === undefined)
    throw new UsageError('a write token is needed', { hint: 'give --token or set SHIPSHAPE_TOKEN (shipshape token create --scope write)' });
  const base = serverUrl(values.server);
  const call = async (method: 'GET' | 'POST', route: string): Promise<Record<string, unknown>> => {
    const response = await request(new URL(route, base), {
      method,
      headers: { authorization: `Bearer ${token}` },
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    }).catch((error: unknown) => {
      throw new ShipshapeError('E_NETWORK', `cannot reach the server ${base.origin}: ${messageOf(error)}`, { cause: error });
    });
    const text = await response.body.text();
    if (response.statusCode >= 400) throw new ShipshapeError('E_SERVER', `${method} ${route}: ${response.statusCode} ${text.slice(0, 300)}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  const { id } = (await call('POST', '/api/runs')) as { id: string };
  io.stdout.write(`run ${id} queued\n`);
  if (!values.wait) return ExitCode.ok;
  // a run of a large estate takes long, but not forever: give up after a day
  for (let waited = 0; waited < 86_400; waited++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const run = await call('GET', `/api/runs/${encodeURIComponent(id)}`);
    if (run.status === 'done' || run.status === 'failed') {
      io.stdout.write(`run ${id} ${String(run.status)}${typeof run.error === 'string' ? `: ${run.error}` : ''}\n`);
      return run.status === 'done' ? ExitCode.ok : ExitCode.error;
    }
  }
  throw new ShipshapeError('E_TIMEOUT', `run ${id} did not finish within a day; see ${base.origin}/api/runs/${id}`);
}

/** The server's URL; credentials are never sent over plain HTTP to anything but loopback, unless `plainHttp` says the network is trusted. */
export function serverUrl(text: string, plainHttp = false, flag = '--server'): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw new UsageError(`${flag} ${JSON.stringify(text)} is not a URL (${messageOf(error)})`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && (loopback || plainHttp)))
    throw new UsageError(`${flag} ${url.origin}: the token would cross the network in the clear`, {
      hint: 'use https:// (plain http only on loopback, or with --plain-http inside a trusted network)',
    });
  return url;
}
