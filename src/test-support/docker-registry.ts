import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { commandMissing } from './skip.js';

/**
 * Debian's docker-registry (CNCF distribution 2.8) on loopback, started by the project itself: a
 * config.yml, an optional bcrypt htpasswd (htpasswd from apache2-utils) and an optional
 * self-signed certificate (openssl), `docker-registry serve`, then a wait for `/v2/` to answer.
 * Imports nothing but node and ./skip.js, so scripts/bench-registry.mjs can load it too.
 */

const run = promisify(execFile);

/** A free TCP port on 127.0.0.1 (free when asked; start-up retries cover the race). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface SelfSignedCert {
  key: string;
  cert: string;
  keyFile: string;
  certFile: string;
  dir: string;
}

/** A self-signed certificate for 127.0.0.1 and localhost valid for `days`, made with openssl in `dir` (default: a new temp dir). */
export async function makeSelfSignedCert(dir?: string, days = 2): Promise<SelfSignedCert> {
  const target = dir ?? (await mkdtemp(path.join(tmpdir(), 'shipshape-tls-')));
  const keyFile = path.join(target, 'key.pem');
  const certFile = path.join(target, 'cert.pem');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    String(days),
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ]);
  return { key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8'), keyFile, certFile, dir: target };
}

export interface RegistryVariant {
  /** `user:password`: require HTTP Basic auth. */
  htpasswd?: string;
  /** Serve HTTPS with a fresh self-signed certificate (`caFile`). */
  tls?: boolean;
  /** Post push/pull notifications to this endpoint with `Authorization: Bearer <token>` (the registry's `notifications:`). */
  notify?: { url: string; token: string };
}

export interface RunningRegistry {
  /** `http://127.0.0.1:PORT` or `https://…`. */
  url: string;
  /** `127.0.0.1:PORT`, the registry part of references. */
  host: string;
  /** A temp dir: the registry's data, and its own files (config, log, certificate) in `_registry/`. */
  storage: string;
  /** The self-signed certificate of a TLS registry, to trust as a CA. */
  caFile: string | undefined;
  stop(): Promise<void>;
}

/** What the registries a test starts need: the skip reason when something is missing here. */
export interface RegistryNeeds {
  /** A registry with Basic auth (htpasswd). */
  auth?: boolean;
  /** A registry with TLS (openssl). */
  tls?: boolean;
  /** Images pushed with skopeo (`pushImage`). */
  skopeo?: boolean;
}

/** Why tests against Debian's docker-registry cannot run here (undefined: they can). */
export function registryMissing(needs: RegistryNeeds = {}): string | undefined {
  return (
    commandMissing('docker-registry') ??
    (needs.auth ? commandMissing('htpasswd', 'apache2-utils') : undefined) ??
    (needs.tls ? commandMissing('openssl') : undefined) ??
    (needs.skopeo ? commandMissing('skopeo') : undefined)
  );
}

// Servers still running when the process ends (a test that failed before stop()) go with it.
const running = new Set<ChildProcess>();
let exitHook = false;

/** Kills `child` (a server a test started) when this process exits, if it is still running then. */
export function track(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const leftover of running) leftover.kill('SIGKILL');
  });
}

function configYaml(storage: string, state: string, port: number, variant: RegistryVariant): string {
  const lines = [
    'version: 0.1',
    'log:',
    '  level: info',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${storage}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    `  secret: local-test-registry-${port}`,
  ];
  if (variant.tls) lines.push('  tls:', `    certificate: ${path.join(state, 'cert.pem')}`, `    key: ${path.join(state, 'key.pem')}`);
  if (variant.htpasswd) lines.push('auth:', '  htpasswd:', '    realm: basic-realm', `    path: ${path.join(state, 'htpasswd')}`);
  if (variant.notify)
    lines.push(
      'notifications:',
      '  endpoints:',
      '    - name: shipshape',
      `      url: ${variant.notify.url}`,
      '      headers:',
      `        Authorization: [Bearer ${variant.notify.token}]`,
      '      timeout: 2s',
      '      threshold: 3',
      '      backoff: 1s',
    );
  return `${lines.join('\n')}\n`;
}

/** GET /v2/ once: the status, or undefined while nothing answers. */
function probe(url: string, ca: string | undefined): Promise<number | undefined> {
  return new Promise((resolve) => {
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    const request = get(`${url}/v2/`, { ca, timeout: 2000 }, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(undefined));
  });
}

/** Ends `child` with `signal` (SIGKILL after 10 s); resolves once it has exited. */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(signal);
  });
}

/** Starts one registry process on `port`; resolves when `/v2/` answers, or with the reason it did not. */
async function serve(
  storage: string,
  state: string,
  port: number,
  variant: RegistryVariant,
  ca: string | undefined,
): Promise<ChildProcess | { failed: string }> {
  const config = path.join(state, 'config.yml');
  await writeFile(config, configYaml(storage, state, port, variant));
  const logFile = path.join(state, 'registry.log');
  const log = openSync(logFile, 'w');
  const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', log, log] });
  closeSync(log);
  track(child);
  let spawnError = '';
  child.on('error', (error) => (spawnError = `${error.message}\n`));
  const url = `${variant.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 150; attempt++) {
    if (child.exitCode !== null || child.signalCode !== null || spawnError !== '')
      return { failed: spawnError + (await readFile(logFile, 'utf8').catch(() => '')) };
    const status = await probe(url, ca);
    if (status === 200 || (variant.htpasswd !== undefined && status === 401)) return child;
    await sleep(200);
  }
  await stopChild(child);
  return { failed: `/v2/ did not answer within 30 s\n${await readFile(logFile, 'utf8').catch(() => '')}` };
}

/**
 * Starts Debian's docker-registry on a free port of 127.0.0.1 with its storage in a temp dir;
 * `stop()` ends it and removes the storage. Needs `docker-registry` (and htpasswd / openssl for
 * the variants: see `registryMissing`).
 */
export async function startRegistry(variant: RegistryVariant = {}): Promise<RunningRegistry> {
  const storage = await mkdtemp(path.join(tmpdir(), 'shipshape-registry-'));
  try {
    // The registry's own files sit outside its data tree (storage/docker/…).
    const state = path.join(storage, '_registry');
    await mkdir(state);
    if (variant.htpasswd !== undefined) {
      const colon = variant.htpasswd.indexOf(':');
      if (colon < 0) throw new Error('htpasswd wants user:password');
      const { stdout } = await run('htpasswd', ['-Bbn', variant.htpasswd.slice(0, colon), variant.htpasswd.slice(colon + 1)]);
      await writeFile(path.join(state, 'htpasswd'), stdout);
    }
    const cert = variant.tls ? await makeSelfSignedCert(state, 30) : undefined;
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const started = await serve(storage, state, port, variant, cert?.cert);
      if ('failed' in started) {
        // Another process may have taken the port between freePort() and the registry's bind.
        if (attempt < 3 && started.failed.includes('address already in use')) continue;
        throw new Error(`docker-registry did not start: ${started.failed.slice(-2000)}`);
      }
      return {
        url: `${variant.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
        host: `127.0.0.1:${port}`,
        storage,
        caFile: cert?.certFile,
        stop: async () => {
          await stopChild(started);
          await rm(storage, { recursive: true, force: true });
        },
      };
    }
  } catch (error) {
    await rm(storage, { recursive: true, force: true });
    throw error;
  }
}
