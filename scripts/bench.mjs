#!/usr/bin/env node
// scripts/bench.mjs — how fast `shipshape image inspect` reads an image, measured in one run side by side with bare
// `gzip -dc` of the same layer blobs (the floor: every layer must be decompressed) and with trivy (the peer).
// `npm run bench -- --help` for options. Helpers live in bench-lib.mjs.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, homedir, loadavg, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { detectRssMethod, extractBlob, formatTable, measure, median, ociArchiveLayers, rotate, sha256File, stopChildren } from './bench-lib.mjs';

const USAGE = `Usage: node scripts/bench.mjs [--runs N] [--json] [--no-peer]

Times, on the shared images ($SHIPSHAPE_SHARED/images, default ../shared from the repo root):
  gzip -dc of the image's layer blobs            the floor: every layer has to be decompressed
  shipshape image inspect --no-cache             cold read
  shipshape image inspect --cache-dir NEW        cold read that also fills the layer cache
  shipshape image inspect --cache-dir SAME       warm: the same cache dir again
  shipshape sbom --format cyclonedx              cold (--no-cache) and warm: the same job as trivy's SBOM run
  shipshape scan image                           cold, with all shared advisories and with npm's alone
  shipshape db import                            all shared advisories into a new database
  shipshape k8s check                            10,000 generated Kubernetes objects
  trivy (shared/tools/peer-trivy.sh), cold (empty cache) and warm
Each measurement runs N times, the tools interleaved within a repetition; it prints median and min wall time
and peak RSS, ratios to gzip and to trivy, and whether the targets are met.

Options:
  --runs N    repetitions (default 5)
  --json      machine-readable results on stdout (progress still goes to stderr)
  --no-peer   skip trivy
  --no-registry      skip the registry scan benchmark (scripts/bench-registry.mjs, run after the rows above)
  --only registry    run only the registry scan benchmark
  --only serve       run only the server benchmark (scripts/bench-serve.mjs: push → posture latency, re-match vs re-scan)
  --no-serve         skip the server benchmark
  --only fleet       run only the fleet benchmark (scripts/bench-fleet.mjs: a run of 500 images by 1, 2, 4 workers on Redis + PostgreSQL)
  --no-fleet         skip the fleet benchmark
  --only host        run only the host scan benchmark (scripts/bench-host.mjs: shipshape host scan of a Docker host with 50 containers, --parallel 1, 2, 4, beside trivy rootfs of one)
  --no-host          skip the host scan benchmark
  -h, --help  this text`;

// The targets this benchmark exists to check.
const TARGET_GZIP_RATIO = 1.5; // shipshape cold read of debian-bookworm within 1.5x of bare gzip -dc of its layer
const TARGET_TRIVY_RATIO = 0.5; // "well under trivy's time", taken as at most half of trivy's cold time
const TARGET_SBOM_RATIO = 1; // shipshape sbom faster than trivy's SBOM of the same archive, on every image

const IMAGES = [
  { name: 'debian-bookworm', file: 'debian-bookworm.oci.tar', gzipTarget: true },
  { name: 'bullseye-app', file: 'bullseye-app.oci.tar', gzipTarget: false },
];

// Rows in display order. `vsTrivy` names the trivy row a shipshape row is compared with (cold with cold, warm with warm).
const MODES = [
  { id: 'gzip', label: 'gzip -dc (layer blobs, baseline)' },
  { id: 'ship-nocache', label: 'shipshape cold (--no-cache)', vsTrivy: 'trivy-cold' },
  { id: 'ship-fill', label: 'shipshape cold (new --cache-dir, fills it)', vsTrivy: 'trivy-cold' },
  { id: 'ship-warm', label: 'shipshape warm (same --cache-dir)', vsTrivy: 'trivy-warm' },
  { id: 'ship-docker', label: 'shipshape cold (--no-cache), docker-archive', vsTrivy: 'trivy-cold' },
  { id: 'sbom-cold', label: 'shipshape sbom cold (cyclonedx, --no-cache)', vsTrivy: 'trivy-cold' },
  { id: 'sbom-warm', label: 'shipshape sbom warm (cyclonedx, same --cache-dir)', vsTrivy: 'trivy-warm' },
  { id: 'trivy-cold', label: 'trivy cold (empty cache)' },
  { id: 'trivy-warm', label: 'trivy warm (filled cache)' },
  { id: 'scan-cold', label: 'shipshape scan image cold (all advisories, --no-cache)', vsTrivy: 'trivy-cold' },
  { id: 'scan-cold-small', label: 'shipshape scan image cold (npm-only advisory DB)', vsTrivy: 'trivy-cold' },
  { id: 'secret-cold', label: 'shipshape secret scan cold (--scanners secret, --no-cache)', vsTrivy: 'trivy-secret' },
  { id: 'trivy-secret', label: 'trivy secret scan cold (--scanners secret, empty cache)' },
  { id: 'k8s-10k', label: 'shipshape k8s check of 10,000 generated objects' },
  { id: 'db-import', label: 'shipshape db import of all shared advisories (6777)' },
  { id: 'ship-startup', label: 'shipshape startup only (--version)' },
  { id: 'trivy-startup', label: 'trivy startup only (image --help)' },
];
const ANY_IMAGE = '(none)';

// Trivy flag sets, most wanted first. The first one that trivy accepts on the warm-up run is used for every run.
const TRIVY_FLAG_SETS = [
  { flags: ['--format', 'json', '--offline-scan', '--skip-db-update', '--scanners', 'none'], why: 'the flags asked for' },
  {
    flags: ['--format', 'cyclonedx', '--offline-scan', '--skip-db-update'],
    why:
      'SBOM mode, which this trivy says "disables security scanning": it reads every layer and runs the ' +
      'package analyzers only, the nearest thing to --scanners none',
  },
  {
    flags: ['--format', 'json', '--offline-scan', '--skip-db-update', '--scanners', 'license', '--list-all-pkgs'],
    why: 'the lightest JSON-format scan this trivy runs without a vulnerability DB (adds license analysis)',
  },
];

class BenchError extends Error {
  constructor(message, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

const log = (message) => process.stderr.write(`bench: ${message}\n`);

// ---------------------------------------------------------------------------------------------------- setup

function parseOptions() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        runs: { type: 'string', default: '5' },
        json: { type: 'boolean', default: false },
        'no-peer': { type: 'boolean', default: false },
        'no-registry': { type: 'boolean', default: false },
        'no-serve': { type: 'boolean', default: false },
        'no-fleet': { type: 'boolean', default: false },
        'no-host': { type: 'boolean', default: false },
        only: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (err) {
    throw new BenchError(`${err.message}\n\n${USAGE}`, 2);
  }
  if (parsed.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const runs = Number(parsed.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new BenchError(`--runs wants a whole number >= 1, not "${parsed.runs}"`, 2);
  if (parsed.only !== undefined && !['registry', 'serve', 'fleet', 'host'].includes(parsed.only))
    throw new BenchError(`--only takes "registry", "serve", "fleet" or "host", not "${parsed.only}"`, 2);
  return {
    runs,
    json: parsed.json,
    peer: !parsed['no-peer'],
    registry: !parsed['no-registry'],
    serve: !parsed['no-serve'],
    fleet: !parsed['no-fleet'],
    host: !parsed['no-host'],
    onlyRegistry: parsed.only === 'registry',
    onlyServe: parsed.only === 'serve',
    onlyFleet: parsed.only === 'fleet',
    onlyHost: parsed.only === 'host',
  };
}

function resolvePaths() {
  const repoRoot = fileURLToPath(new URL('..', import.meta.url));
  const shared = resolve(repoRoot, process.env.SHIPSHAPE_SHARED ?? '../shared');
  return {
    repoRoot,
    shared,
    cli: join(repoRoot, 'dist', 'cli', 'main.js'),
    peerScript: join(shared, 'tools', 'peer-trivy.sh'),
    // Where peer-trivy.sh keeps trivy and its OCI→docker-archive conversions (same default as the wrapper).
    peerCache: process.env.PEER_CACHE || join(process.env.HOME || homedir(), '.cache', 'peer-trivy'),
  };
}

/** Fail early, with what to do, rather than half-way through a long run. */
function checkPrerequisites(paths, notes) {
  if (!existsSync(paths.cli)) {
    throw new BenchError(`${paths.cli} is missing: build the CLI first with \`npm run build\``, 2);
  }
  for (const image of IMAGES) {
    const file = join(paths.shared, 'images', image.file);
    if (!existsSync(file)) {
      throw new BenchError(`shared image ${file} is missing (set SHIPSHAPE_SHARED to the shared/ folder; now ${paths.shared})`, 2);
    }
  }
  for (const tool of ['gzip', 'tar']) {
    try {
      execFileSync(tool, ['--version'], { stdio: 'ignore' });
    } catch {
      throw new BenchError(`\`${tool}\` is not on PATH; the benchmark needs it`, 2);
    }
  }
  // A stale dist/ would time yesterday's code: warn (not fail), since src/ may be mid-edit.
  const newestSrc = newestMtime(join(paths.repoRoot, 'src'), (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  if (newestSrc > statSync(paths.cli).mtimeMs) {
    notes.push('dist/ is older than some file in src/: these numbers are for the last build (`npm run build` to refresh).');
  }
}

function newestMtime(dir, wanted) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path, wanted));
    else if (wanted(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** One temp dir for everything we write; removed on every way out (normal end, error, Ctrl-C). */
function makeTempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-bench-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      stopChildren();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
  return dir;
}

/** Extract each image's layer blobs once (verified against their digests) for the gzip baseline. */
async function prepareImages(paths, ctx) {
  const images = [];
  for (const image of IMAGES) {
    const archive = join(paths.shared, 'images', image.file);
    const { manifestDigest, layers } = ociArchiveLayers(archive);
    const blobDir = join(ctx.tmp, image.name);
    mkdirSync(blobDir);
    const blobFiles = [];
    for (const layer of layers) {
      const dest = join(blobDir, `${layer.digest.replace(':', '-')}.gz`);
      await extractBlob(archive, layer.member, layer.digest, dest);
      blobFiles.push(dest);
    }
    log(`${image.name}: ${layers.length} layer blob(s) extracted for the gzip baseline`);
    images.push({ ...image, archive, manifestDigest, layerCount: layers.length, blobFiles, dockerArchive: null });
  }
  return images;
}

// ---------------------------------------------------------------------------------------------------- commands

/** Run and require success: a failed run has no meaningful time. */
async function timed(ctx, what, cmd, args, { env, captureStdout } = {}) {
  const m = await measure(cmd, args, { rssMethod: ctx.rssMethod, rssFile: join(ctx.tmp, 'rss.txt'), env, captureStdout });
  if (m.code !== 0) {
    throw new BenchError(`${what} failed (${m.signal ? `signal ${m.signal}` : `exit ${m.code}`}): ${cmd} ${args.join(' ')}\n${m.stderr.trim()}`);
  }
  return m;
}

function shipshape(ctx, paths, image, archive, cacheArgs, captureStdout = false) {
  const args = [paths.cli, 'image', 'inspect', archive, '--format', 'json', ...cacheArgs, '--quiet'];
  return timed(ctx, `shipshape on ${image.name}`, process.execPath, args, { captureStdout });
}

/** `shipshape scan image` with an advisory database: inventory + matching, JSON out. */
function shipshapeScan(ctx, paths, image, db) {
  const args = [paths.cli, 'scan', 'image', image.archive, '--format', 'json', '--no-cache', '--quiet', '--db', db, '--max-db-age', '10000d'];
  return timed(ctx, `shipshape scan on ${image.name}`, process.execPath, args);
}

const indent = (text, pad) => `${text.replace(/\n$/, '').replace(/^/gm, pad)}\n`;

/** 10,000 objects in one multi-document YAML: Deployments, CronJobs, Pods and Namespaces, a mix of good and bad. */
function writeManifestSet(file) {
  const docs = [];
  for (let i = 0; i < 10_000; i++) {
    const ns = `team-${i % 50}`;
    const secure = i % 3 === 0;
    const container =
      `    - name: app\n      image: registry.example.com/${ns}/svc-${i}:1.${i % 7}\n` +
      (secure
        ? '      securityContext:\n        allowPrivilegeEscalation: false\n        runAsNonRoot: true\n        capabilities: {drop: [ALL]}\n        seccompProfile: {type: RuntimeDefault}\n'
        : '      securityContext: {privileged: true}\n');
    if (i % 200 === 0) docs.push(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n`);
    else if (i % 4 === 0)
      docs.push(
        `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: job-${i}, namespace: ${ns}}\nspec:\n  schedule: "0 * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n${indent(container, '      ')}`,
      );
    else
      docs.push(
        `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: svc-${i}, namespace: ${ns}}\nspec:\n  template:\n    spec:\n      containers:\n${indent(container, '  ')}`,
      );
  }
  writeFileSync(file, docs.join('---\n'));
}

/** A fresh database with every shared advisory: the import's own time. */
function dbImport(ctx, paths, db, sources) {
  rmSync(db, { force: true });
  rmSync(`${db}-wal`, { force: true });
  rmSync(`${db}-shm`, { force: true });
  return timed(ctx, 'shipshape db import', process.execPath, [paths.cli, 'db', 'import', ...sources, '--db', db, '--quiet']);
}

/** `shipshape sbom` as CycloneDX: the same job as trivy's `--format cyclonedx` run. */
function shipshapeSbom(ctx, paths, image, cacheArgs) {
  const args = [paths.cli, 'sbom', image.archive, '--format', 'cyclonedx', ...cacheArgs, '--quiet'];
  return timed(ctx, `shipshape sbom on ${image.name}`, process.execPath, args);
}

function gzipBaseline(ctx, image) {
  return timed(ctx, `gzip -dc on ${image.name}`, 'gzip', ['-dc', ...image.blobFiles]);
}

/** trivy through the wrapper; `--cache-dir` overrides the wrapper's TRIVY_CACHE_DIR so its shared cache is left alone. */
function trivyArgs(input, flags, cacheDir) {
  return ['image', '--input', input, ...flags, '--cache-dir', cacheDir];
}

// With PEER_TRIVY_NO_CONVERT=1 and a docker-archive, the wrapper neither hashes nor lists the input: the timed
// run is trivy itself. (Without it, the wrapper sha256sums and tar-lists the archive on every call.)
function trivyEnv(noConvert) {
  return { ...process.env, PEER_TRIVY_NO_CONVERT: noConvert ? '1' : '0' };
}

async function trivyCold(ctx, paths, peer, image) {
  const cacheDir = join(ctx.tmp, 'trivy-cold'); // new and empty for every run: nothing cached from before
  rmSync(cacheDir, { recursive: true, force: true });
  try {
    return await timed(ctx, `trivy on ${image.name}`, paths.peerScript, trivyArgs(image.peerInput, peer.flags, cacheDir), {
      env: trivyEnv(image.peerNoConvert),
    });
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

/** trivy's secret scanner (needs no vulnerability DB), with an empty cache every run. */
async function trivySecret(ctx, paths, image) {
  const cacheDir = join(ctx.tmp, 'trivy-secret');
  rmSync(cacheDir, { recursive: true, force: true });
  try {
    const flags = ['--scanners', 'secret', '--format', 'json', '--offline-scan', '--skip-db-update', '--quiet'];
    return await timed(ctx, `trivy secret scan on ${image.name}`, paths.peerScript, trivyArgs(image.peerInput, flags, cacheDir), {
      env: trivyEnv(image.peerNoConvert),
    });
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

function trivyWarm(ctx, paths, peer, image) {
  return timed(ctx, `trivy (warm) on ${image.name}`, paths.peerScript, trivyArgs(image.peerInput, peer.flags, image.trivyWarmCache), {
    env: trivyEnv(image.peerNoConvert),
  });
}

// ---------------------------------------------------------------------------------------------------- warm-up

/**
 * Untimed runs before measuring: they load the inputs into the page cache (so every tool reads from memory),
 * check that each tool really works on each image, and do trivy's one-off costs (install, OCI→docker conversion).
 */
async function warmUp(ctx, paths, images, wantPeer) {
  for (const image of images) {
    await gzipBaseline(ctx, image);
    const out = await shipshape(ctx, paths, image, image.archive, ['--no-cache'], true);
    checkShipshapeOutput(image, out.stdout);
    log(`${image.name}: shipshape warm-up ok (${out.wallS.toFixed(2)} s)`);
  }
  if (!wantPeer) return null;
  return preparePeer(ctx, paths, images);
}

function checkShipshapeOutput(image, stdout) {
  let report;
  try {
    report = JSON.parse(stdout);
  } catch {
    throw new BenchError(`shipshape printed no valid JSON for ${image.name}`);
  }
  if (report.digest !== image.manifestDigest || report.layers?.length !== image.layerCount) {
    throw new BenchError(
      `shipshape reported ${report.digest} with ${report.layers?.length} layers for ${image.name}; ` +
        `the archive has ${image.manifestDigest} with ${image.layerCount}`,
    );
  }
}

/** Pick trivy flags it accepts, convert each archive once (the wrapper caches it), fill a warm cache per image. */
async function preparePeer(ctx, paths, images) {
  const notes = [];
  if (!existsSync(paths.peerScript)) {
    ctx.notes.push(`trivy skipped: ${paths.peerScript} not found.`);
    return null;
  }
  let chosen = null;
  for (const image of images) {
    if (!chosen) {
      // First image: find a flag set this trivy accepts (it exits 1 without a word on some unknown values).
      for (const candidate of TRIVY_FLAG_SETS) {
        const m = await trivyProbe(ctx, paths, image, candidate.flags);
        if (m.ok) {
          chosen = candidate;
          break;
        }
        notes.push(`trivy rejected \`${candidate.flags.join(' ')}\` (${m.said}).`);
      }
      if (!chosen) {
        ctx.notes.push(...notes, 'trivy skipped: it accepted none of the flag sets.');
        return null;
      }
    } else {
      const m = await trivyProbe(ctx, paths, image, chosen.flags);
      if (!m.ok) throw new BenchError(`trivy failed on ${image.name} with \`${chosen.flags.join(' ')}\` (${m.said})`);
    }
    await locatePeerInput(paths, image, notes);
    image.trivyWarmCache = join(ctx.tmp, `trivy-warm-${image.name}`);
    await trivyWarm(ctx, paths, { flags: chosen.flags }, image); // fills the warm cache
    log(`${image.name}: trivy warm-up ok`);
  }
  notes.push(`trivy flags: \`${chosen.flags.join(' ')}\` — ${chosen.why}.`);
  // Asked: cold = no fanal cache from before. An empty --cache-dir per run does that everywhere; say whether the
  // in-memory backend would have been the other way.
  const memory = await trivyProbe(ctx, paths, images[0], [...chosen.flags, '--cache-backend', 'memory']);
  notes.push(
    'trivy cold = a new, empty --cache-dir for every run (its fanal cache cleared); trivy warm = one ' +
      "--cache-dir per image filled in the warm-up; the wrapper's own cache in PEER_CACHE is not touched. " +
      `(\`--cache-backend memory\` ${memory.ok ? 'is accepted too, but not used' : `is not accepted by this trivy: ${memory.said}`}.)`,
  );
  ctx.notes.push(...notes);
  return { flags: chosen.flags, why: chosen.why };
}

/** One untimed trivy run on the OCI archive (on first use the wrapper installs trivy and converts the archive). */
async function trivyProbe(ctx, paths, image, flags) {
  const scratch = join(ctx.tmp, 'trivy-scratch');
  rmSync(scratch, { recursive: true, force: true });
  try {
    const m = await measure(paths.peerScript, trivyArgs(image.archive, flags, scratch), {
      rssMethod: 'none',
      env: trivyEnv(false),
      captureStdout: true,
    });
    if (m.code === 0 && isJson(m.stdout)) return { ok: true };
    const said = m.stderr.split('\n').filter((l) => l.trim() && !/^peer-trivy\.sh: (installing|converting)|^added \d+ package/.test(l));
    return { ok: false, said: `exit ${m.code}${said.length ? `: ${said.slice(-2).join(' / ').slice(0, 200)}` : ', no message'}` };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function isJson(text) {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Time trivy on the docker-archive the wrapper made, so the per-call wrapper work (sha256sum + tar -t of the OCI
 * archive) is not charged to trivy. Also lets shipshape read the very same file (the `docker-archive` row).
 */
async function locatePeerInput(paths, image, notes) {
  const sum = (await sha256File(image.archive)).slice(0, 16);
  const converted = join(paths.peerCache, 'converted', `${basename(image.file, '.tar')}-${sum}.docker.tar`);
  if (existsSync(converted)) {
    Object.assign(image, { peerInput: converted, peerNoConvert: true, dockerArchive: converted });
  } else {
    Object.assign(image, { peerInput: image.archive, peerNoConvert: false });
    notes.push(
      `${image.name}: the wrapper's docker-archive was not found at ${converted}; trivy is timed on the OCI ` +
        "archive, including the wrapper's sha256sum and tar listing of it on every call.",
    );
  }
}

// ---------------------------------------------------------------------------------------------------- measuring

/** What one repetition runs for an image, as units; a unit is a sequence that must stay in order (fill → warm). */
function unitsFor(ctx, paths, peer, image) {
  const units = [
    { modes: ['gzip'], run: async () => [await gzipBaseline(ctx, image)] },
    { modes: ['ship-nocache'], run: async () => [await shipshape(ctx, paths, image, image.archive, ['--no-cache'])] },
    {
      modes: ['ship-fill', 'ship-warm'],
      run: async () => {
        const cacheDir = join(ctx.tmp, 'shipshape-cache');
        rmSync(cacheDir, { recursive: true, force: true });
        try {
          const fill = await shipshape(ctx, paths, image, image.archive, ['--cache-dir', cacheDir]);
          const warm = await shipshape(ctx, paths, image, image.archive, ['--cache-dir', cacheDir]);
          return [fill, warm];
        } finally {
          rmSync(cacheDir, { recursive: true, force: true });
        }
      },
    },
  ];
  units.push({
    modes: ['secret-cold'],
    run: async () => [
      await timed(ctx, `shipshape secret scan on ${image.name}`, process.execPath, [
        paths.cli,
        'scan',
        'image',
        image.archive,
        '--scanners',
        'secret',
        '--format',
        'json',
        '--no-cache',
        '--quiet',
      ]),
    ],
  });
  units.push({ modes: ['scan-cold'], run: async () => [await shipshapeScan(ctx, paths, image, ctx.fullDb)] });
  units.push({ modes: ['scan-cold-small'], run: async () => [await shipshapeScan(ctx, paths, image, ctx.smallDb)] });
  units.push({ modes: ['sbom-cold'], run: async () => [await shipshapeSbom(ctx, paths, image, ['--no-cache'])] });
  units.push({
    modes: ['sbom-warm'],
    run: async () => {
      const cacheDir = join(ctx.tmp, 'shipshape-sbom-cache');
      rmSync(cacheDir, { recursive: true, force: true });
      try {
        await shipshapeSbom(ctx, paths, image, ['--cache-dir', cacheDir]); // fill, untimed
        return [await shipshapeSbom(ctx, paths, image, ['--cache-dir', cacheDir])];
      } finally {
        rmSync(cacheDir, { recursive: true, force: true });
      }
    },
  });
  if (image.dockerArchive) {
    units.push({ modes: ['ship-docker'], run: async () => [await shipshape(ctx, paths, image, image.dockerArchive, ['--no-cache'])] });
  }
  if (peer) {
    units.push({ modes: ['trivy-cold'], run: async () => [await trivyCold(ctx, paths, peer, image)] });
    units.push({ modes: ['trivy-warm'], run: async () => [await trivyWarm(ctx, paths, peer, image)] });
    units.push({ modes: ['trivy-secret'], run: async () => [await trivySecret(ctx, paths, image)] });
  }
  return units;
}

/**
 * N repetitions; within each, every tool runs once per image, in an order rotated per repetition, so a noisy
 * moment on the shared cores hits all tools alike and the ratios stay fair.
 * @returns {Map<string, {wallS: number, rssMiB: number|null}[]>} keyed by `${image}\t${mode}`
 */
async function runRepetitions(ctx, paths, peer, images, runs) {
  const samples = new Map();
  const record = (image, mode, m) => {
    const key = `${image}\t${mode}`;
    if (!samples.has(key)) samples.set(key, []);
    samples.get(key).push({ wallS: m.wallS, rssMiB: m.rssMiB });
  };
  for (let rep = 0; rep < runs; rep++) {
    const started = process.hrtime.bigint();
    for (const image of rotate(images, rep)) {
      for (const unit of rotate(unitsFor(ctx, paths, peer, image), rep)) {
        const results = await unit.run();
        unit.modes.forEach((mode, i) => record(image.name, mode, results[i]));
      }
    }
    record(ANY_IMAGE, 'k8s-10k', await timed(ctx, 'shipshape k8s check', process.execPath, [paths.cli, 'k8s', 'check', ctx.manifests, '--format', 'json']));
    record(ANY_IMAGE, 'db-import', await dbImport(ctx, paths, join(ctx.tmp, 'import-timing.sqlite'), [join(paths.shared, 'advisories')]));
    // Each tool's fixed start-up cost (process start, module loading / init), to read the other rows against.
    record(ANY_IMAGE, 'ship-startup', await timed(ctx, 'shipshape --version', process.execPath, [paths.cli, '--version']));
    if (peer) {
      record(ANY_IMAGE, 'trivy-startup', await timed(ctx, 'trivy image --help', paths.peerScript, ['image', '--help'], { env: trivyEnv(true) }));
    }
    log(`repetition ${rep + 1}/${runs} done (${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s)`);
  }
  return samples;
}

// ---------------------------------------------------------------------------------------------------- results

function summarize(samples, images) {
  const stat = (image, mode) => {
    const list = samples.get(`${image}\t${mode}`);
    if (!list) return null;
    const walls = list.map((s) => s.wallS);
    const rss = list.map((s) => s.rssMiB).filter((v) => v !== null);
    return {
      medianS: median(walls),
      minS: Math.min(...walls),
      maxS: Math.max(...walls),
      peakRssMiB: rss.length ? Math.max(...rss) : null,
      samples: list,
    };
  };
  const rows = [];
  for (const image of [...images.map((i) => i.name), ANY_IMAGE]) {
    const gzip = stat(image, 'gzip');
    for (const mode of MODES) {
      const s = stat(image, mode.id);
      if (!s) continue;
      const trivy = mode.vsTrivy ? stat(image, mode.vsTrivy) : null;
      rows.push({
        image,
        mode: mode.id,
        label: mode.label,
        ...s,
        ratioToGzip: gzip && mode.id !== 'gzip' ? s.medianS / gzip.medianS : null,
        ratioToTrivy: trivy ? s.medianS / trivy.medianS : null,
      });
    }
  }
  return rows;
}

function checkTargets(rows, images) {
  const find = (image, mode) => rows.find((r) => r.image === image && r.mode === mode);
  const targets = [];
  for (const image of images) {
    const ship = find(image.name, 'ship-nocache');
    const gzip = find(image.name, 'gzip');
    const trivy = find(image.name, 'trivy-cold');
    if (image.gzipTarget && ship && gzip) {
      targets.push({
        image: image.name,
        what: `shipshape cold ÷ gzip -dc of its layer`,
        value: ship.ratioToGzip,
        limit: TARGET_GZIP_RATIO,
        pass: ship.ratioToGzip <= TARGET_GZIP_RATIO,
        detail: `${ship.medianS.toFixed(2)} s vs ${gzip.medianS.toFixed(2)} s`,
      });
    }
    if (ship && trivy) {
      targets.push({
        image: image.name,
        what: 'shipshape cold ÷ trivy cold ("well under")',
        value: ship.ratioToTrivy,
        limit: TARGET_TRIVY_RATIO,
        pass: ship.ratioToTrivy <= TARGET_TRIVY_RATIO,
        detail: `${ship.medianS.toFixed(2)} s vs ${trivy.medianS.toFixed(2)} s`,
      });
    }
    const sbom = find(image.name, 'sbom-cold');
    if (sbom && trivy) {
      targets.push({
        image: image.name,
        what: 'shipshape sbom cold ÷ trivy SBOM cold ("faster than the peer")',
        value: sbom.ratioToTrivy,
        limit: TARGET_SBOM_RATIO,
        pass: sbom.ratioToTrivy < TARGET_SBOM_RATIO,
        detail: `${sbom.medianS.toFixed(2)} s vs ${trivy.medianS.toFixed(2)} s`,
      });
    }
  }
  return targets;
}

/** What the ratios alone hide: how much of each time is fixed start-up, and what the gzip baseline leaves out. */
function derivedNotes(rows, images) {
  const med = (image, mode) => rows.find((r) => r.image === image && r.mode === mode)?.medianS;
  const notes = [];
  const shipStart = med(ANY_IMAGE, 'ship-startup');
  const trivyStart = med(ANY_IMAGE, 'trivy-startup');
  if (shipStart !== undefined && trivyStart !== undefined) {
    const beyond = images
      .map((image) => {
        const ship = med(image.name, 'ship-nocache');
        const trivy = med(image.name, 'trivy-cold');
        return ship === undefined || trivy === undefined
          ? null
          : `${image.name} shipshape ${(ship - shipStart).toFixed(2)} s vs trivy ${(trivy - trivyStart).toFixed(2)} s`;
      })
      .filter(Boolean);
    notes.push(
      `start-up alone: shipshape ${shipStart.toFixed(2)} s, trivy ${trivyStart.toFixed(2)} s. ` +
        `Cold medians minus start-up: ${beyond.join('; ')} (trivy reads the uncompressed docker-archive: no gunzip).`,
    );
  }
  for (const image of images.filter((i) => i.layerCount > 1)) {
    notes.push(
      `${image.name}: gzip -dc decompresses its ${image.layerCount} layers one after another; shipshape reads ` +
        "up to 3 at once (--parallel default) on the machine's cores, so its x gzip there is not the like-for-like one.",
    );
  }
  return notes;
}

function printReport(meta, rows, targets, notes) {
  const fix = (v, digits) => (v === null || v === undefined ? '-' : v.toFixed(digits));
  const ratio = (v) => (v === null ? '' : `${v.toFixed(2)}x`);
  console.log(
    `Shipshape benchmark — ${meta.date}, node ${meta.node}, ${meta.cpus} CPUs, load ${meta.loadavg.join(' ')} ` +
      `at start, ${meta.runs} run(s) each, median of wall time`,
  );
  console.log('');
  console.log(
    formatTable(
      [
        { title: 'image', align: 'left' },
        { title: 'tool / mode', align: 'left' },
        { title: 'median s', align: 'right' },
        { title: 'min s', align: 'right' },
        { title: 'peak RSS MiB', align: 'right' },
        { title: 'x gzip', align: 'right' },
        { title: 'x trivy', align: 'right' },
      ],
      rows.map((r) => [r.image, r.label, fix(r.medianS, 3), fix(r.minS, 3), fix(r.peakRssMiB, 1), ratio(r.ratioToGzip), ratio(r.ratioToTrivy)]),
    ),
  );
  console.log('');
  console.log("x gzip: median ÷ median of gzip -dc of the same image's layer blobs. x trivy: shipshape median ÷ trivy median");
  console.log('(cold rows ÷ trivy cold, warm ÷ trivy warm). Peak RSS: the highest of the runs.');
  console.log('');
  console.log('Targets:');
  if (!targets.length) console.log('  (none measurable in this run)');
  for (const t of targets) {
    console.log(`  [${t.pass ? 'PASS' : 'MISS'}] ${t.image}: ${t.what} = ${t.value.toFixed(2)}x (target <= ${t.limit}x; ${t.detail})`);
  }
  if (notes.length) {
    console.log('');
    console.log('Notes:');
    for (const note of notes) console.log(`  - ${note}`);
  }
}

// ---------------------------------------------------------------------------------------------------- main

/** A benchmark that runs as its own script beside this one, with `--json` when asked; its failure fails this run. */
function runBenchScript(script, opts, extraArgs = []) {
  const args = [join(dirname(fileURLToPath(import.meta.url)), script), ...extraArgs];
  if (opts.json) args.push('--json');
  const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exitCode = result.status ?? 1;
}

/** `--runs` (at most 3: these are long) and `--no-peer` as given, for the scripts that time trivy too. */
const peerBenchArgs = (opts) => ['--runs', String(Math.min(opts.runs, 3)), ...(opts.peer ? [] : ['--no-peer'])];
/** The registry scan benchmark starts a registry and pushes 50 tags. */
const runRegistryBench = (opts) => runBenchScript('bench-registry.mjs', opts, peerBenchArgs(opts));
/** The server benchmark starts a registry that notifies a server, and pushes 1000 images. */
const runServeBench = (opts) => runBenchScript('bench-serve.mjs', opts);
/** The fleet benchmark starts a registry, PostgreSQL, Redis, a server and worker processes. */
const runFleetBench = (opts) => runBenchScript('bench-fleet.mjs', opts);
/** The host scan benchmark builds a Docker host of 50 containers from the shared images (with buildah). */
const runHostBench = (opts) => runBenchScript('bench-host.mjs', opts, peerBenchArgs(opts));

async function main() {
  const opts = parseOptions();
  if (opts.onlyRegistry) return runRegistryBench(opts);
  if (opts.onlyServe) return runServeBench(opts);
  if (opts.onlyFleet) return runFleetBench(opts);
  if (opts.onlyHost) return runHostBench(opts);
  const paths = resolvePaths();
  const notes = [];
  checkPrerequisites(paths, notes);
  const ctx = { tmp: makeTempDir(), rssMethod: detectRssMethod(), notes };
  notes.push(
    {
      'gnu-time': "peak RSS from GNU /usr/bin/time (%M, the child's ru_maxrss).",
      'proc-poll': 'peak RSS from polling /proc/<pid>/status VmHWM every 10 ms (no GNU time; `apt-get install time` for exact values).',
      none: 'peak RSS not measured (no GNU time, no /proc).',
    }[ctx.rssMethod],
  );
  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    loadavg: loadavg().map((v) => v.toFixed(2)),
    runs: opts.runs,
    rssMethod: ctx.rssMethod,
  };

  const images = await prepareImages(paths, ctx);
  // advisory databases for the scan rows: all shared advisories, and npm's alone (lookups must not grow with the DB)
  ctx.manifests = join(ctx.tmp, 'manifests-10k.yaml');
  writeManifestSet(ctx.manifests);
  ctx.fullDb = join(ctx.tmp, 'full.sqlite');
  ctx.smallDb = join(ctx.tmp, 'small.sqlite');
  await dbImport(ctx, paths, ctx.fullDb, [join(paths.shared, 'advisories')]);
  await dbImport(ctx, paths, ctx.smallDb, [join(paths.shared, 'advisories', 'npm')]);
  const peer = await warmUp(ctx, paths, images, opts.peer);
  notes.push('all inputs are read from the page cache (warmed up first): the times are CPU, not disk.');
  log(`measuring: ${opts.runs} repetition(s)`);
  const samples = await runRepetitions(ctx, paths, peer, images, opts.runs);
  const rows = summarize(samples, images);
  const targets = checkTargets(rows, images);
  notes.push(...derivedNotes(rows, images));

  if (opts.json) {
    const out = { ...meta, peer: peer && { tool: 'trivy', flags: peer.flags, why: peer.why }, results: rows, targets, notes };
    console.log(JSON.stringify(out, null, 2));
  } else {
    printReport(meta, rows, targets, notes);
  }
  if (opts.registry) runRegistryBench(opts);
  if (opts.serve) runServeBench(opts);
  if (opts.fleet) runFleetBench(opts);
  if (opts.host) runHostBench(opts);
}

main().catch((err) => {
  process.stderr.write(`bench: ${err instanceof BenchError ? err.message : err.stack}\n`);
  process.exit(err instanceof BenchError ? err.exitCode : 1);
});
