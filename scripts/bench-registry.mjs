#!/usr/bin/env node
// scripts/bench-registry.mjs — `shipshape registry scan` of a registry holding 50 tags built from 3 base images,
// side by side with trivy scanning the same 50 tags one by one (trivy has no registry scan). It pushes the images
// itself (Debian's docker-registry on loopback, skopeo) and checks that every distinct layer is read once.
// Run by `npm run bench` after the image benchmarks (`npm run bench -- --only registry` for this alone):
// node scripts/bench-registry.mjs [--runs N] [--json] [--no-peer] [--tags N]
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { createViteServer } from 'vitest/node';
import { detectRssMethod, formatTable, measure, median, stopChildren } from './bench-lib.mjs';

const root = resolve(fileURLToPath(import.meta.url), '..', '..');
const shared = resolve(process.env.SHIPSHAPE_SHARED ?? join(root, '..', 'shared'));
const cli = join(root, 'dist', 'cli', 'main.js');
const log = (message) => process.stderr.write(`bench-registry: ${message}\n`);
const sha256 = (data) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const run = (cmd, args, options = {}) => execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'], ...options });

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
    'no-peer': { type: 'boolean', default: false },
    tags: { type: 'string', default: '50' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: false,
});
if (opts.help) {
  console.log('Usage: node scripts/bench-registry.mjs [--runs N] [--json] [--no-peer] [--tags N]');
  process.exit(0);
}
const runs = Number(opts.runs);
const tagCount = Number(opts.tags);

for (const [what, ok] of [
  ['docker-registry (apt-get install docker-registry)', existsSync('/usr/bin/docker-registry')],
  ['skopeo (apt-get install skopeo)', existsSync('/usr/bin/skopeo')],
  [`the shared images in ${shared}/images`, existsSync(join(shared, 'images', 'debian-bookworm.oci.tar'))],
  ['dist/ (npm run build)', existsSync(cli)],
]) {
  if (!ok) {
    log(`skipped: needs ${what}`);
    process.exit(0);
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'shipshape-bench-registry-'));
let registry;
process.on('exit', () => {
  stopChildren();
  // the registry process itself goes with this one (docker-registry.ts kills what it started at exit)
  if (registry) rmSync(registry.storage, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
});
process.on('SIGINT', () => process.exit(130));

async function tarOf(entries) {
  const pack = tar.pack();
  const chunks = [];
  pack.on('data', (chunk) => chunks.push(chunk));
  const done = new Promise((ok) => pack.on('end', ok));
  for (const [name, content] of entries) pack.entry({ name, mode: 0o644, mtime: new Date('2024-01-01T00:00:00Z') }, content);
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** A small Alpine 3.19 base made here: the third base image (the shared data holds two Debian ones). */
async function alpineLayout(dir) {
  const installed = ['musl 1.2.4-r2', 'busybox 1.36.1-r15', 'zlib 1.3.1-r0', 'libcrypto3 3.1.4-r2', 'libssl3 3.1.4-r2']
    .map((p) => {
      const [name, version] = p.split(' ');
      return `P:${name}\nV:${version}\nA:x86_64\no:${name}\n`;
    })
    .join('\n');
  const layer = await tarOf([
    ['etc/os-release', 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n'],
    ['lib/apk/db/installed', `${installed}\n`],
  ]);
  const gz = gzipSync(layer);
  const config = JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    created: '2024-01-27T00:00:00Z',
    config: { Cmd: ['/bin/sh'] },
    rootfs: { type: 'layers', diff_ids: [sha256(layer)] },
    history: [{ created_by: 'ADD alpine-minirootfs.tar.gz /' }],
  });
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(gz), size: gz.length }],
  });
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const blob of [gz, Buffer.from(config), Buffer.from(manifest)]) writeFileSync(join(dir, 'blobs', 'sha256', sha256(blob).slice(7)), blob);
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: sha256(manifest),
          size: manifest.length,
          annotations: { 'org.opencontainers.image.ref.name': 'base' },
        },
      ],
    }),
  );
}

const blobPath = (dir, digest) => join(dir, 'blobs', 'sha256', digest.slice(7));

/** The base's manifest plus one small application layer: a new image sharing every base layer. */
async function derive(dir, n) {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
  const baseDescriptor = index.manifests[0];
  const base = JSON.parse(readFileSync(blobPath(dir, baseDescriptor.digest), 'utf8'));
  const baseConfig = JSON.parse(readFileSync(blobPath(dir, base.config.digest), 'utf8'));
  const layer = await tarOf([[`app/build-${n}.txt`, `build ${n}\n`]]);
  const gz = gzipSync(layer);
  const config = JSON.stringify({
    ...baseConfig,
    created: '2026-11-01T00:00:00Z',
    rootfs: { type: 'layers', diff_ids: [...baseConfig.rootfs.diff_ids, sha256(layer)] },
    history: [...(baseConfig.history ?? []), { created_by: `COPY app/build-${n}.txt /app/ # buildkit` }],
  });
  const manifest = JSON.stringify({
    ...base,
    config: { ...base.config, digest: sha256(config), size: config.length },
    layers: [...base.layers, { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(gz), size: gz.length }],
  });
  for (const blob of [gz, Buffer.from(config), Buffer.from(manifest)]) writeFileSync(blobPath(dir, sha256(blob)), blob);
  index.manifests.push({
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: sha256(manifest),
    size: manifest.length,
    annotations: { 'org.opencontainers.image.ref.name': `app-${n}` },
  });
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
  return base.layers.length + 1;
}

/**
 * The tests' own starter of Debian's docker-registry (src/test-support/docker-registry.ts). Test
 * support is not built into dist/, so it is loaded from source through Vite (vitest's), as the tests load it.
 */
async function registryStarter() {
  const server = await createViteServer({ configFile: false, appType: 'custom', logLevel: 'silent', server: { middlewareMode: true, hmr: false, ws: false } });
  try {
    return await server.ssrLoadModule(join(root, 'src', 'test-support', 'docker-registry.ts'));
  } finally {
    await server.close();
  }
}

async function main() {
  const { startRegistry } = await registryStarter();
  registry = await startRegistry();
  const { host, url } = registry;
  log(`registry at ${url}`);

  const bases = [join(tmp, 'bookworm'), join(tmp, 'bullseye-app'), join(tmp, 'alpine')];
  for (const [dir, archive] of [
    [bases[0], 'debian-bookworm.oci.tar'],
    [bases[1], 'bullseye-app.oci.tar'],
  ]) {
    mkdirSync(dir, { recursive: true });
    run('tar', ['-xf', join(shared, 'images', archive), '-C', dir]);
    // keep only the image's own manifest as the base entry
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
    writeFileSync(join(dir, 'index.json'), JSON.stringify({ ...index, manifests: index.manifests.slice(0, 1) }));
  }
  await alpineLayout(bases[2]);

  const baseLayerCounts = [];
  log(`building and pushing ${tagCount} tags`);
  for (let n = 0; n < tagCount; n++) {
    const dir = bases[n % 3];
    const layers = await derive(dir, n);
    baseLayerCounts[n % 3] = layers - 1;
    run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci:${dir}:app-${n}`, `docker://${host}/bench/app-${n % 10}:v${n}`]);
  }
  const distinctLayers = baseLayerCounts.reduce((a, b) => a + b, 0) + tagCount;

  const rssMethod = detectRssMethod();
  const rssFile = join(tmp, 'rss');
  const scanArgs = (cacheDir) => [
    cli,
    'registry',
    'scan',
    host,
    '--plain-http',
    '--no-history',
    '--scanners',
    'vuln,secret',
    '--db',
    join(tmp, 'no-db.sqlite'),
    '-f',
    'json',
    '--cache-dir',
    cacheDir,
    '-q',
  ];
  const peer = !opts['no-peer'] && existsSync(join(shared, 'tools', 'peer-trivy.sh'));
  const tags = Array.from({ length: tagCount }, (_, n) => `${host}/bench/app-${n % 10}:v${n}`);
  const samples = { cold: [], warm: [], trivy: [], rss: [] };
  let stats;
  for (let r = 0; r < runs; r++) {
    const cache = join(tmp, `cache-${r}`);
    const cold = await measure('node', scanArgs(cache), { rssMethod, rssFile, captureStdout: true });
    if (cold.code !== 0) throw new Error(`shipshape registry scan failed: ${cold.stderr}`);
    stats = JSON.parse(cold.stdout).stats;
    samples.cold.push(cold.wallS);
    if (cold.rssMiB) samples.rss.push(cold.rssMiB);
    const warm = await measure('node', scanArgs(cache), { rssMethod, rssFile });
    samples.warm.push(warm.wallS);
    if (peer) {
      const trivyCache = join(tmp, `trivy-${r}`);
      const started = process.hrtime.bigint();
      for (const tag of tags) {
        run(
          'bash',
          [
            join(shared, 'tools', 'peer-trivy.sh'),
            'image',
            '--image-src',
            'remote',
            '--insecure',
            '--scanners',
            'secret',
            '--format',
            'cyclonedx',
            '--offline-scan',
            '--skip-db-update',
            '--cache-dir',
            trivyCache,
            '-q',
            '-o',
            '/dev/null',
            tag,
          ],
          { env: { ...process.env, TRIVY_NON_SSL: 'true' } },
        );
      }
      samples.trivy.push(Number(process.hrtime.bigint() - started) / 1e9);
    }
    log(
      `run ${r + 1}/${runs}: cold ${samples.cold.at(-1).toFixed(2)} s, warm ${samples.warm.at(-1).toFixed(2)} s${peer ? `, trivy ${samples.trivy.at(-1).toFixed(2)} s` : ''}`,
    );
  }
  const readOnce = stats.layers.read === distinctLayers;
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    loadavg: loadavg().map((v) => v.toFixed(2)),
    runs,
    registry: { tags: tagCount, repositories: 10, baseImages: 3, distinctLayers },
    shipshape: {
      coldMedianS: median(samples.cold),
      warmMedianS: median(samples.warm),
      peakRssMiB: samples.rss.length ? Math.max(...samples.rss) : null,
      stats,
    },
    trivy: peer
      ? { medianS: median(samples.trivy), how: 'trivy image --image-src remote --scanners secret --format cyclonedx, once per tag, one shared cache' }
      : null,
    ratioToTrivy: peer ? median(samples.cold) / median(samples.trivy) : null,
    layersReadOnce: readOnce,
  };
  if (opts.json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    console.log(
      `\nRegistry scan benchmark — ${result.date}, ${tagCount} tags in 10 repositories from 3 base images, ${distinctLayers} distinct layers, ${runs} run(s)`,
    );
    console.log(
      formatTable(
        [
          { title: 'tool / mode', align: 'left' },
          { title: 'median s', align: 'right' },
          { title: 'x trivy', align: 'right' },
        ],
        [
          [
            'shipshape registry scan, cold cache',
            result.shipshape.coldMedianS.toFixed(2),
            result.ratioToTrivy === null ? '' : `${result.ratioToTrivy.toFixed(2)}x`,
          ],
          ['shipshape registry scan, warm cache', result.shipshape.warmMedianS.toFixed(2), ''],
          ...(peer ? [['trivy image × each tag (shared cache)', result.trivy.medianS.toFixed(2), '']] : []),
        ],
      ),
    );
    console.log(
      `layers: ${stats.layers.read} read, ${stats.layers.shared} taken from another image's read, ${stats.layers.fromDiskCache} from the disk cache; ` +
        `[${readOnce ? 'PASS' : 'MISS'}] every distinct layer read once (${distinctLayers} distinct)`,
    );
  }
  if (!readOnce) process.exitCode = 1;
}

main().then(
  () => registry?.stop(),
  (error) => {
    log(error.stack ?? String(error));
    process.exit(1);
  },
);
