#!/usr/bin/env node
// scripts/bench-fleet.mjs — the fleet (issue 17) measured with real processes on loopback: a docker-registry of N images
// (default 500: one small application layer each on 3 shared bases, every 10th a linux/amd64 + linux/arm64 index),
// PostgreSQL, Redis, a server queueing one run, and 1, 2, 4… `shipshape worker` processes (the built CLI) carrying it
// out. For each worker count: wall time from queue to done, the run's layer reads (checked against the distinct layers
// pushed: each must be read once in the whole fleet), peak RSS and CPU seconds of the workers.
// Run by `npm run bench` after the server benchmark (`npm run bench -- --only fleet` for this alone):
// node scripts/bench-fleet.mjs [--images N] [--workers 1,2,4] [--concurrency C] [--repositories N] [--timeout MIN] [--json]
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { createViteServer } from 'vitest/node';
import { formatTable } from './bench-lib.mjs';

const root = resolve(fileURLToPath(import.meta.url), '..', '..');
const shared = resolve(process.env.SHIPSHAPE_SHARED ?? join(root, '..', 'shared'));
const cli = join(root, 'dist', 'cli', 'main.js');
const log = (message) => process.stderr.write(`bench-fleet: ${message}\n`);
const sha256 = (data) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const usage = 'Usage: node scripts/bench-fleet.mjs [--images N] [--workers 1,2,4] [--concurrency C] [--repositories N] [--timeout MIN] [--json]';

const { values: opts } = parseArgs({
  options: {
    images: { type: 'string', default: '500' },
    workers: { type: 'string', default: '1,2,4' },
    concurrency: { type: 'string', default: '2' },
    repositories: { type: 'string', default: '50' },
    timeout: { type: 'string', default: '30' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: false,
});
if (opts.help) {
  console.log(usage);
  process.exit(0);
}
const imageCount = Number(opts.images);
const workerCounts = String(opts.workers).split(',').map(Number);
const concurrency = Number(opts.concurrency);
const repositoryCount = Number(opts.repositories);
const timeoutMs = Number(opts.timeout) * 60_000;
const whole = (n) => Number.isInteger(n) && n >= 1;
if (![imageCount, concurrency, repositoryCount, timeoutMs, ...workerCounts].every(whole)) {
  log(`bad arguments\n${usage}`);
  process.exit(2);
}

/** Pushes at once: enough to keep the registry busy, few enough not to hold many images in memory. */
const pushConcurrency = 8;
/** Every 10th image is a multi-platform index (linux/amd64 + linux/arm64). */
const isMultiPlatform = (i) => i % 10 === 9;

// What was started, stopped last-first at the end, on error and on Ctrl-C.
const cleanups = [];
let cleaning;
const cleanUp = () =>
  (cleaning ??= (async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => log(`cleanup: ${error.message}`));
  })());
let interrupted = false;
process.on('SIGINT', () => {
  interrupted = true;
  void cleanUp().finally(() => process.exit(130));
});

/** Runs `work(i)` for i < count, `limit` at a time. */
async function pool(count, limit, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

/** A gzip layer of `files` (name → content), with its descriptor and diffID. */
async function layerOf(makeTar, MediaType, files) {
  const tar = await makeTar(Object.entries(files).map(([name, content]) => ({ name, content })));
  const data = gzipSync(tar);
  return { diffId: sha256(tar), data, descriptor: { mediaType: MediaType.ociLayerGzip, digest: sha256(data), size: data.length } };
}

/** One of the shared real images (an oci-archive) as a base: its config and its layers' blobs, in memory. */
function sharedBase(archive, dir) {
  mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-xf', archive, '-C', dir]);
  const blob = (digest) => readFileSync(join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length)));
  const manifest = JSON.parse(blob(JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')).manifests[0].digest));
  const base = {
    config: JSON.parse(blob(manifest.config.digest)),
    layers: manifest.layers.map((descriptor) => ({ descriptor, data: blob(descriptor.digest) })),
  };
  rmSync(dir, { recursive: true, force: true });
  return base;
}

/** A one-layer base made here (a package database, so there are packages to find). */
async function builtBase(makeTar, MediaType, platform, files) {
  const layer = await layerOf(makeTar, MediaType, files);
  const config = {
    ...platform,
    created: '2024-01-01T00:00:00Z',
    config: { Cmd: ['/bin/sh'] },
    rootfs: { type: 'layers', diff_ids: [layer.diffId] },
    history: [{ created_by: 'ADD rootfs.tar.gz /' }],
  };
  return { config, layers: [layer] };
}

/** The base plus one application layer: a pushable image (manifest, config and every blob). */
function derive(MediaType, base, app, createdBy) {
  const config = Buffer.from(
    JSON.stringify({
      ...base.config,
      created: '2026-12-01T00:00:00Z',
      rootfs: { type: 'layers', diff_ids: [...base.config.rootfs.diff_ids, app.diffId] },
      history: [...(base.config.history ?? []), { created_by: createdBy }],
    }),
  );
  const layers = [...base.layers, app];
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: sha256(config), size: config.length },
      layers: layers.map((l) => l.descriptor),
    }),
  );
  return {
    manifest,
    mediaType: MediaType.ociManifest,
    blobs: [{ digest: sha256(config), data: config }, ...layers.map((l) => ({ digest: l.descriptor.digest, data: l.data }))],
    layerDigests: layers.map((l) => l.descriptor.digest),
  };
}

/** A few files that differ per image (so each app layer is its own blob), with an npm package to find. */
function appFiles(i, repository, tag, arch) {
  return {
    'app/package.json': JSON.stringify({ name: `app-${i}`, version: `1.0.${i}`, dependencies: { lodash: '4.17.15' } }),
    'app/node_modules/lodash/package.json': JSON.stringify({ name: 'lodash', version: '4.17.15' }),
    'app/server.js': `console.log('image ${i} on ${arch}');\n`,
    'etc/app/build-info': `${repository}:${tag} ${arch} build ${i}\n`,
  };
}

const alpineFiles = (arch) => ({
  'etc/os-release': 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n',
  'lib/apk/db/installed': ['musl 1.2.4-r2', 'busybox 1.36.1-r15', 'zlib 1.3.1-r0', 'libcrypto3 3.1.4-r2', 'libssl3 3.1.4-r2']
    .map((p) => `P:${p.split(' ')[0]}\nV:${p.split(' ')[1]}\nA:${arch}\no:${p.split(' ')[0]}\n`)
    .join('\n'),
});

/** Peak RSS (VmHWM, MiB) and CPU seconds (utime + stime) of a running process, from /proc. */
function processFigures(child, ticksPerSecond) {
  if (child.exitCode !== null || child.signalCode !== null) return { peakRssMiB: null, cpuS: 0 }; // it died: nothing to read
  const pid = child.pid;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const hwmKiB = Number(/^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0);
  // the fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { peakRssMiB: Math.round(hwmKiB / 1024), cpuS: (Number(fields[11]) + Number(fields[12])) / ticksPerSecond };
}

async function main() {
  // the load before we start: other work on the machine shows in every figure below
  const loadAtStart = loadavg().map((v) => v.toFixed(2));
  log(`${cpus().length} CPUs, load ${loadAtStart.join(' ')}`);
  const vite = await createViteServer({ configFile: false, appType: 'custom', logLevel: 'silent', server: { middlewareMode: true, hmr: false, ws: false } });
  cleanups.push(() => vite.close());
  const load = (file) => vite.ssrLoadModule(join(root, 'src', file));
  const { startRegistry, registryMissing, stopChild, track } = await load('test-support/docker-registry.ts');
  const { postgresMissing, startPostgres } = await load('test-support/postgres.ts');
  const { redisMissing, startRedis } = await load('test-support/redis.ts');
  const missing =
    registryMissing() ??
    postgresMissing() ??
    redisMissing() ??
    (existsSync(cli) ? undefined : 'the built CLI (npm run build)') ??
    (existsSync(join(shared, 'images', 'bullseye-app.oci.tar')) ? undefined : `the shared images in ${shared}/images`);
  if (missing) {
    log(`skipped: needs ${missing}`);
    return;
  }
  const { makeTar } = await load('test-support/image-builder.ts');
  const { RegistryPusher, pushImage, pushIndex } = await load('image/registry/push.ts');
  const { MediaType } = await load('image/media-types.ts');
  const { loadShipshapeConfig } = await load('lifecycle/config.ts');
  const { startTestServer } = await load('serve/test-server.ts');

  const tmp = mkdtempSync(join(tmpdir(), 'shipshape-bench-fleet-'));
  cleanups.push(async () => rmSync(tmp, { recursive: true, force: true }));
  // the workers run from a copy of dist/: a `npm run build` meanwhile (it empties dist/ first) cannot break them or change them between rounds
  const app = join(tmp, 'app');
  cpSync(join(root, 'dist'), join(app, 'dist'), { recursive: true });
  copyFileSync(join(root, 'package.json'), join(app, 'package.json'));
  symlinkSync(join(root, 'node_modules'), join(app, 'node_modules'));
  const shipshape = join(app, 'dist', 'cli', 'main.js');
  if (!existsSync(shipshape)) throw new Error('dist/ was being rebuilt while it was copied: run again');
  const registry = await startRegistry();
  cleanups.push(() => registry.stop());
  const postgres = await startPostgres();
  cleanups.push(() => postgres.stop());
  log(`registry ${registry.host}, PostgreSQL and Redis started`);

  // the bases: two real Debian images of the shared data, a small Alpine, and an arm64 base for the indexes' second platform
  const bases = [
    sharedBase(join(shared, 'images', 'debian-bookworm.oci.tar'), join(tmp, 'bookworm')),
    sharedBase(join(shared, 'images', 'bullseye-app.oci.tar'), join(tmp, 'bullseye-app')),
    await builtBase(makeTar, MediaType, { architecture: 'amd64', os: 'linux' }, alpineFiles('x86_64')),
  ];
  const arm64Base = await builtBase(makeTar, MediaType, { architecture: 'arm64', os: 'linux', variant: 'v8' }, alpineFiles('aarch64'));
  const options = { registry: registry.host, plainHttp: true };
  const repositories = Array.from({ length: repositoryCount }, (_, r) => `bench/app-${r}`);

  // the bases' blobs go up once, then are mounted into every repository: not uploaded 50 times, and no two pushes race to upload them
  const baseLayers = [...bases, arm64Base].flatMap((b) => b.layers);
  const pusher = new RegistryPusher(options);
  try {
    for (const layer of baseLayers) await pusher.uploadBlob(repositories[0], { digest: layer.descriptor.digest, data: layer.data });
  } finally {
    await pusher.close();
  }
  await pool(repositories.length - 1, pushConcurrency, async (r) => {
    for (const layer of baseLayers) {
      const url = `${registry.url}/v2/${repositories[r + 1]}/blobs/uploads/?mount=${layer.descriptor.digest}&from=${repositories[0]}`;
      const response = await fetch(url, { method: 'POST' });
      await response.arrayBuffer();
      if (response.status !== 201) throw new Error(`mounting a base layer into ${repositories[r + 1]}: HTTP ${response.status}`);
    }
  });

  const layerDigests = new Set();
  let pushed = 0;
  const pushStarted = performance.now();
  await pool(imageCount, pushConcurrency, async (i) => {
    const repository = repositories[i % repositoryCount];
    const tag = `v${Math.floor(i / repositoryCount)}`;
    const base = bases[i % bases.length];
    const amd64 = derive(MediaType, base, await layerOf(makeTar, MediaType, appFiles(i, repository, tag, 'amd64')), `COPY app /app # ${i}`);
    if (!isMultiPlatform(i)) await pushImage(options, repository, tag, amd64);
    else {
      const arm64 = derive(MediaType, arm64Base, await layerOf(makeTar, MediaType, appFiles(i, repository, tag, 'arm64')), `COPY app /app # ${i}`);
      const platforms = [
        [amd64, { architecture: 'amd64', os: 'linux' }],
        [arm64, { architecture: 'arm64', os: 'linux', variant: 'v8' }],
      ];
      const index = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MediaType.ociIndex,
          manifests: platforms.map(([image, platform]) => ({
            mediaType: image.mediaType,
            digest: sha256(image.manifest),
            size: image.manifest.length,
            platform,
          })),
        }),
      );
      await pushIndex(options, repository, tag, { manifest: index, mediaType: MediaType.ociIndex, children: [amd64, arm64] });
      for (const digest of arm64.layerDigests) layerDigests.add(digest);
    }
    for (const digest of amd64.layerDigests) layerDigests.add(digest);
    if (++pushed % 50 === 0 || pushed === imageCount) log(`pushed ${pushed}/${imageCount}`);
  });
  const pushS = (performance.now() - pushStarted) / 1000;
  const multiPlatform = Array.from({ length: imageCount }, (_, i) => i).filter(isMultiPlatform).length;
  const distinctLayers = layerDigests.size;
  log(
    `${imageCount} images (${multiPlatform} multi-platform) in ${repositoryCount} repositories, ${distinctLayers} distinct layers, pushed in ${pushS.toFixed(1)} s`,
  );

  // advisories, so that the workers match what they find as in production (the shared OSV records, when present)
  const sharedAdvisories = join(shared, 'advisories');
  const advisories = existsSync(sharedAdvisories) ? join(tmp, 'osv.sqlite') : undefined;
  if (advisories)
    execFileSync(process.execPath, [shipshape, 'db', 'import', sharedAdvisories, '--db', advisories, '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'] });

  const configFile = join(tmp, 'shipshape.yaml');
  writeFileSync(configFile, `registries:\n  - name: ${registry.host}\n    plainHttp: true\n`);
  const config = await loadShipshapeConfig(configFile);
  const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  // the round under way, stopped by Ctrl-C too
  let stopRound;
  cleanups.push(async () => stopRound?.());

  /** One round: a fresh store, Redis and disk caches; `count` workers; one run from queue to done. */
  async function round(count, index) {
    const dir = join(tmp, `round-${index}`);
    mkdirSync(dir);
    const redis = await startRedis();
    const db = await postgres.createDatabase(`fleet_round_${index}`);
    const server = await startTestServer(config, { db, redis: redis.url });
    const workers = [];
    stopRound = async () => {
      stopRound = undefined;
      await Promise.all(workers.map((w) => stopChild(w.child, 'SIGKILL')));
      await server.close();
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    };
    try {
      for (let k = 0; k < count; k++) {
        const args = [
          shipshape,
          'worker',
          '--redis',
          redis.url,
          '--db',
          db,
          '--concurrency',
          String(concurrency),
          ...(advisories ? ['--advisories', advisories] : []),
        ];
        // each worker its own empty cache dir: nothing comes from a disk cache, only the fleet's store is shared
        const child = spawn(process.execPath, args, { env: { ...process.env, SHIPSHAPE_CACHE_DIR: join(dir, `cache-${k}`) } });
        track(child);
        const worker = { child, output: '' };
        // the tail only: enough to see errors, bounded for a long run
        const keep = (chunk) => (worker.output = (worker.output + chunk.toString()).slice(-200_000));
        child.stdout.on('data', keep);
        child.stderr.on('data', keep);
        workers.push(worker);
      }
      // queue only once every worker listens, so the wall time holds no start-up
      for (const worker of workers) {
        for (let waited = 0; !worker.output.includes('Shipshape worker on'); waited += 100) {
          if (worker.child.exitCode !== null || waited > 60_000) throw new Error(`a worker did not start:\n${worker.output}`);
          await sleep(100);
        }
      }
      log(`${count} worker(s) ready; queueing a run`);
      const started = performance.now();
      const queued = await server.queue.enqueue('manual');
      let run;
      for (let lastLog = started; ;) {
        run = await server.store.getRun(queued.id);
        if (run?.status === 'done' || run?.status === 'failed') break;
        const now = performance.now();
        if (now - started > timeoutMs) break;
        if (now - lastLog > 15_000) {
          lastLog = now;
          log(`run waiting… ${((now - started) / 1000).toFixed(0)} s (${run?.status ?? 'queued'})`);
        }
        await sleep(100);
      }
      const wallS = (performance.now() - started) / 1000;
      const status = run?.status === 'done' || run?.status === 'failed' ? run.status : 'timeout';
      if (status !== 'done') log(`the run with ${count} worker(s) ended ${status}: ${run?.error ?? ''}`);
      // read just before stopping: the workers' whole lives, each
      const figures = workers.map((w) => processFigures(w.child, ticksPerSecond));
      await Promise.all(workers.map((w) => stopChild(w.child, 'SIGTERM')));
      // the log lines that tell of trouble: errors, failures, retries
      const trouble = /error|fail|warn|could not|timed? ?out|attempt (?!1\b)\d+/i;
      const errorLines = workers.flatMap((w, k) =>
        w.output
          .split('\n')
          .filter((l) => trouble.test(l))
          .map((l) => `worker ${k}: ${l}`),
      );
      const stats = run?.stats ?? {};
      const result = {
        workers: count,
        status,
        wallS: Number(wallS.toFixed(2)),
        layerReads: stats.layerReads ?? null,
        layers: stats.layers ?? null,
        images: stats.images ?? null,
        // the run's three steps: listing (one job), reading the images (the fleet), assembling (one job)
        planS: stats.planMs === undefined ? null : stats.planMs / 1000,
        readS: stats.readMs === undefined ? null : stats.readMs / 1000,
        assembleS: stats.assembleMs === undefined ? null : stats.assembleMs / 1000,
        peakRssMiB: figures.map((f) => f.peakRssMiB),
        cpuS: Number(figures.reduce((n, f) => n + f.cpuS, 0).toFixed(2)),
        cpuSEach: figures.map((f) => Number(f.cpuS.toFixed(2))),
        check: status === 'done' && stats.layerReads === distinctLayers ? 'OK' : 'MISMATCH',
        workerErrors: errorLines.slice(0, 20),
        workerErrorCount: errorLines.length,
      };
      log(`${count} worker(s): ${JSON.stringify({ ...result, workerErrors: undefined })}`);
      if (result.check !== 'OK') {
        log(`!!! MISMATCH with ${count} worker(s): ${result.layerReads} layer reads, ${distinctLayers} distinct layers pushed (run ${status})`);
        for (const [k, w] of workers.entries()) log(`worker ${k} output (tail):\n${w.output.slice(-3000)}`);
      }
      return result;
    } finally {
      await stopRound?.();
    }
  }

  const rounds = [];
  for (const [index, count] of workerCounts.entries()) rounds.push(await round(count, index));

  const one = rounds.find((r) => r.workers === Math.min(...workerCounts));
  const baseline = rounds.find((r) => r.workers === 1);
  const per = (value, n) => (n ? value / n : null);
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    loadAtStart,
    loadAtEnd: loadavg().map((v) => v.toFixed(2)),
    images: imageCount,
    multiPlatform,
    repositories: repositoryCount,
    distinctLayers,
    pushS: Number(pushS.toFixed(1)),
    concurrency,
    advisories: advisories ? sharedAdvisories : null,
    rounds: rounds.map((r) => ({ ...r, speedUp: baseline && r.status === 'done' ? Number((baseline.wallS / r.wallS).toFixed(2)) : null })),
    // the costs of one image and one layer read, from the smallest fleet (1 worker by default)
    costs: {
      workers: one.workers,
      wallSPerImage: per(one.wallS, imageCount),
      wallSPerLayerRead: per(one.wallS, one.layerReads),
      cpuSPerImage: per(one.cpuS, imageCount),
      cpuSPerLayerRead: per(one.cpuS, one.layerReads),
    },
  };
  if (opts.json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  console.log(
    `\nshipshape fleet (${result.cpus} CPUs, load ${result.loadAtStart.join(' ')} at start, ${result.loadAtEnd.join(' ')} at end, ${result.node}): ${imageCount} images (${multiPlatform} multi-platform) ` +
      `in ${repositoryCount} repositories, ${distinctLayers} distinct layers; workers --concurrency ${concurrency}; ` +
      `advisories: ${advisories ? 'shared' : 'none'}\n`,
  );
  console.log(
    formatTable(
      [
        { title: 'workers', align: 'right' },
        { title: 'wall s', align: 'right' },
        { title: 'speed-up vs 1', align: 'right' },
        { title: 'layer reads', align: 'right' },
        { title: 'distinct layers', align: 'right' },
        { title: 'images', align: 'right' },
        { title: 'plan / read / assemble s', align: 'right' },
        { title: 'peak RSS per worker (max, MiB)', align: 'right' },
        { title: 'worker CPU s', align: 'right' },
        { title: 'check' },
      ],
      result.rounds.map((r) => [
        String(r.workers),
        r.status === 'done' ? r.wallS.toFixed(1) : `${r.status} (${r.wallS.toFixed(0)})`,
        r.speedUp === null ? '—' : `${r.speedUp.toFixed(2)}×`,
        String(r.layerReads ?? '—'),
        String(distinctLayers),
        String(r.images ?? '—'),
        [r.planS, r.readS, r.assembleS].map((v) => (v === null ? '—' : v.toFixed(1))).join(' / '),
        String(Math.max(...r.peakRssMiB.filter((m) => m !== null))),
        r.cpuS.toFixed(1),
        r.check,
      ]),
    ),
  );
  const { costs } = result;
  const ms = (s) => (s === null ? '—' : `${(s * 1000).toFixed(0)} ms`);
  console.log(
    `\nwith ${costs.workers} worker(s): per image ${ms(costs.wallSPerImage)} wall, ${ms(costs.cpuSPerImage)} CPU; ` +
      `per layer read ${ms(costs.wallSPerLayerRead)} wall, ${ms(costs.cpuSPerLayerRead)} CPU (push took ${result.pushS} s)`,
  );
  const counted = result.rounds.filter((r) => r.layers !== null && r.layers !== distinctLayers);
  if (counted.length)
    console.log(`!!! the run's stats.layers (distinct layers of its images): ${counted.map((r) => `${r.layers} with ${r.workers} worker(s)`).join(', ')}`);
  for (const r of result.rounds) {
    if (r.check !== 'OK')
      console.log(`!!! ${r.workers} worker(s): MISMATCH — ${r.layerReads} layer reads for ${distinctLayers} distinct layers (run ${r.status})`);
    if (r.workerErrorCount)
      console.log(`${r.workers} worker(s): ${r.workerErrorCount} line(s) of trouble in the workers' logs, the first:\n  ${r.workerErrors.join('\n  ')}`);
  }
}

main()
  .catch((error) => {
    // after Ctrl-C, what was stopped under the run fails: not worth a stack
    if (!interrupted) process.stderr.write(`bench-fleet: ${error.stack ?? error}\n`);
    process.exitCode = interrupted ? 130 : 1;
  })
  // exit once everything is stopped, whatever handle a library leaves open
  .finally(() => cleanUp().then(() => process.exit()));
