import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../store/model.js';
import { freePort, stopChild, track } from '../test-support/docker-registry.js';
import { fileMissing, skipWhen } from '../test-support/skip.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = path.join(root, 'dist/cli/main.js');
const exec = promisify(execFile);

/**
 * `shipshape serve` as users run it, a real process: stopped with SIGTERM, and killed with SIGKILL in
 * the middle of a run — the next start finds the run it left and carries it out.
 */
describe('the server process', skipWhen(fileMissing(cli, 'the built CLI (npm run build)')), () => {
  let dir: string;
  let port: number;
  let token: string;
  // a "registry" that accepts connections and never answers: a run reading it stays in the middle
  let silent: Server;
  const sockets = new Set<Socket>();
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, SHIPSHAPE_DATA_DIR: path.join(dir, 'data'), SHIPSHAPE_CACHE_DIR: path.join(dir, 'cache') });

  function serve(): { child: ChildProcess; output: () => string } {
    let output = '';
    const child = spawn(process.execPath, [cli, 'serve', '--config', path.join(dir, 'shipshape.yaml'), '--listen', `127.0.0.1:${port}`], { env: env() });
    track(child);
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return { child, output: () => output };
  }

  async function api<T>(route: string, method = 'GET'): Promise<T> {
    const response = await fetch(`http://127.0.0.1:${port}${route}`, { method, headers: { authorization: `Bearer ${token}` } });
    return (await response.json()) as T;
  }

  /** Polls until `ready` holds (the server works on its own), at most 30 s. */
  async function until<T>(read: () => Promise<T>, ready: (value: T) => boolean, what: string, log: () => string): Promise<T> {
    for (let attempt = 0; attempt < 300; attempt++) {
      const value = await read().catch(() => undefined);
      if (value !== undefined && ready(value)) return value;
      await sleep(100);
    }
    throw new Error(`${what} did not happen within 30 s; server output:\n${log()}`);
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shipshape-serve-process-'));
    silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const silentPort = typeof address === 'object' && address ? address.port : 0;
    await writeFile(path.join(dir, 'shipshape.yaml'), `registries:\n  - name: 127.0.0.1:${silentPort}\n    plainHttp: true\n`);
    port = await freePort();
    const created = await exec(process.execPath, [cli, 'token', 'create', '--scope', 'write'], { env: env() });
    token = created.stdout.trim();
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    silent.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('token create prints the token alone on stdout', () => {
    expect(token).toMatch(/^ss_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
  });

  it('stops cleanly on SIGTERM when idle', async () => {
    const server = serve();
    await until(
      () => fetch(`http://127.0.0.1:${port}/healthz`),
      (r) => r.ok,
      'the server answering',
      server.output,
    );
    const exited = new Promise<number | null>((resolve) => server.child.once('exit', resolve));
    server.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('carries out, after a restart, the run a killed server left in the middle', async () => {
    const first = serve();
    await until(
      () => fetch(`http://127.0.0.1:${port}/healthz`),
      (r) => r.ok,
      'the server answering',
      first.output,
    );
    const { id } = await api<{ id: string }>('/api/runs', 'POST');
    await until(
      () => api<RunRecord>(`/api/runs/${id}`),
      (run) => run.status === 'running',
      'the run starting',
      first.output,
    );
    await stopChild(first.child, 'SIGKILL');

    // the registry that hung up the run is gone: this time its part fails at once
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
    const second = serve();
    try {
      const run = await until(
        () => api<RunRecord>(`/api/runs/${id}`),
        (r) => r.status === 'done' || r.status === 'failed',
        'the left run ending',
        second.output,
      );
      expect(run.status).toBe('done');
      expect(run.parts).toEqual([expect.objectContaining({ status: 'failed' })]);
      expect(second.output()).toContain(`queued again: ${id}`);

      // and `shipshape run --server` asks it for another, waiting for the end
      const remote = await exec(process.execPath, [cli, 'run', '--server', `http://127.0.0.1:${port}`, '--wait'], {
        env: { ...env(), SHIPSHAPE_TOKEN: token },
      });
      expect(remote.stdout).toMatch(/^run r[a-z0-9]+ queued\nrun r[a-z0-9]+ done\n$/);
    } finally {
      await stopChild(second.child, 'SIGTERM');
    }
  });
});
