import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AdvisoryDatabase } from '../jobs/advisories.js';
import type { RunContext } from '../jobs/run-estate.js';
import { loadShipshapeConfig, type ShipshapeConfig } from '../lifecycle/config.js';
import { openStore } from '../store/open.js';
import type { TokenScope } from '../store/model.js';
import { startServer, type RunningServer } from './start.js';
import { newToken } from './tokens.js';
import { version } from '../cli/version.js';

const exampleConfigFile = path.resolve('examples/estate/shipshape.yaml');

/** The example estate without its registry: sources and manifests, read for real, nothing to start. */
export async function estateWithoutRegistry(): Promise<ShipshapeConfig> {
  return { ...(await loadShipshapeConfig(exampleConfigFile)), registries: [] };
}

export interface TestServer extends RunningServer {
  dir: string;
  /** A new token of this scope, in the server's store. */
  token(scope: TokenScope): Promise<string>;
  /** Stops the server and removes its files. */
  close(): Promise<void>;
  logs: string[];
}

/** A real server on a free loopback port with an embedded store in a temp dir (or `db`), for `config`. */
export async function startTestServer(
  config: ShipshapeConfig,
  options: {
    db?: string;
    env?: Record<string, string>;
    listen?: string;
    advisories?: AdvisoryDatabase;
    cacheDir?: string;
    https?: { key: Buffer; cert: Buffer };
    redis?: string;
  } = {},
): Promise<TestServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'shipshape-serve-'));
  const store = await openStore(options.db ?? path.join(dir, 'store.db'));
  const logs: string[] = [];
  const context: RunContext = {
    store,
    config,
    env: options.env ?? {},
    homedir: dir,
    cacheDir: options.cacheDir ?? path.join(dir, 'cache'),
    advisories: () => options.advisories?.current,
    toolVersion: version,
    now: () => new Date(),
    log: (message) => logs.push(message),
  };
  const server = await startServer({
    context,
    listen: options.listen ?? '127.0.0.1:0',
    runAtStart: false,
    advisories: options.advisories,
    https: options.https,
    redis: options.redis,
  });
  return {
    ...server,
    dir,
    logs,
    async token(scope) {
      const token = newToken();
      await store.createToken({ id: token.id, hash: token.hash, scope, createdAt: new Date().toISOString() });
      return token.token;
    },
    async close() {
      await server.stop(5000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
