import { createHash } from 'node:crypto';
import { Queue, WaitingChildrenError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { UsageError, messageOf } from '../core/errors.js';
import { unreadPlatformImage, type PlatformRead } from '../distribute/image-facts.js';
import { platformKey, type PlatformRequest } from '../distribute/scan.js';
import type { ShipshapeConfig } from '../lifecycle/config.js';
import type { RunRecord, Store } from '../store/model.js';
import type { AdvisoryDatabase } from './advisories.js';
import { FleetAdvisories } from './fleet-advisories.js';
import { storeFleetLayers } from './fleet-layers.js';
import { PlatformReader } from './registry-scan.js';
import { readEstateCluster, readSourceTree, type ClusterRead, type EstateParts, type SourceTreeRead } from '../lifecycle/collect.js';
import {
  estateOf,
  failRun,
  finishPlannedRun,
  planOrFail,
  plannedReads,
  pushSubjectOf,
  readContextOf,
  registryNamed,
  storeInventories,
  type RegistryReads,
  type RunContext,
  type RunPlan,
} from './run-estate.js';

/** The BullMQ queue the server puts runs on; the workers plan and assemble them. */
const runQueueName = 'shipshape-runs';
/** The queue of a run's parts (platform images, source trees, the cluster), each a child job of its run's. */
const partQueueName = 'shipshape-parts';
/** Where the server leaves the estate's config for workers on other machines. */
export const estateConfigKey = 'estate:config';
/** A job that failed (a worker gone, the store or Redis away, an image that could not be read) is tried this often. */
const attempts = 3;
const retry = { attempts, backoff: { type: 'exponential', delay: 1000 } } as const;

/** A run's job: planned first, then — once its images are read — assembled. */
interface RunJob {
  runId: string;
  step?: 'plan' | 'assemble';
}

/** One part of a run, read by whichever worker takes it: a platform image, a source tree (by its index among the sources), the cluster. */
type PartJob =
  | { runId: string; kind: 'image'; registry: string; request: PlatformRequest }
  | { runId: string; kind: 'source'; index: number }
  | { runId: string; kind: 'cluster' };

/** Where a part's read is filed in the store (`run_reads`). */
function partKey(job: PartJob): string {
  if (job.kind === 'image') return platformKey(job.request);
  return job.kind === 'source' ? `source:${job.index}` : 'cluster';
}

/** What a worker files in the store for the run's assembly: the image's facts and how its layers were come by. */
interface FiledRead {
  registry: string;
  read: PlatformRead;
  layers: RegistryReads['layers'];
}

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
  private readonly runs: Queue;
  private readonly parts: Queue;

  constructor(redisUrl: string) {
    this.runs = new Queue(runQueueName, { connection: redisConnection(redisUrl) });
    this.parts = new Queue(partQueueName, { connection: redisConnection(redisUrl) });
  }

  async submit(run: RunRecord): Promise<void> {
    await this.runs.add('run', { runId: run.id } satisfies RunJob, { jobId: run.id, ...retry, removeOnComplete: 1000, removeOnFail: 5000 });
  }

  /** Jobs (runs and their parts) waiting for a worker and being worked on: what a fleet's autoscaler watches. */
  async depth(): Promise<{ waiting: number; active: number }> {
    const [runs, parts] = await Promise.all([this.runs, this.parts].map((q) => q.getJobCounts('wait', 'delayed', 'prioritized', 'active')));
    const sum = (state: string): number => (runs?.[state] ?? 0) + (parts?.[state] ?? 0);
    return { waiting: sum('wait') + sum('delayed') + sum('prioritized'), active: sum('active') };
  }

  async close(): Promise<void> {
    await Promise.all([this.runs.close(), this.parts.close()]);
  }
}

/** A worker process: its two BullMQ workers (runs, parts); `close()` lets the current jobs finish. */
export interface FleetWorker {
  waitUntilReady(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A worker process's side. A run's job plans the run (registries listed), files the plan in the
 * store and adds one child job per part — each platform image, each source tree, the cluster —
 * then waits without holding a slot; workers read the parts (layers shared fleet-wide through the
 * store) and file each read; once every child is done — or failed after its attempts — the run's
 * job assembles the run from the plan and the reads: the same steps `runEstate` takes in one
 * process. A worker killed mid-job leaves the job to another once its lock expires; results are
 * written once (a finished run is not started again).
 */
export function startFleetWorker(
  redisUrl: string,
  context: Omit<RunContext, 'config' | 'advisories'>,
  options: { concurrency: number; lockDurationMs?: number | undefined; advisories: AdvisoryDatabase },
): FleetWorker {
  const connection = redisConnection(redisUrl);
  const parts = new Queue(partQueueName, { connection });
  const advisories = new FleetAdvisories(options.advisories, context.store, context.log);
  const fleetLayers = storeFleetLayers(context.store);
  const locks = options.lockDurationMs ? { lockDuration: options.lockDurationMs, stalledInterval: options.lockDurationMs } : {};

  /** The run's context on this worker: the estate as the server published it, advisories as the server last updated them. */
  async function runContext(): Promise<RunContext> {
    const config = await context.store.getSetting(estateConfigKey);
    if (config === undefined) throw new Error('the server has not published the estate config yet');
    const parsed = JSON.parse(config) as ShipshapeConfig;
    await advisories.follow(parsed);
    return { ...context, config: parsed, advisories: () => advisories.current(), fleetLayers };
  }

  const runWorker = new Worker<RunJob>(
    runQueueName,
    async (job, token) => {
      const run = await context.store.getRun(job.data.runId);
      if (job.data.step !== 'assemble') {
        const started = await context.store.startRun(job.data.runId, context.now().toISOString());
        // finished already (a retry after the results were written): nothing is done or counted twice
        if (started === undefined) return;
        await planRun(await runContext(), started, job, parts);
      } else if (run?.status !== 'running') return;
      if (token !== undefined && (await job.moveToWaitingChildren(token))) throw new WaitingChildrenError();
      await assembleRun(await runContext(), job);
    },
    { connection, concurrency: options.concurrency, ...locks },
  );
  const partWorker = new Worker<PartJob>(
    partQueueName,
    async (job) => {
      const run = await context.store.getRun(job.data.runId);
      // the run ended (failed as a whole): its parts need not be read
      if (run?.status !== 'running') return;
      await readPart(await runContext(), job.data);
    },
    { connection, concurrency: options.concurrency, ...locks },
  );
  runWorker.on('failed', (job, error) => {
    context.log(`run ${job?.data.runId ?? '?'} attempt failed: ${error.message}`);
    // out of attempts: recorded as failed, never left running
    if (job && job.attemptsMade >= attempts) void giveUp(context.store, job.data.runId, error, context.now()).catch(() => undefined);
  });
  partWorker.on('failed', (job, error) =>
    context.log(`${job ? partKey(job.data) : 'a part'} of run ${job?.data.runId ?? '?'} attempt failed: ${error.message}`),
  );
  for (const worker of [runWorker, partWorker]) worker.on('error', (error) => context.log(`worker: ${error.message}`));
  return {
    async waitUntilReady() {
      await Promise.all([runWorker.waitUntilReady(), partWorker.waitUntilReady()]);
    },
    async close() {
      await Promise.all([runWorker.close(), partWorker.close()]);
      await parts.close();
      advisories.close();
    },
  };
}

const planKey = (runId: string): string => `run-plan:${runId}`;

/** A child job's id: the run's, and the part (so a retried plan adds no part twice). */
function partJobId(part: PartJob): string {
  const what = part.kind === 'image' ? `${part.registry}\0${platformKey(part.request)}` : partKey(part);
  return `${part.runId}-${createHash('sha256').update(`${part.kind}\0${what}`).digest('hex').slice(0, 24)}`;
}

/** The parts of a planned run: its platform images, its source trees, its cluster. */
function partsOf(context: RunContext, run: RunRecord, plan: RunPlan): PartJob[] {
  return [
    ...context.config.sources.map((_root, index): PartJob => ({ runId: run.id, kind: 'source', index })),
    ...(context.config.cluster ? [{ runId: run.id, kind: 'cluster' } satisfies PartJob] : []),
    ...plannedReads(plan).map(({ registry, request }): PartJob => ({ runId: run.id, kind: 'image', registry, request })),
  ];
}

/** The plan step: registries listed, the plan filed, a child job per part added under the run's job. */
async function planRun(context: RunContext, run: RunRecord, job: Job<RunJob>, queue: Queue): Promise<void> {
  context.log(`run ${run.id} (${run.trigger}) planned, attempt ${job.attemptsMade + 1}`);
  const plan = await planOrFail(context, run, pushSubjectOf(run));
  if (plan === undefined) return;
  await context.store.setSetting(planKey(run.id), JSON.stringify(plan));
  const parts = partsOf(context, run, plan);
  for (let start = 0; start < parts.length; start += 500)
    await queue.addBulk(
      parts.slice(start, start + 500).map((part) => ({
        name: part.kind,
        data: part,
        opts: {
          jobId: partJobId(part),
          parent: { id: job.id ?? run.id, queue: job.queueQualifiedName },
          // a child that fails after its attempts lets the run go on: an image is then recorded as not read, a source tree or the cluster fails the run
          ignoreDependencyOnFailure: true,
          ...retry,
          removeOnComplete: true,
          removeOnFail: 5000,
        },
      })),
    );
  context.log(`run ${run.id}: ${parts.length} parts to read (${plannedReads(plan).length} platform images)`);
  await job.updateData({ runId: run.id, step: 'assemble' });
}

/** A child job: one part read and its read filed — a platform image (layers from the fleet when another worker read them, its inventory kept), a source tree, the cluster. */
async function readPart(context: RunContext, job: PartJob): Promise<void> {
  if (job.kind === 'source') {
    await context.store.putRunRead(job.runId, partKey(job), await readSourceTree(context.config.sources, job.index, context.config.gitlab));
    context.log(`run ${job.runId}: source tree ${job.index + 1} of ${context.config.sources.length} read`);
    return;
  }
  if (job.kind === 'cluster') {
    const cluster = estateOf(context, []).cluster;
    if (cluster) await context.store.putRunRead(job.runId, partKey(job), await readEstateCluster(cluster));
    context.log(`run ${job.runId}: the cluster read`);
    return;
  }
  const reader = await PlatformReader.open(registryNamed(context.config, job.registry), readContextOf(context));
  try {
    const read = await reader.read(job.request);
    // not read (a blob that fails verification, the registry away): tried again, and after the last attempt recorded as failed
    if (read.unread) throw new Error(read.unread.message);
    await storeInventories(context.store, reader.takeInventories(), context.now());
    await context.store.putRunRead(job.runId, partKey(job), { registry: job.registry, read, layers: reader.layers.counts } satisfies FiledRead);
  } finally {
    await reader.close();
  }
}

/**
 * The assemble step: the run finished from its filed plan and reads; an image with no read is not
 * read, with its last failure as the reason; a source tree or the cluster with no read fails the run.
 */
async function assembleRun(context: RunContext, job: Job<RunJob>): Promise<void> {
  const runId = job.data.runId;
  const run = await context.store.getRun(runId);
  const planText = await context.store.getSetting(planKey(runId));
  if (run?.status !== 'running' || planText === undefined) return;
  const plan = JSON.parse(planText) as RunPlan;
  const filed = await context.store.runReads(runId);
  const failures = await job.getIgnoredChildrenFailures();
  const failureOf = (part: PartJob): string => {
    const id = partJobId(part);
    const reason = Object.entries(failures).find(([jobKey]) => jobKey.endsWith(`:${id}`))?.[1];
    return reason ? `failed after ${attempts} attempts: ${reason}` : 'its job ended without a result';
  };
  const registryReads = new Map<string, RegistryReads>();
  const sources = new Map<number, SourceTreeRead>();
  const estateParts: EstateParts = { sources };
  for (const part of partsOf(context, run, plan)) {
    const key = partKey(part);
    const value = filed.get(key);
    if (part.kind === 'source' || part.kind === 'cluster') {
      if (value === undefined) {
        const what = part.kind === 'source' ? `the source tree ${context.config.sources[part.index] ?? part.index}` : 'the cluster';
        await failRun(context, run, plan, new Error(`${what} could not be read: ${failureOf(part)}`));
        return;
      }
      if (part.kind === 'source') sources.set(part.index, value as SourceTreeRead);
      else estateParts.cluster = value as ClusterRead;
      continue;
    }
    const entry = registryReads.get(part.registry) ?? { reads: new Map(), layers: { read: 0, fromDiskCache: 0, shared: 0, fromFleet: 0 } };
    registryReads.set(part.registry, entry);
    const image = value as FiledRead | undefined;
    if (image?.registry === part.registry) {
      entry.reads.set(key, image.read);
      for (const count of ['read', 'fromDiskCache', 'shared', 'fromFleet'] as const)
        entry.layers[count] = (entry.layers[count] ?? 0) + (image.layers[count] ?? 0);
      continue;
    }
    entry.reads.set(key, {
      facts: unreadPlatformImage(part.request.platform, part.request.digest),
      diagnostics: [],
      unread: { where: key, message: failureOf(part) },
    });
  }
  await finishPlannedRun(context, run, plan, registryReads, estateParts);
  await context.store.deleteRunReads(runId);
  await context.store.deleteSetting(planKey(runId), planText);
  context.log(`run ${runId} ended`);
}

/** A run whose job ran out of attempts: failed with the last reason, unless it ended meanwhile. */
async function giveUp(store: Store, runId: string, error: Error, now: Date): Promise<void> {
  const run = await store.getRun(runId);
  if (run?.status !== 'running' && run?.status !== 'queued') return;
  await store.finishRun(runId, {
    status: 'failed',
    finishedAt: now.toISOString(),
    error: `failed after ${attempts} attempts: ${error.message}`,
    parts: run.parts,
    stats: run.stats,
  });
}
