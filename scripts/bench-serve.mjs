#!/usr/bin/env node
// scripts/bench-serve.mjs — the server's two promises, measured against real services on loopback:
//  1. push → posture: Debian's docker-registry notifies the server of a push; the time from the push's
//     last request to the finished run that has the pushed image in the posture (median and worst of N),
//     in an estate that also holds the large registry below (kept from its last scan, not read again);
//  2. new advisories: a registry of N images (default 1000, each its own Debian package database) read
//     once; then the time to match every stored inventory against an advisory update (no image read)
//     against the time to read every image again with a cold layer cache — and their ratio.
// Run by `npm run bench` (`npm run bench -- --only serve` for this alone):
// node scripts/bench-serve.mjs [--images N] [--pushes N] [--json]
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createViteServer } from 'vitest/node';
import { formatTable, median } from './bench-lib.mjs';

const root = resolve(fileURLToPath(import.meta.url), '..', '..');
const log = (message) => process.stderr.write(`bench-serve: ${message}\n`);
const { values: opts } = parseArgs({
  options: {
    images: { type: 'string', default: '1000' },
    pushes: { type: 'string', default: '10' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: false,
});
if (opts.help) {
  console.log('Usage: node scripts/bench-serve.mjs [--images N] [--pushes N] [--json]');
  process.exit(0);
}
if (!existsSync('/usr/bin/docker-registry')) {
  log('skipped: needs docker-registry (apt-get install docker-registry)');
  process.exit(0);
}
const imageCount = Number(opts.images);
const pushCount = Number(opts.pushes);
const tmp = mkdtempSync(join(tmpdir(), 'shipshape-bench-serve-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
process.on('SIGINT', () => process.exit(130));

/** Debian 11 packages the example advisories name (openssl, zlib, curl…), each image with its own version of one. */
function dpkgStatus(index) {
  const packages = [
    ['zlib1g', 'zlib', '1:1.2.11.dfsg-2+deb11u1'],
    ['libssl1.1', 'openssl', '1.1.1n-0+deb11u3'],
    ['curl', 'curl', '7.74.0-1.3+deb11u3'],
    ['libc6', 'glibc', '2.31-13+deb11u5'],
    ['bash', 'bash', '5.1-2+deb11u1'],
    ['tar', 'tar', '1.34+dfsg-1'],
  ];
  return packages
    .map(
      ([name, source, version]) =>
        `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nSource: ${source}\nVersion: ${version}\nDescription: image ${index}\n`,
    )
    .join('\n');
}

async function main() {
  const vite = await createViteServer({ configFile: false, appType: 'custom', logLevel: 'silent', server: { middlewareMode: true, hmr: false, ws: false } });
  const load = (file) => vite.ssrLoadModule(join(root, 'src', file));
  const { startRegistry, freePort } = await load('test-support/docker-registry.ts');
  const { buildImage } = await load('test-support/image-builder.ts');
  const { pushImage } = await load('image/registry/push.ts');
  const { MediaType } = await load('image/media-types.ts');
  const { loadShipshapeConfig } = await load('lifecycle/config.ts');
  const { AdvisoryDatabase } = await load('jobs/advisories.ts');
  const { startTestServer } = await load('serve/test-server.ts');

  const secret = 'bench-serve-webhook-secret';
  const port = await freePort();
  // the estate: a large registry, and a small one whose pushes notify the server (the large one is then kept, not read)
  const registry = await startRegistry();
  const notifying = await startRegistry({ notify: { url: `http://127.0.0.1:${port}/hooks/registry`, token: secret } });
  const config = join(tmp, 'shipshape.yaml');
  const registries = [registry, notifying].map((r) => `  - name: ${r.host}\n    plainHttp: true\n`).join('');
  const advisories = JSON.stringify(join(root, 'examples', 'advisories'));
  writeFileSync(config, `registries:\n${registries}server:\n  webhookSecret: ${secret}\n  advisories: [${advisories}]\n`);
  const database = new AdvisoryDatabase(join(tmp, 'osv.sqlite'));
  await database.update([join(root, 'examples', 'advisories')], new Date());
  const server = await startTestServer(await loadShipshapeConfig(config), { listen: `127.0.0.1:${port}`, advisories: database });
  const push = async (host, repository, tag, index) => {
    const image = await buildImage({
      layers: [
        {
          createdBy: 'ADD rootfs',
          items: [
            { name: 'etc/' },
            { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="11"\n' },
            { name: 'var/' },
            { name: 'var/lib/' },
            { name: 'var/lib/dpkg/' },
            { name: 'var/lib/dpkg/status', content: dpkgStatus(index) },
          ],
        },
      ],
    });
    const blobs = [{ digest: image.configDigest, data: image.config }, ...image.layers.map((l) => ({ digest: l.digest, data: l.blob }))];
    await pushImage({ registry: host, plainHttp: true }, repository, tag, { manifest: image.manifest, mediaType: MediaType.ociManifest, blobs });
  };
  const timedRun = async (trigger) => {
    const started = performance.now();
    const run = await server.queue.enqueue(trigger);
    await server.queue.idle();
    const ended = await server.store.getRun(run.id);
    if (ended?.status !== 'done') throw new Error(`the ${trigger} run ended ${ended?.status}: ${ended?.error ?? server.logs.join('\n')}`);
    return { ms: performance.now() - started, run: ended };
  };
  try {
    log(`pushing ${imageCount} images (50 repositories)`);
    for (let i = 0; i < imageCount; i++) await push(registry.host, `bench/app-${i % 50}`, `1.${i}`, i);

    log('reading every image (cold layer cache)');
    await import('node:fs/promises').then((fs) => fs.rm(join(server.dir, 'cache'), { recursive: true, force: true }));
    const rescan = await timedRun('manual');
    log('matching every stored inventory against the advisories (no image read)');
    const rematch = await timedRun('advisories');

    log(`${pushCount} pushes, each to the posture`);
    const latencies = [];
    for (let i = 0; i < pushCount; i++) {
      const repository = `bench/pushed-${i}`;
      await push(notifying.host, repository, '1.0', imageCount + i);
      const pushed = performance.now();
      for (let attempt = 0; ; attempt++) {
        if (attempt > 6000) throw new Error(`the push of ${repository} did not reach the posture in 60 s`);
        const runs = await server.store.listRuns({ limit: 20 });
        const done = runs.items.find((r) => r.status === 'done' && r.trigger === 'push' && r.subject?.includes(repository));
        if (done) break;
        await sleep(10);
      }
      latencies.push(performance.now() - pushed);
      await server.queue.idle();
    }

    const result = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      loadavg: loadavg().map((v) => v.toFixed(2)),
      images: imageCount,
      rescanMs: Math.round(rescan.ms),
      rescanLayerReads: rescan.run.stats.layerReads,
      rematchMs: Math.round(rematch.ms),
      rematchLayerReads: rematch.run.stats.layerReads ?? 0,
      ratio: Number((rescan.ms / rematch.ms).toFixed(1)),
      pushToPostureMs: { median: Math.round(median(latencies)), worst: Math.round(Math.max(...latencies)), pushes: latencies.length },
    };
    if (opts.json) console.log(JSON.stringify(result, null, 2));
    else {
      console.log(`\nshipshape serve (${result.cpus} CPUs, load ${result.loadavg.join(' ')}, ${result.node})\n`);
      console.log(
        formatTable(
          [{ title: 'measure' }, { title: 'time', align: 'right' }, { title: 'notes' }],
          [
            [`re-scan ${imageCount} images (cold layer cache)`, `${(result.rescanMs / 1000).toFixed(1)} s`, `${result.rescanLayerReads} layers read`],
            [
              `re-match ${imageCount} stored inventories`,
              `${(result.rematchMs / 1000).toFixed(1)} s`,
              `no image read; ${result.ratio}× faster than re-scanning`,
            ],
            [
              'push → updated posture (median)',
              `${result.pushToPostureMs.median} ms`,
              `worst ${result.pushToPostureMs.worst} ms of ${pushCount}; the ${imageCount}-image registry kept, not read`,
            ],
          ],
        ),
      );
    }
  } finally {
    await server.close();
    database.close();
    await registry.stop();
    await notifying.stop();
    await vite.close();
  }
}

main().catch((error) => {
  process.stderr.write(`bench-serve: ${error.stack ?? error}\n`);
  process.exit(1);
});
