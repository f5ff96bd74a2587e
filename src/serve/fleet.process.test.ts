import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdvisoryDatabase } from '../jobs/advisories.js';
import { loadShipshapeConfig } from '../lifecycle/config.js';
import type { RunRecord } from '../store/model.js';
import { runCli } from '../test-support/cli.js';
import { registryMissing, startRegistry, stopChild, track } from '../test-support/docker-registry.js';
import { buildImage, pushableOf } from '../test-support/image-builder.js';
import { debianZlibImage } from '../test-support/debian-zlib-image.js';
import { pushImage } from '../image/registry/push.js';
import { postgresMissing, startPostgres, type RunningPostgres } from '../test-support/postgres.js';
import { redisMissing, startRedis, type RunningRedis } from '../test-support/redis.js';
import { fileMissing, skipWhen } from '../test-support/skip.js';
import { startTestServer, type TestServer } from './test-server.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = path.join(root, 'dist/cli/main.js');
const estate = path.join(root, 'examples/estate');

/**
 * The fleet with real processes: a server queueing runs on Redis, `shipshape worker` processes
 * (the built CLI) on a shared PostgreSQL store; workers killed, Redis and PostgreSQL restarted in
 * the middle of a run. A "registry" that accepts connections and never answers holds a run in the
 * middle for as long as a test needs; closing it lets the run end (its registry part failed).
 */
describe(
  'the fleet: server, workers, Redis and PostgreSQL as processes',
  skipWhen(fileMissing(cli, 'the built CLI (npm run build)'), postgresMissing(), redisMissing()),
  () => {
    let dir: string;
    let postgres: RunningPostgres;
    let redis: RunningRedis;
    let db: string;
    let server: TestServer;
    let silent: Server;
    const sockets = new Set<Socket>();
    const workers: { child: ChildProcess; output: string[] }[] = [];

    function startWorker(): { child: ChildProcess; output: string[] } {
      const output: string[] = [];
      const env = { ...process.env, SHIPSHAPE_CACHE_DIR: path.join(dir, `cache-${workers.length}`), SHIPSHAPE_LOCK_MS: '2000' };
      const child = spawn(process.execPath, [cli, 'worker', '--redis', redis.url, '--db', db], { env });
      track(child);
      child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      const worker = { child, output };
      workers.push(worker);
      return worker;
    }

    const logs = (): string => [`server:\n${server.logs.join('\n')}`, ...workers.map((w, i) => `worker ${i}:\n${w.output.join('')}`)].join('\n');

    /** Polls the store until `ready` holds, at most 60 s. */
    async function until(id: string, ready: (run: RunRecord) => boolean, what: string): Promise<RunRecord> {
      for (let attempt = 0; attempt < 600; attempt++) {
        const run = await server.store.getRun(id).catch(() => undefined);
        if (run && ready(run)) return run;
        await sleep(100);
      }
      throw new Error(`${what} did not happen within 60 s\n${logs()}`);
    }

    async function openSilentRegistry(): Promise<number> {
      silent = createServer((socket) => sockets.add(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const address = silent.address();
      return typeof address === 'object' && address ? address.port : 0;
    }
    async function closeSilentRegistry(): Promise<void> {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }

    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'shipshape-fleet-'));
      [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
      db = await postgres.createDatabase('fleet');
      const port = await openSilentRegistry();
      const file = path.join(dir, 'shipshape.yaml');
      await writeFile(
        file,
        `sources: [${JSON.stringify(path.join(estate, 'repos'))}]\nmanifests: [${JSON.stringify(path.join(estate, 'k8s'))}]\n` +
          `registries:\n  - name: 127.0.0.1:${port}\n    plainHttp: true\n`,
      );
      server = await startTestServer(await loadShipshapeConfig(file), { db, redis: redis.url });
    }, 60_000);
    afterEach(async () => {
      await Promise.all(workers.splice(0).map((w) => stopChild(w.child, 'SIGKILL')));
    });
    afterAll(async () => {
      await server?.close();
      await redis?.stop();
      await postgres?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it('a worker killed mid-run: another takes the run once its lock expires; it ends once', async () => {
      const [first, second] = [startWorker(), startWorker()];
      const run = await server.queue.enqueue('manual');
      await until(run.id, (r) => r.status === 'running', 'the run starting');
      // the worker holding it: the one that logs its start (polled, bounded)
      const started = (w: { output: string[] }): boolean => w.output.join('').includes(`run ${run.id} (manual) planned`);
      for (let attempt = 0; attempt < 100 && !started(first) && !started(second); attempt++) await sleep(50);
      expect(started(first) || started(second), logs()).toBe(true);
      const holder = started(first) ? first : second;
      const other = holder === first ? second : first;
      await stopChild(holder.child, 'SIGKILL');
      await closeSilentRegistry();
      const ended = await until(run.id, (r) => r.status === 'done' || r.status === 'failed', 'the run ending');
      expect(ended.status, logs()).toBe('done');
      expect(other.output.join(''), logs()).toContain(`run ${run.id} ended`);
      // written once: each finding of the run's document is one tracked item, first seen by this run
      const found = await server.store.getDocument(run.id);
      const findings = (found?.document as { findings: { category: string; id: string; where: string; detail?: string }[] }).findings;
      const distinct = new Set(findings.map((f) => [f.category, f.id, f.where, f.detail ?? ''].join('\0'))).size;
      const items = await server.store.listItems({ kind: 'finding', state: 'all' }, { limit: 500 });
      expect(items.total).toBe(distinct);
      expect(items.items.every((i) => i.firstSeenRun === run.id && i.lastSeenRun === run.id)).toBe(true);
      await openSilentRegistry();
    });

    it('Redis restarted mid-run: the workers and the server reconnect, and the run ends', async () => {
      startWorker();
      const run = await server.queue.enqueue('manual');
      await until(run.id, (r) => r.status === 'running', 'the run starting');
      await redis.kill();
      await sleep(500);
      await redis.restart();
      await closeSilentRegistry();
      expect((await until(run.id, (r) => r.status === 'done' || r.status === 'failed', 'the run ending')).status, logs()).toBe('done');
      // the server queues again after the restart
      const next = await server.queue.enqueue('manual');
      expect((await until(next.id, (r) => r.status === 'done' || r.status === 'failed', 'the next run ending')).status, logs()).toBe('done');
      await openSilentRegistry();
    });

    it('gives the same posture with three workers as `shipshape posture` in one process', async () => {
      // the estate without the registry that holds runs up: sources and manifests, read by the workers
      const file = path.join(dir, 'same.yaml');
      await writeFile(file, `sources: [${JSON.stringify(path.join(estate, 'repos'))}]\nmanifests: [${JSON.stringify(path.join(estate, 'k8s'))}]\n`);
      const sameDb = await postgres.createDatabase('same_answers');
      const fleetServer = await startTestServer(await loadShipshapeConfig(file), { db: sameDb, redis: redis.url });
      const saved = db;
      db = sameDb;
      try {
        for (let i = 0; i < 3; i++) startWorker();
        const run = await fleetServer.queue.enqueue('manual');
        await fleetServer.queue.idle();
        const served = (await fleetServer.store.getDocument(run.id))?.document as Record<string, unknown>;
        const local = await runCli(['posture', '-f', 'json', '--config', file], { cwd: dir });
        const timeless = (document: Record<string, unknown>): unknown =>
          JSON.parse(JSON.stringify({ ...document, generatedAt: undefined }).replace(/"(generatedAt|builtAt)":"[^"]*"/g, '"$1":"T"'));
        expect(timeless(served)).toEqual(timeless(JSON.parse(local.stdout) as Record<string, unknown>));
        // the source tree was read as its own job, by one of the workers
        expect(
          workers.some((w) => w.output.join('').includes(`run ${run.id}: source tree 1 of 1 read`)),
          logs(),
        ).toBe(true);
      } finally {
        db = saved;
        await fleetServer.close();
      }
    });

    it('two servers on the same store and queue schedule each tick once', async () => {
      const file = path.join(dir, 'scheduled.yaml');
      await writeFile(file, `manifests: [${JSON.stringify(path.join(estate, 'k8s'))}]\nserver:\n  schedule: "* * * * * *"\n`);
      const shared = await postgres.createDatabase('two_servers');
      const config = await loadShipshapeConfig(file);
      const servers = [await startTestServer(config, { db: shared, redis: redis.url }), await startTestServer(config, { db: shared, redis: redis.url })];
      try {
        const scheduled = async (): Promise<RunRecord[]> => (await servers[0]!.store.listRuns({ limit: 100 })).items.filter((r) => r.trigger === 'schedule');
        for (let attempt = 0; attempt < 100 && (await scheduled()).length < 3; attempt++) await sleep(100);
        const runs = await scheduled();
        expect(runs.length).toBeGreaterThanOrEqual(3);
        // one run per second's tick, whichever server took it
        const seconds = runs.map((r) => r.queuedAt.slice(0, 19));
        expect(new Set(seconds).size).toBe(seconds.length);
      } finally {
        for (const server of servers) await server.close();
      }
    });

    it('a corrupt image: the run ends, that image named as not read (never a hung run, never clean)', skipWhen(registryMissing()), async () => {
      const registry = await startRegistry();
      try {
        const good = await buildImage({ layers: [{ createdBy: 'ADD app', items: [{ name: 'app', content: 'ok' }] }] });
        // its config names a diffID its layer does not hash to: reading it fails verification, on every attempt
        const bad = await buildImage({
          layers: [{ createdBy: 'ADD app', items: [{ name: 'app', content: 'bad' }] }],
          config: { rootfs: { type: 'layers', diff_ids: [`sha256:${'0'.repeat(64)}`] } },
        });
        for (const [repository, image] of [
          ['team/ok', good],
          ['team/bad', bad],
        ] as const) {
          await pushImage({ registry: registry.host, plainHttp: true }, repository, '1', pushableOf(image));
        }
        const file = path.join(dir, 'corrupt.yaml');
        await writeFile(file, `registries:\n  - name: ${registry.host}\n    plainHttp: true\n`);
        const corruptDb = await postgres.createDatabase('corrupt_image');
        const fleetServer = await startTestServer(await loadShipshapeConfig(file), { db: corruptDb, redis: redis.url });
        const saved = db;
        db = corruptDb;
        try {
          startWorker();
          const run = await fleetServer.queue.enqueue('manual');
          await fleetServer.queue.idle();
          expect((await fleetServer.store.getRun(run.id))?.status, logs()).toBe('done');
          const document = (await fleetServer.store.getDocument(run.id))?.document as {
            map: { inputs: { unscannedRegistries: { registry: string; reason: string }[] } };
          };
          expect(document.map.inputs.unscannedRegistries).toEqual([
            expect.objectContaining({
              registry: expect.stringContaining(`${registry.host}/team/bad@`) as unknown,
              reason: expect.stringMatching(/^failed after 3 attempts: the image could not be read/) as unknown,
            }),
          ]);
          // the run names the image as a failed part, with its reason
          expect((await fleetServer.store.getRun(run.id))?.parts).toContainEqual(
            expect.objectContaining({
              name: expect.stringMatching(/\/team\/bad@sha256:/) as unknown,
              status: 'failed',
              reason: expect.stringMatching(/attempts/) as unknown,
            }),
          );
        } finally {
          db = saved;
          await fleetServer.close();
        }
      } finally {
        await registry.stop();
      }
    });

    it('reads each distinct layer once across the fleet: two workers, two runs, a shared base layer', skipWhen(registryMissing()), async () => {
      const registry = await startRegistry();
      try {
        const base = { createdBy: 'ADD rootfs', items: [{ name: 'etc/' }, { name: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.19.1\n' }] };
        for (const name of ['api', 'web']) {
          const image = await buildImage({ layers: [base, { createdBy: `COPY ${name}`, items: [{ name, content: name }] }] });
          await pushImage({ registry: registry.host, plainHttp: true }, `team/${name}`, '1', pushableOf(image));
        }
        const file = path.join(dir, 'layers.yaml');
        await writeFile(file, `registries:\n  - name: ${registry.host}\n    plainHttp: true\n`);
        const layersDb = await postgres.createDatabase('fleet_layers');
        const fleetServer = await startTestServer(await loadShipshapeConfig(file), { db: layersDb, redis: redis.url });
        const saved = db;
        db = layersDb;
        try {
          startWorker();
          startWorker();
          // two runs at once, each on its own worker (own disk cache): only the fleet's store is shared
          const runs = await Promise.all([fleetServer.queue.enqueue('manual'), fleetServer.queue.enqueue('schedule')]);
          await fleetServer.queue.idle();
          const ended = await Promise.all(runs.map((r) => fleetServer.store.getRun(r.id)));
          expect(
            ended.map((r) => r?.status),
            logs(),
          ).toEqual(['done', 'done']);
          // 3 distinct layers (the base, api's, web's): read 3 times in all, not 6
          expect(
            ended.reduce((n, r) => n + (r?.stats.layerReads ?? 0), 0),
            logs(),
          ).toBe(3);
          expect(ended.map((r) => r?.stats.layers)).toEqual([3, 3]);
        } finally {
          db = saved;
          await fleetServer.close();
        }
      } finally {
        await registry.stop();
      }
    });

    it('a worker killed while it reads an image: the image job goes to another worker, the image is read once', skipWhen(registryMissing()), async () => {
      const registry = await startRegistry();
      const proxy = await stallingProxy(registry.host);
      try {
        const image = await buildImage({ layers: [{ createdBy: 'COPY app', items: [{ name: 'app', content: 'read once' }] }] });
        await pushImage({ registry: registry.host, plainHttp: true }, 'team/app', '1', pushableOf(image));
        const file = path.join(dir, 'stalled.yaml');
        await writeFile(file, `registries:\n  - name: 127.0.0.1:${proxy.port}\n    plainHttp: true\n`);
        const stalledDb = await postgres.createDatabase('stalled_image');
        const fleetServer = await startTestServer(await loadShipshapeConfig(file), { db: stalledDb, redis: redis.url });
        const saved = db;
        db = stalledDb;
        try {
          const first = startWorker();
          const run = await fleetServer.queue.enqueue('manual');
          // the run is planned (manifests read); its image job asks for a blob and is held there
          for (let attempt = 0; attempt < 300 && proxy.held() === 0; attempt++) await sleep(100);
          expect(proxy.held(), logs()).toBeGreaterThan(0);
          await stopChild(first.child, 'SIGKILL');
          const second = startWorker();
          proxy.release();
          await fleetServer.queue.idle();
          const ended = await fleetServer.store.getRun(run.id);
          expect(ended?.status, logs()).toBe('done');
          expect(
            ended?.parts.filter((p) => p.status !== 'ok'),
            logs(),
          ).toEqual([]);
          // its one layer read once, by the worker that took the job over
          expect([ended?.stats.layerReads, ended?.stats.layers, ended?.stats.images], logs()).toEqual([1, 1, 1]);
          expect(second.output.join(''), logs()).toContain(`run ${run.id} ended`);
        } finally {
          db = saved;
          await fleetServer.close();
        }
      } finally {
        await proxy.close();
        await registry.stop();
      }
    });

    it("follows the server's advisory updates: a worker matches against what the server imported", skipWhen(registryMissing()), async () => {
      const registry = await startRegistry();
      const feed = path.join(dir, 'feed');
      await mkdir(feed, { recursive: true });
      await copyFile(path.join(root, 'examples/advisories/DSA-5330-1.json'), path.join(feed, 'DSA-5330-1.json'));
      const database = new AdvisoryDatabase(path.join(dir, 'server-osv.sqlite'));
      try {
        const image = await debianZlibImage();
        await pushImage({ registry: registry.host, plainHttp: true }, 'team/api', '1.0', pushableOf(image));
        const file = path.join(dir, 'advisories.yaml');
        await writeFile(file, `registries:\n  - name: ${registry.host}\n    plainHttp: true\nserver:\n  advisories: [${JSON.stringify(feed)}]\n`);
        const advisoriesDb = await postgres.createDatabase('fleet_advisories');
        const fleetServer = await startTestServer(await loadShipshapeConfig(file), { db: advisoriesDb, redis: redis.url, advisories: database });
        const saved = db;
        db = advisoriesDb;
        try {
          startWorker();
          const write = await fleetServer.token('write');
          const update = async (): Promise<string> =>
            (
              (await (await fetch(`${fleetServer.url}/api/advisories/update`, { method: 'POST', headers: { authorization: `Bearer ${write}` } })).json()) as {
                run: string;
              }
            ).run;
          const first = await update();
          await fleetServer.queue.idle();
          expect((await fleetServer.store.getRun(first))?.status, logs()).toBe('done');
          expect(await fleetServer.store.listItems({ kind: 'finding', state: 'open', category: 'vulnerability' }, { limit: 10 })).toMatchObject({ total: 0 });
          // zlib's advisory arrives; the registry is gone: the worker must match the stored inventory against the new state
          await registry.stop();
          await copyFile(path.join(root, 'examples/advisories/DSA-5218-1.json'), path.join(feed, 'DSA-5218-1.json'));
          const second = await update();
          await fleetServer.queue.idle();
          expect((await fleetServer.store.getRun(second))?.status, logs()).toBe('done');
          const found = await fleetServer.store.listItems({ kind: 'finding', state: 'open', category: 'vulnerability' }, { limit: 10 });
          expect(
            found.items.map((i) => i.ruleId),
            logs(),
          ).toEqual(['CVE-2022-37434']);
          expect(workers[0]?.output.join(''), logs()).toMatch(/advisories updated as the server's/);
        } finally {
          db = saved;
          await fleetServer.close();
        }
      } finally {
        database.close();
        await registry.stop();
      }
    });

    it('a source tree no worker can read: its job fails after its attempts and the run fails with the reason, never hangs', async () => {
      const file = path.join(dir, 'missing-source.yaml');
      await writeFile(file, `sources: [${JSON.stringify(path.join(dir, 'no-such-tree'))}]\n`);
      const missingDb = await postgres.createDatabase('missing_source');
      const fleetServer = await startTestServer(await loadShipshapeConfig(file), { db: missingDb, redis: redis.url });
      const saved = db;
      db = missingDb;
      try {
        startWorker();
        const run = await fleetServer.queue.enqueue('manual');
        await fleetServer.queue.idle();
        const ended = await fleetServer.store.getRun(run.id);
        expect(ended?.status, logs()).toBe('failed');
        expect(ended?.error).toMatch(/the source tree .*no-such-tree could not be read: failed after 3 attempts: source .*no-such-tree: no such directory/);
      } finally {
        db = saved;
        await fleetServer.close();
      }
    });

    it('PostgreSQL restarted mid-run: the worker reconnects (a failed attempt is tried again), and the run ends', async () => {
      startWorker();
      const run = await server.queue.enqueue('manual');
      await until(run.id, (r) => r.status === 'running', 'the run starting');
      await postgres.restart();
      await closeSilentRegistry();
      expect((await until(run.id, (r) => r.status === 'done' || r.status === 'failed', 'the run ending')).status, logs()).toBe('done');
      await openSilentRegistry();
    });
  },
);

/** A loopback proxy in front of a registry that holds every blob request until released: a worker caught in the middle of reading an image. */
async function stallingProxy(target: string): Promise<{ port: number; held: () => number; release: () => void; close: () => Promise<void> }> {
  let stalling = true;
  const held: (() => void)[] = [];
  const forward = (request: IncomingMessage, response: ServerResponse): void => {
    const upstream = httpRequest(
      `http://${target}${request.url ?? '/'}`,
      { method: request.method, headers: { ...request.headers, host: target } },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  };
  const proxy = createHttpServer((request, response) => {
    if (stalling && /\/blobs\//.test(request.url ?? '')) held.push(() => forward(request, response));
    else forward(request, response);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const address = proxy.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    held: () => held.length,
    release() {
      stalling = false;
      for (const go of held.splice(0)) go();
    },
    close: () =>
      new Promise<void>((resolve) => {
        proxy.closeAllConnections();
        proxy.close(() => resolve());
      }),
  };
}
