import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { UsageError, messageOf } from '../core/errors.js';
import type { ShipshapeConfig } from '../lifecycle/config.js';
import type { RunRecord } from '../store/model.js';
import { pushSubjectOf, runEstate, type RunContext } from './run-estate.js';
import { storeFleetLayers } from './fleet-layers.js';

/** The BullMQ queue the server puts runs on and the workers take them from. */
const runQueueName = 'shipshape-runs';
/** Where the server leaves the estate's config for workers on other machines. */
export const estateConfigKey = 'estate:config';
/** A run that failed because its worker could not finish it (the store or Redis gone) is tried this often. */
const attempts = 3;

/** BullMQ's connection to `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS): commands wait for a reconnect instead of failing. */
export function redisConnection(url: string): ConnectionOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new UsageError(`--redis ${JSON.stringify(url)} is not a URL (${messageOf(error)})`, { hint: 'write redis://host:6379' });
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new UsageError(`--redis ${parsed.origin}: use redis:// or rediss://`);
  return { url, maxRetriesPerRequest: null, enableOfflineQueue: true };
}

/**
 * The server's side of the fleet: a run recorded in the store goes onto the Redis queue as a job
 * whose id is the run's (so a run is queued once, however often it is submitted).
 */
export class FleetQueue {
  private readonly queue: Queue;

  constructor(redisUrl: string) {
    this.queue = new Queue(runQueueName, { connection: redisConnection(redisUrl) });
  }

  async submit(run: RunRecord): Promise<void> {
    await this.queue.add(
      'run',
      { runId: run.id },
      { jobId: run.id, attempts, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: 1000, removeOnFail: 5000 },
    );
  }

  /** Jobs waiting for a worker and being worked on. */
  async depth(): Promise<{ waiting: number; active: number }> {
    const counts = await this.queue.getJobCounts('wait', 'delayed', 'prioritized', 'active');
    return { waiting: (counts.wait ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0), active: counts.active ?? 0 };
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/**
 * A worker process's side: takes runs off the queue, `concurrency` at a time, and carries each out
 * with the same job code as the server in one process. A worker killed mid-run leaves its job to
 * another once its lock expires (the run is started again: its results are written once, at the
 * end, in one transaction). `close()` lets the current runs finish.
 */
export function startFleetWorker(
  redisUrl: string,
  context: Omit<RunContext, 'config'>,
  options: { concurrency: number; lockDurationMs?: number | undefined },
): Worker {
  const worker = new Worker(
    runQueueName,
    async (job: Job<{ runId: string }>) => {
      const config = await context.store.getSetting(estateConfigKey);
      if (config === undefined) throw new Error('the server has not published the estate config yet');
      const run = await context.store.startRun(job.data.runId, context.now().toISOString());
      // finished already (a retry after the results were written): nothing is done or counted twice
      if (run === undefined) return;
      context.log(`run ${run.id} (${run.trigger}) started, attempt ${job.attemptsMade + 1}`);
      await runEstate({ ...context, config: JSON.parse(config) as ShipshapeConfig, fleetLayers: storeFleetLayers(context.store) }, run, pushSubjectOf(run));
      context.log(`run ${run.id} ended`);
    },
    {
      connection: redisConnection(redisUrl),
      concurrency: options.concurrency,
      ...(options.lockDurationMs ? { lockDuration: options.lockDurationMs, stalledInterval: options.lockDurationMs } : {}),
    },
  );
  worker.on('failed', (job, error) => context.log(`run ${job?.data.runId ?? '?'} attempt failed: ${error.message}`));
  worker.on('error', (error) => context.log(`worker: ${error.message}`));
  return worker;
}
