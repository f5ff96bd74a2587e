import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Cron } from 'croner';
import type { FastifyInstance } from 'fastify';
import { UsageError } from '../core/errors.js';
import type { AdvisoryDatabase } from '../jobs/advisories.js';
import { announceAdvisories } from '../jobs/fleet-advisories.js';
import type { RunContext } from '../jobs/run-estate.js';
import type { ShipshapeConfig } from '../lifecycle/config.js';
import type { Store } from '../store/model.js';
import { buildServer } from './app.js';
import { RunQueue } from './run-queue.js';
import { FleetQueue, estateConfigKey } from '../jobs/fleet.js';
import { checkSchedule, schedule } from './schedule.js';

export interface StartOptions {
  context: RunContext;
  /** `127.0.0.1:8080`, `[::1]:8080`, `0.0.0.0:8080`. */
  listen: string;
  https?: { key: Buffer; cert: Buffer } | undefined;
  /** Start a run at once when the store has none finished (the demo, a first start). */
  runAtStart: boolean;
  /** `redis://…`: runs go onto this Redis queue for `shipshape worker` processes instead of running here. */
  redis?: string | undefined;
  /** The advisory database the runs match against, updated from `server.advisories` on `server.advisorySchedule` and on request. */
  advisories?: AdvisoryDatabase | undefined;
}

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  queue: RunQueue;
  store: Store;
  /** Stops taking requests and runs, lets the current run finish (or leaves it to the next start after `graceMs`), closes the store. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts the server: the store migrated, runs a crashed server left running put back in the queue,
 * the schedule from `server.schedule`, the HTTP listener. The config's webhook secret comes from
 * the file or the environment variable it names.
 */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { context } = options;
  const { store, config } = context;
  if (config.server.schedule) checkSchedule(config.server.schedule, `${config.file}: server.schedule`);
  if (config.server.advisorySchedule) checkSchedule(config.server.advisorySchedule, `${config.file}: server.advisorySchedule`);
  const webhookSecret = webhookSecretOf(config, context.env);
  await store.migrate();
  // the registry scan history `registry scan` keeps in the cache moves into the store (once: imported scans are known)
  const history = path.join(context.cacheDir, 'history.sqlite');
  if (existsSync(history)) {
    const imported = await store.importScanHistory(history);
    if (imported > 0) context.log(`imported ${imported} registry scans from ${history}`);
  }
  const fleet = options.redis ? new FleetQueue(options.redis) : undefined;
  let queue: RunQueue;
  if (fleet) {
    // the workers read the estate from the store; runs `running` are theirs (a dead worker's job goes to another)
    await store.setSetting(estateConfigKey, JSON.stringify(config));
    queue = new RunQueue(context, fleet);
    const resubmitted = await queue.resubmitQueued();
    if (resubmitted.length > 0) context.log(`queued runs put on the fleet's queue: ${resubmitted.join(', ')}`);
  } else {
    const requeued = await store.requeueInterrupted();
    if (requeued.length > 0) context.log(`runs left unfinished by a stopped server are queued again: ${requeued.join(', ')}`);
    queue = new RunQueue(context);
  }
  const database = options.advisories;
  const sources = config.server.advisories;
  // new advisories: imported, then every stored inventory matched again in one run (no image is read)
  const updateAdvisories =
    database && sources.length > 0
      ? async (): Promise<{ records: number; run: string }> => {
          const records = await database.update(sources, context.now());
          await announceAdvisories(store, context.now(), records);
          context.log(`advisories updated: ${records} records imported from ${sources.join(', ')}`);
          return { records, run: (await queue.enqueue('advisories')).id };
        }
      : undefined;
  const app = await buildServer({
    store,
    queue,
    registries: config.registries,
    webhookSecret,
    now: context.now,
    log: context.log,
    https: options.https,
    toolVersion: context.toolVersion,
    updateAdvisories,
  });
  const { host, port } = parseListen(options.listen);
  await app.listen({ host, port });
  const address = app.server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  const url = `${options.https ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${bound}`;
  const crons: Cron[] = [];
  if (config.server.schedule)
    crons.push(schedule(store, 'schedule:estate', config.server.schedule, async () => void (await queue.enqueue('schedule')), context.log));
  if (config.server.advisorySchedule && updateAdvisories)
    crons.push(schedule(store, 'schedule:advisories', config.server.advisorySchedule, async () => void (await updateAdvisories()), context.log));
  queue.kick();
  if (options.runAtStart && (await store.getDocument()) === undefined && (await store.listRuns({ limit: 1 })).total === 0) await queue.enqueue('start');
  return {
    url,
    app,
    queue,
    store,
    async stop(graceMs = 60_000): Promise<void> {
      for (const cron of crons) cron.stop();
      await app.close();
      // the current run finishes; one that takes longer is left `running`, and the next start queues it again
      await Promise.race([queue.stop(), new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
      await fleet?.close();
      await store.close();
    },
  };
}

function webhookSecretOf(config: ShipshapeConfig, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const from = config.server.webhookSecretFrom;
  if (from === undefined) return config.server.webhookSecret;
  const value = env[from.env];
  if (value === undefined || value.length < 16) throw new UsageError(`server.webhookSecretFrom: $${from.env} is not set, or shorter than 16 characters`);
  return value;
}

/** `host:port` with the host defaulting to loopback: a server is never exposed by accident. */
export function parseListen(text: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text) ?? /^()()(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || port > 65535) throw new UsageError(`--listen ${JSON.stringify(text)}: write host:port (e.g. 127.0.0.1:8080, [::1]:8080, 0.0.0.0:8080)`);
  return { host: match[1] || match[2] || '127.0.0.1', port };
}
