#!/usr/bin/env node
// scripts/bench-host.mjs — `shipshape host scan` of a container host with N containers (default 50), built on disk as
// Docker lays it out with the overlay2 driver: the two shared real images (their root filesystems unpacked by Debian's
// buildah, no daemon) as the image layers, and for each container an init layer and a writable layer with realistic
// drift (logs, a changed /etc/passwd, a dropped executable, an AWS key; every 5th a package installed by hand and 5 MiB
// of data; every 10th a file deleted through a whiteout). Times the scan with --parallel 1, 2, 4 (wall, peak RSS,
// containers/s), checks every report against what was written (a wrong answer fails the bench), and beside it the
// peer trivy's `rootfs` scan of ONE container's merged root filesystem.
// Run by `npm run bench` after the fleet benchmark (`npm run bench -- --only host` for this alone):
// node scripts/bench-host.mjs [--containers N] [--parallel-list 1,2,4] [--runs N] [--json] [--no-peer]
import { execFile, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { detectRssMethod, formatTable, measure, median, rotate, stopChildren } from './bench-lib.mjs';

const USAGE = `Usage: node scripts/bench-host.mjs [--containers N] [--parallel-list 1,2,4] [--runs N] [--json] [--no-peer]

Builds a Docker host (overlay2 state) of N containers (default 50) on the two shared images, half on each
($SHIPSHAPE_SHARED/images, default ../shared from the repo root; their root filesystems come from buildah),
then times \`shipshape host scan --root DIR -f json\` with each --parallel of the list, --runs times each
(default 3), and trivy's \`rootfs\` scan of one container's merged root filesystem (shared/tools/peer-trivy.sh)
as the peer. Every report is checked against the drift written: a wrong one fails the bench (exit 1).`;

const repoRoot = resolve(fileURLToPath(import.meta.url), '..', '..');
const shared = resolve(repoRoot, process.env.SHIPSHAPE_SHARED ?? '../shared');
const cli = join(repoRoot, 'dist', 'cli', 'main.js');
const peerScript = join(shared, 'tools', 'peer-trivy.sh');
const log = (message) => process.stderr.write(`bench-host: ${message}\n`);
const sha256 = (text) => createHash('sha256').update(text).digest('hex');

const IMAGES = [
  { name: 'debian-bookworm', file: 'debian-bookworm.oci.tar', repository: 'debian', tag: 'bookworm', role: 'web' },
  { name: 'bullseye-app', file: 'bullseye-app.oci.tar', repository: 'bullseye-app', tag: 'latest', role: 'app' },
];
const DATA_ROOT = '/var/lib/docker';
const AWS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
/** The package "installed by hand" in every 5th container: a stanza appended to the image's dpkg status. */
const AGENT = { name: 'bench-agent', version: '1.2.3-1' };
const DELETED = '/etc/motd';

// Trivy flag sets for its rootfs scan, most wanted first; the first that trivy runs on the warm-up is used throughout.
const PEER_FLAG_SETS = [
  { flags: ['--scanners', 'vuln,secret'], why: 'packages + vulnerabilities + secrets, as asked' },
  {
    flags: ['--scanners', 'secret,license', '--list-all-pkgs'],
    why:
      'secrets + the package inventory: its vulnerability DB cannot be downloaded here, and `license` is the scanner ' +
      'that makes this trivy run its package analysers without one (it adds license analysis)',
  },
  { flags: ['--scanners', 'secret'], why: 'secrets only (this trivy ran no package analysers without a vulnerability DB)' },
];

class BenchError extends Error {}

function parseOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        containers: { type: 'string', default: '50' },
        'parallel-list': { type: 'string', default: '1,2,4' },
        runs: { type: 'string', default: '3' },
        json: { type: 'boolean', default: false },
        'no-peer': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    log(`${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const opts = {
    containers: Number(values.containers),
    parallel: values['parallel-list'].split(',').map(Number),
    runs: Number(values.runs),
    json: values.json,
    peer: !values['no-peer'],
  };
  const whole = (n) => Number.isInteger(n) && n >= 1;
  if (![opts.containers, opts.runs, ...opts.parallel].every(whole)) {
    log(`--containers, --runs and --parallel-list take whole numbers >= 1\n\n${USAGE}`);
    process.exit(2);
  }
  return opts;
}

/** Why the bench cannot run here (it is then skipped, exit 0), or undefined. */
function missingPrerequisite() {
  if (!existsSync(cli)) return `the built CLI ${cli} (npm run build)`;
  for (const image of IMAGES) {
    const file = join(shared, 'images', image.file);
    if (!existsSync(file)) return `the shared image ${file} (set SHIPSHAPE_SHARED to the shared/ folder)`;
  }
  try {
    execFileSync('buildah', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'buildah, to unpack the images without a daemon (apt-get install buildah)';
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------- the host root

/** The setup's long commands (buildah, cp, du) run asynchronously, so that a signal is answered at once; ended on the way out. */
const setupChildren = new Set();

function run(cmd, args) {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      setupChildren.delete(child);
      if (error) reject(new BenchError(`${cmd} ${args.join(' ')}: ${stderr.trim() || error.message}`));
      else resolvePromise(stdout.trim());
    });
    setupChildren.add(child);
  });
}

/** buildah's arguments on the bench's own store (vfs: plain directories, nothing mounted), inside the temp dir. */
const onStore = (ctx, args) => ['--root', join(ctx.tmp, 'cs'), '--runroot', join(ctx.tmp, 'csrun'), '--storage-driver', 'vfs', ...args];

/**
 * A file at `path` below `dir`, its directories made. An existing file is unlinked first: the image layers are hard
 * links (cp -al) of buildah's copy, and writing through one would change the image under every container.
 */
function put(dir, path, content, mode = 0o644) {
  const file = join(dir, path);
  mkdirSync(dirname(file), { recursive: true });
  rmSync(file, { force: true });
  writeFileSync(file, content, { mode });
}

/**
 * Makes the directories of `path` in a writable layer as overlayfs copies them up: with the mode the image's
 * directory has (/tmp stays 1777), so that no directory looks changed that the container did not change.
 */
function copyUpParents(upper, lowerRoot, path) {
  const parts = dirname(path).split('/').filter(Boolean);
  for (let n = 1; n <= parts.length; n++) {
    const rel = parts.slice(0, n).join('/');
    if (existsSync(join(upper, rel))) continue;
    mkdirSync(join(upper, rel));
    const lower = join(lowerRoot, rel);
    if (existsSync(lower)) chmodSync(join(upper, rel), statSync(lower).mode & 0o7777);
  }
}

/**
 * Unpacks an image with buildah and lays it out as one overlay2 image layer: the layer database entry under the
 * image's top chain id, its diff dir a hard-link copy of the root filesystem (bullseye-app's 5 layers flattened into
 * one), the image config in the image store and its references in repositories.json.
 */
async function addImage(ctx, image, references) {
  const archive = join(shared, 'images', image.file);
  const container = `img-${image.name}`;
  await run('buildah', onStore(ctx, ['from', '--quiet', '--name', container, `oci-archive:${archive}`]));
  const rootfs = await run('buildah', onStore(ctx, ['mount', container]));
  const inspect = JSON.parse(await run('buildah', onStore(ctx, ['inspect', '--type', 'container', container])));
  const imageId = inspect.FromImageID;
  // the chain id of the image's top layer, as the OCI image spec defines it
  const chainId = inspect.OCIv1.rootfs.diff_ids.reduce((parent, diffId) => (parent ? `sha256:${sha256(`${parent} ${diffId}`)}` : diffId), '');
  const cacheId = sha256(`cache ${chainId}`);
  const layerDir = `${DATA_ROOT}/image/overlay2/layerdb/sha256/${chainId.slice('sha256:'.length)}`;
  put(ctx.root, `${layerDir}/diff`, chainId);
  put(ctx.root, `${layerDir}/cache-id`, cacheId);
  const diff = join(ctx.root, DATA_ROOT, 'overlay2', cacheId, 'diff');
  mkdirSync(dirname(diff), { recursive: true });
  await run('cp', ['-al', rootfs, diff]);
  put(ctx.root, `${DATA_ROOT}/image/overlay2/imagedb/content/sha256/${imageId}`, inspect.Config);
  references[image.repository] = {
    [`${image.repository}:${image.tag}`]: `sha256:${imageId}`,
    [`${image.repository}@${inspect.FromImageDigest}`]: `sha256:${imageId}`,
  };
  const size = Number((await run('du', ['-sb', rootfs])).split('\t')[0]);
  log(`${image.name}: ${(size / 2 ** 20).toFixed(0)} MiB root filesystem, image ${imageId.slice(0, 12)}`);
  return { ...image, rootfs: diff, imageId, chainId, manifestDigest: inspect.FromImageDigest, size, config: JSON.parse(inspect.Config) };
}

/** A few KB of application logs, different in every container. */
function logFiles(i) {
  const lines = (count, line) => Array.from({ length: count }, (_, n) => line(n)).join('\n') + '\n';
  const time = (n) => `2025-03-01T10:${String(Math.floor(n / 60) % 60).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}Z`;
  return {
    '/var/log/app/app.log': lines(300, (n) => `${time(n)} INFO worker=${i} request=${i * 1000 + n} route=/api/items/${n % 97} status=200 ms=${n % 53}`),
    '/var/log/app/access.log': lines(
      200,
      (n) =>
        `10.0.${i % 250}.${n % 250} - - [01/Mar/2025:10:00:${String(n % 60).padStart(2, '0')} +0000] "GET /api/items/${n} HTTP/1.1" 200 ${512 + n} "-" "curl/7.88.1"`,
    ),
    '/var/log/app/error.log': lines(40, (n) => `${time(n * 7)} WARN worker=${i} upstream timed out after ${1000 + n} ms, retrying`),
  };
}

/**
 * Writes container i's drift into `dir`: its writable layer (deletions as whiteouts), or a merged root filesystem
 * (deletions removed). Returns what the scan must find, sorted as the report lists it.
 */
function writeDrift(ctx, dir, i, image, merged) {
  const added = [];
  const modified = [];
  const write = (path, content, mode, list) => {
    if (!merged) copyUpParents(dir, image.rootfs, path);
    put(dir, path, content, mode);
    list.push(path);
  };
  for (const [path, content] of Object.entries(logFiles(i))) write(path, content, 0o640, added);
  write('/etc/passwd', `${readFileSync(join(image.rootfs, 'etc/passwd'), 'utf8')}backup:x:1001:1001::/home/backup:/bin/sh\n`, 0o644, modified);
  write('/tmp/.x/tool', readFileSync(join(image.rootfs, 'usr/bin/ls')), 0o755, added);
  write('/root/.aws/credentials', `[default]\naws_access_key_id = ${AWS_KEY_ID}\naws_secret_access_key = ${AWS_SECRET}\nregion = eu-west-1\n`, 0o600, added);
  const installs = i % 5 === 0;
  if (installs) {
    const status = readFileSync(join(image.rootfs, 'var/lib/dpkg/status'), 'utf8').replace(/\n*$/, '\n\n');
    const stanza =
      `Package: ${AGENT.name}\nStatus: install ok installed\nPriority: optional\nSection: admin\nInstalled-Size: 120\n` +
      `Maintainer: Ops <ops@example.com>\nArchitecture: amd64\nVersion: ${AGENT.version}\nDepends: libc6 (>= 2.31)\n` +
      'Description: monitoring agent\n Installed by hand in the running container.\n';
    write('/var/lib/dpkg/status', status + stanza, 0o644, modified);
    write('/var/lib/app/data.bin', ctx.data, 0o644, added);
  }
  const deleted = i % 10 === 0 && ctx.whiteouts ? [DELETED] : [];
  for (const path of deleted) {
    if (merged) rmSync(join(dir, path), { force: true });
    else {
      copyUpParents(dir, image.rootfs, path);
      execFileSync('mknod', [join(dir, path), 'c', '0', '0']);
    }
  }
  return { added: added.sort(), modified: modified.sort(), deleted, installs };
}

/** moby's config.v2.json and hostconfig.json of container i, with some variety: states, privileges, users. */
function containerState(i, id, name, image) {
  const running = i % 6 !== 5;
  const privileged = i % 8 === 3;
  const volume = `${name}-data`;
  const reference = `${image.repository}:${image.tag}`;
  const minute = String(i % 60).padStart(2, '0');
  const config = {
    StreamConfig: {},
    State: {
      Running: running,
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      RemovalInProgress: false,
      Dead: false,
      Pid: running ? 20_000 + i : 0,
      ExitCode: running ? 0 : 137,
      Error: '',
      StartedAt: `2025-03-01T09:${minute}:05.2Z`,
      FinishedAt: running ? '0001-01-01T00:00:00Z' : '2025-03-01T11:00:00Z',
      Health: null,
    },
    ID: id,
    Created: `2025-03-01T09:${minute}:04.123456789Z`,
    Managed: false,
    Path: image.config.config?.Cmd?.[0] ?? '/bin/sh',
    Args: [],
    Config: {
      Hostname: id.slice(0, 12),
      Domainname: '',
      User: i % 10 === 7 ? '1000:1000' : '',
      Env: [...(image.config.config?.Env ?? []), `APP_INSTANCE=${i}`],
      Cmd: image.config.config?.Cmd ?? ['/bin/sh'],
      Image: reference,
      Volumes: { '/data': {} },
      WorkingDir: image.config.config?.WorkingDir ?? '',
      Labels: { 'com.docker.compose.project': 'bench', 'com.docker.compose.service': image.role },
    },
    Image: `sha256:${image.imageId}`,
    NetworkSettings: { Bridge: '', SandboxID: sha256(`sandbox ${id}`), Networks: { bridge: { IPAddress: `172.17.0.${i + 2}` } } },
    LogPath: `${DATA_ROOT}/containers/${id}/${id}-json.log`,
    Name: `/${name}`,
    Driver: 'overlay2',
    OS: 'linux',
    RestartCount: 0,
    HasBeenStartedBefore: true,
    MountPoints: {
      '/data': { Source: `${DATA_ROOT}/volumes/${volume}/_data`, Destination: '/data', RW: true, Name: volume, Driver: 'local', Type: 'volume', Spec: {} },
    },
    AppArmorProfile: privileged ? 'unconfined' : 'docker-default',
  };
  const hostConfig = {
    Binds: null,
    LogConfig: { Type: 'json-file', Config: { 'max-size': '10m' } },
    NetworkMode: 'bridge',
    PortBindings: image.role === 'web' ? { '80/tcp': [{ HostIp: '', HostPort: String(8000 + i) }] } : {},
    RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 },
    CapAdd: i % 4 === 1 ? ['NET_BIND_SERVICE'] : null,
    CapDrop: i % 4 === 1 ? ['ALL'] : null,
    Privileged: privileged,
    ReadonlyRootfs: false,
    SecurityOpt: i % 4 === 1 ? ['no-new-privileges'] : null,
    Mounts: [{ Type: 'volume', Source: volume, Target: '/data' }],
  };
  return { config, hostConfig };
}

/** Container i in the layer database, overlay2 (init and writable layers) and containers/; returns what to expect of it. */
function addContainer(ctx, i, image) {
  const id = sha256(`bench-host container ${i}`);
  const name = `${image.role}-${String(i).padStart(2, '0')}`;
  const mountId = sha256(`mount ${id}`);
  const mounts = `${DATA_ROOT}/image/overlay2/layerdb/mounts/${id}`;
  put(ctx.root, `${mounts}/mount-id`, mountId);
  put(ctx.root, `${mounts}/init-id`, `${mountId}-init`);
  put(ctx.root, `${mounts}/parent`, image.chainId);
  const init = `${DATA_ROOT}/overlay2/${mountId}-init/diff`;
  for (const path of ['/etc/hosts', '/etc/hostname', '/etc/resolv.conf', '/.dockerenv']) put(ctx.root, `${init}${path}`, '', 0o755);
  symlinkSync('/proc/mounts', join(ctx.root, init, 'etc/mtab'));
  const upper = join(ctx.root, DATA_ROOT, 'overlay2', mountId, 'diff');
  mkdirSync(upper, { recursive: true });
  const expected = writeDrift(ctx, upper, i, image, false);
  const { config, hostConfig } = containerState(i, id, name, image);
  put(ctx.root, `${DATA_ROOT}/containers/${id}/config.v2.json`, JSON.stringify(config));
  put(ctx.root, `${DATA_ROOT}/containers/${id}/hostconfig.json`, JSON.stringify(hostConfig));
  return { id, name, image, ...expected };
}

/** The host's own files: OS, host name, kernel modules, Docker's configuration and its packages. */
function addHostFiles(ctx) {
  put(
    ctx.root,
    '/etc/os-release',
    'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\n' +
      'VERSION_CODENAME=bookworm\nID=debian\nHOME_URL="https://www.debian.org/"\n',
  );
  put(ctx.root, '/etc/hostname', 'docker-host-01\n');
  mkdirSync(join(ctx.root, 'lib/modules/6.1.0-28-amd64'), { recursive: true });
  const daemon = { 'data-root': DATA_ROOT, 'storage-driver': 'overlay2', 'log-driver': 'json-file', 'log-opts': { 'max-size': '10m' }, 'live-restore': true };
  put(ctx.root, '/etc/docker/daemon.json', `${JSON.stringify(daemon, null, 2)}\n`);
  const pkg = (name, version) => `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${version}\nDescription: ${name}\n`;
  put(ctx.root, '/var/lib/dpkg/status', [pkg('docker-ce', '5:27.3.1-1~debian.12~bookworm'), pkg('containerd.io', '1.7.22-1')].join('\n'));
}

/** The whole host under ctx.root; returns the images and the containers with what each must show. */
async function buildHost(ctx, count) {
  const started = performance.now();
  const references = {};
  const images = [];
  for (const image of IMAGES) images.push(await addImage(ctx, image, references));
  put(ctx.root, `${DATA_ROOT}/image/overlay2/repositories.json`, JSON.stringify({ Repositories: references }));
  addHostFiles(ctx);
  const containers = Array.from({ length: count }, (_, i) => addContainer(ctx, i, images[i % images.length]));
  const setupS = (performance.now() - started) / 1000;
  log(`host root with ${count} containers built in ${setupS.toFixed(1)} s`);
  return { images, containers, setupS };
}

/** Container 0's root filesystem as its running process sees it (image + writable layer), for the peer's rootfs scan. */
async function mergedRootfs(ctx, container) {
  const dir = join(ctx.tmp, 'merged-0');
  await run('cp', ['-al', container.image.rootfs, dir]);
  writeDrift(ctx, dir, 0, container.image, true);
  return dir;
}

// ---------------------------------------------------------------------------------------------------- checking

const sameList = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** The report of one run against what was written; returns its totals, throws on any difference. */
function checkReport(ctx, containers) {
  const text = readFileSync(ctx.report, 'utf8');
  const report = JSON.parse(text);
  const wrong = [];
  if (report.summary?.containers !== containers.length) wrong.push(`${report.summary?.containers} containers reported, ${containers.length} written`);
  if (report.host?.problems?.length) wrong.push(`host problems: ${report.host.problems.slice(0, 3).join('; ')}`);
  if (text.includes(AWS_SECRET)) wrong.push('the AWS secret key is in the report unmasked');
  const byId = new Map((report.containers ?? []).map((c) => [c.id, c]));
  const withRule = (test) => new Set(report.findings.filter((f) => test(f.ruleId)).map((f) => f.container?.id)).size;
  for (const want of containers) {
    const got = byId.get(want.id);
    const say = (what) => wrong.push(`${want.name}: ${what}`);
    if (!got) say('missing');
    else if (!got.drift) say(`drift unknown (${got.driftUnknown})`);
    else {
      const { drift } = got;
      for (const kind of ['added', 'modified', 'deleted']) {
        if (!sameList(drift[kind], want[kind])) say(`${kind} ${JSON.stringify(drift[kind])}, expected ${JSON.stringify(want[kind])}`);
      }
      const executables = drift.executables.map((e) => `${e.path} ${e.change}`);
      if (!sameList(executables, ['/tmp/.x/tool added'])) say(`executables ${JSON.stringify(executables)}`);
      const installed = drift.packages.installed.map((p) => `${p.type} ${p.name} ${p.version}`);
      if (!sameList(installed, want.installs ? [`deb ${AGENT.name} ${AGENT.version}`] : []) || drift.packages.removed.length)
        say(`packages ${JSON.stringify(drift.packages)}`);
      const secretPaths = new Set(drift.secrets.map((s) => s.location.path));
      if (!sameList([...secretPaths], ['/root/.aws/credentials'])) say(`secrets in ${JSON.stringify([...secretPaths])}`);
      if (got.image?.digest !== want.image.manifestDigest) say(`image digest ${got.image?.digest}`);
    }
  }
  const counts = {
    drift001: withRule((id) => id === 'SS-DRIFT-001'),
    drift002: withRule((id) => id === 'SS-DRIFT-002'),
    secret: withRule((id) => id.startsWith('SS-SEC-')),
    unread: withRule((id) => id === 'SS-DRIFT-004'),
  };
  const installs = containers.filter((c) => c.installs).length;
  if (counts.drift001 !== containers.length) wrong.push(`${counts.drift001} containers with an SS-DRIFT-001 finding, expected ${containers.length}`);
  if (counts.secret !== containers.length) wrong.push(`${counts.secret} containers with a secret finding, expected ${containers.length}`);
  if (counts.drift002 !== installs) wrong.push(`${counts.drift002} containers with an SS-DRIFT-002 finding, expected ${installs}`);
  if (counts.unread) wrong.push(`${counts.unread} containers with SS-DRIFT-004 (writable layer not read)`);
  if (wrong.length) throw new BenchError(`wrong report (${wrong.length} difference(s)), first ones:\n  ${wrong.slice(0, 10).join('\n  ')}`);
  const bytes = report.containers.reduce((sum, c) => sum + c.drift.bytes, 0);
  return { findings: report.findings.length, writableBytes: bytes, ...counts };
}

// ---------------------------------------------------------------------------------------------------- measuring

async function timed(ctx, what, cmd, args) {
  const m = await measure(cmd, args, { rssMethod: ctx.rssMethod, rssFile: join(ctx.tmp, 'rss.txt') });
  if (m.code !== 0)
    throw new BenchError(`${what} failed (${m.signal ? `signal ${m.signal}` : `exit ${m.code}`}): ${cmd} ${args.join(' ')}\n${m.stderr.trim()}`);
  return m;
}

/** One host scan, its report checked. */
async function hostScan(ctx, containers, parallel) {
  rmSync(ctx.report, { force: true });
  const args = [ctx.cli, 'host', 'scan', '--root', ctx.root, '-f', 'json', '-q', '-o', ctx.report, ...(parallel ? ['--parallel', String(parallel)] : [])];
  const m = await timed(ctx, `host scan --parallel ${parallel ?? 'default'}`, process.execPath, args);
  return { ...m, check: checkReport(ctx, containers) };
}

/** The last line of a tool's stderr, its colours dropped. */
const lastLine = (text) =>
  text
    .replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '')
    .trim()
    .split('\n')
    .at(-1);

/** One trivy rootfs scan of the merged root filesystem, with an empty cache; what it found is counted. */
async function peerScan(ctx, flags) {
  const cache = join(ctx.tmp, 'trivy-cache');
  const out = join(ctx.tmp, 'trivy.json');
  rmSync(cache, { recursive: true, force: true });
  rmSync(out, { force: true });
  const args = ['rootfs', ...flags, '--format', 'json', '--offline-scan', '--skip-db-update', '--cache-dir', cache, '--quiet', '-o', out, ctx.merged];
  try {
    const m = await measure(peerScript, args, { rssMethod: ctx.rssMethod, rssFile: join(ctx.tmp, 'rss.txt') });
    if (m.code !== 0) return { ...m, error: lastLine(m.stderr) || `exit ${m.code}` };
    const results = JSON.parse(readFileSync(out, 'utf8')).Results ?? [];
    const packages = results.reduce((n, r) => n + (r.Packages?.length ?? 0), 0);
    const secrets = results.filter((r) => r.Target?.includes('root/.aws/credentials')).reduce((n, r) => n + (r.Secrets?.length ?? 0), 0);
    return { ...m, packages, secrets };
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

/** The first flag set trivy runs (warm-up, untimed), or why there is no peer line. */
async function choosePeer(ctx, opts) {
  if (!opts.peer) return { skipped: '--no-peer' };
  if (!existsSync(peerScript)) return { skipped: `${peerScript} is absent` };
  const help = await measure(peerScript, ['rootfs', '--help'], { rssMethod: 'none', captureStdout: false });
  if (help.code !== 0) return { skipped: `the peer script does not run \`trivy rootfs\` (${lastLine(help.stderr)})` };
  const failures = [];
  for (const set of PEER_FLAG_SETS) {
    const run = await peerScan(ctx, set.flags);
    if (!run.error) return { ...set, failures, found: { packages: run.packages, secrets: run.secrets } };
    failures.push(`${set.flags.join(' ')}: ${run.error}`);
  }
  return { skipped: `trivy rootfs failed with every flag set (${failures.join('; ')})` };
}

// ---------------------------------------------------------------------------------------------------- results

function summarize(samples, opts, peer) {
  const stat = (list) => {
    const walls = list.map((s) => s.wallS);
    const rss = list.map((s) => s.rssMiB).filter((v) => v !== null);
    return { medianS: median(walls), minS: Math.min(...walls), peakRssMiB: rss.length ? Math.max(...rss) : null, samples: list };
  };
  const trivy = samples.has('trivy') ? stat(samples.get('trivy')) : null;
  const base = samples.has(1) ? median(samples.get(1).map((s) => s.wallS)) : null;
  const rows = opts.parallel.map((parallel) => {
    const s = stat(samples.get(parallel));
    return {
      tool: 'shipshape',
      label: `shipshape host scan, ${opts.containers} containers, --parallel ${parallel}`,
      parallel,
      ...s,
      containersPerS: opts.containers / s.medianS,
      speedUp: base === null ? null : base / s.medianS,
      ratioToTrivy: trivy ? s.medianS / trivy.medianS : null,
    };
  });
  if (trivy)
    rows.push({ tool: 'trivy', label: `trivy rootfs, 1 container's merged rootfs (${peer.flags.join(' ')})`, ...trivy, containersPerS: 1 / trivy.medianS });
  return rows;
}

const rightAligned = ['median s', 'min s', 'peak RSS MiB', 'containers/s', 'speed-up vs 1', 'x trivy (1 ctr)'].map((title) => ({ title, align: 'right' }));

function printReport(meta, rows, notes) {
  const fix = (v, digits) => (v === null || v === undefined ? '-' : v.toFixed(digits));
  const times = (v) => (v === null || v === undefined ? '' : `${v.toFixed(2)}x`);
  console.log(
    `\nshipshape host scan — ${meta.date}, node ${meta.node}, ${meta.cpus} CPUs, load ${meta.loadavg.join(' ')} at start, ` +
      `${meta.runs} run(s) each, median of wall time`,
  );
  console.log(
    `host: ${meta.containers} containers on ${meta.images.map((i) => `${i.name} (${i.containers}, ${(i.bytes / 2 ** 20).toFixed(0)} MiB rootfs)`).join(' and ')}, ` +
      `${(meta.writableBytes / 2 ** 20).toFixed(1)} MiB in their writable layers, ${meta.findings} findings; built in ${meta.setupS.toFixed(1)} s\n`,
  );
  console.log(
    formatTable(
      [{ title: 'tool / mode' }, ...rightAligned, { title: 'check' }],
      rows.map((r) => [
        r.label,
        fix(r.medianS, 3),
        fix(r.minS, 3),
        fix(r.peakRssMiB, 1),
        fix(r.containersPerS, 1),
        times(r.speedUp),
        times(r.ratioToTrivy),
        r.tool === 'shipshape' ? 'OK' : '',
      ]),
    ),
  );
  console.log('\nx trivy (1 ctr): the host scan of every container ÷ trivy on one container. Peak RSS: the highest of the runs.');
  if (notes.length) console.log(`Notes:\n${notes.map((note) => `  - ${note}`).join('\n')}`);
}

// ---------------------------------------------------------------------------------------------------- main

/** One temp dir for everything; on every way out the children are stopped, buildah's containers removed and it is deleted. */
function makeContext() {
  const tmp = mkdtempSync(join(tmpdir(), 'shipshape-bench-host-'));
  const ctx = { tmp, root: join(tmp, 'root'), report: join(tmp, 'report.json'), rssMethod: detectRssMethod(), whiteouts: process.getuid?.() === 0 };
  process.on('exit', () => {
    stopChildren();
    for (const child of setupChildren) child.kill('SIGKILL');
    if (existsSync(join(tmp, 'cs'))) {
      try {
        execFileSync('buildah', onStore(ctx, ['rm', '--all']), { stdio: ['ignore', 'ignore', 'pipe'] });
      } catch (error) {
        log(`buildah rm --all: ${String(error.stderr ?? error.message).trim()}`);
      }
    }
    rmSync(tmp, { recursive: true, force: true });
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));
  return ctx;
}

async function main() {
  const opts = parseOptions();
  const missing = missingPrerequisite();
  if (missing) {
    log(`skipped: needs ${missing}`);
    return;
  }
  const ctx = makeContext();
  // the CLI runs from a copy of dist/: a `npm run build` meanwhile (it empties dist/ first) cannot break a run or change the code between runs
  cpSync(join(repoRoot, 'dist'), join(ctx.tmp, 'app', 'dist'), { recursive: true });
  copyFileSync(join(repoRoot, 'package.json'), join(ctx.tmp, 'app', 'package.json'));
  symlinkSync(join(repoRoot, 'node_modules'), join(ctx.tmp, 'app', 'node_modules'));
  ctx.cli = join(ctx.tmp, 'app', 'dist', 'cli', 'main.js');
  if (!existsSync(ctx.cli)) throw new BenchError('dist/ was being rebuilt while it was copied: run again');
  ctx.data = randomBytes(5 * 2 ** 20);
  const notes = [];
  if (!ctx.whiteouts) notes.push('not root: no whiteouts written (mknod needs root), so no container deletes a file.');
  const meta = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, loadavg: loadavg().map((v) => v.toFixed(2)), runs: opts.runs };
  meta.rssMethod = ctx.rssMethod;
  const { images, containers, setupS } = await buildHost(ctx, opts.containers);
  ctx.merged = await mergedRootfs(ctx, containers[0]);

  log('warm-up: one host scan (checked) and the peer flags, untimed');
  const warm = await hostScan(ctx, containers);
  const peer = await choosePeer(ctx, opts);
  if (peer.skipped) notes.push(`no peer line: ${peer.skipped}.`);
  else {
    notes.push(`trivy: \`rootfs ${peer.flags.join(' ')} --format json --offline-scan --skip-db-update\`, an empty --cache-dir each run: ${peer.why}.`);
    notes.push(
      `trivy's input: container ${containers[0].name}'s merged root filesystem (${images[0].name} + its writable layer); trivy found ` +
        `${peer.found.packages} packages and ${peer.found.secrets} secret(s) in /root/.aws/credentials there` +
        `${peer.found.secrets ? '' : " (it allow-lists AWS's documentation example key)"}. It has no host scan: ` +
        `${opts.containers} containers would be ${opts.containers} such runs, each reading its image again.`,
    );
    for (const failure of peer.failures) notes.push(`trivy refused the flags ${failure}`);
  }

  log(`measuring: ${opts.runs} repetition(s) of --parallel ${opts.parallel.join(', ')}${peer.skipped ? '' : ' and trivy'}`);
  const samples = new Map();
  const record = (key, m) => samples.set(key, [...(samples.get(key) ?? []), { wallS: m.wallS, rssMiB: m.rssMiB }]);
  const units = [...opts.parallel, ...(peer.skipped ? [] : ['trivy'])];
  for (let rep = 0; rep < opts.runs; rep++) {
    for (const unit of rotate(units, rep)) {
      if (unit !== 'trivy') record(unit, await hostScan(ctx, containers, unit));
      else {
        const run = await peerScan(ctx, peer.flags);
        if (run.error) throw new BenchError(`trivy failed on a timed run after its warm-up: ${run.error}`);
        record(unit, run);
      }
    }
    log(`repetition ${rep + 1}/${opts.runs} done`);
  }

  const rows = summarize(samples, opts, peer);
  Object.assign(meta, {
    containers: opts.containers,
    images: images.map((image) => ({
      name: image.name,
      manifestDigest: image.manifestDigest,
      bytes: image.size,
      containers: containers.filter((c) => c.image === image).length,
    })),
    setupS,
    writableBytes: warm.check.writableBytes,
    findings: warm.check.findings,
    check: warm.check,
  });
  notes.push(
    {
      'gnu-time': "peak RSS from GNU /usr/bin/time (%M, the child's ru_maxrss).",
      'proc-poll': 'peak RSS from polling /proc/<pid>/status VmHWM every 10 ms (no GNU time).',
      none: 'peak RSS not measured (no GNU time, no /proc).',
    }[ctx.rssMethod],
    'every run was checked: all containers with their drift read, the exact files added, modified and deleted, the dropped ' +
      `executable (SS-DRIFT-001 on ${warm.check.drift001}), the AWS key (a secret finding on ${warm.check.secret}), the package ` +
      `installed by hand (SS-DRIFT-002 on ${warm.check.drift002}), the image digests, the secret masked.`,
    'all inputs are read from the page cache (warmed up first): the times are CPU, not disk.',
  );
  if (opts.json) console.log(JSON.stringify({ ...meta, peer: peer.skipped ? { skipped: peer.skipped } : peer, results: rows, notes }, null, 2));
  else printReport(meta, rows, notes);
}

main().catch((error) => {
  log(error instanceof BenchError ? error.message : (error.stack ?? String(error)));
  process.exit(1);
});
