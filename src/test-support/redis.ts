import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, stopChild, track } from './docker-registry.js';
import { commandMissing } from './skip.js';

export interface RunningRedis {
  /** `redis://127.0.0.1:PORT`. */
  url: string;
  /** Stops the server and starts it again on the same port (its data kept in an append-only file). */
  restart(): Promise<void>;
  /** Kills the server outright (SIGKILL), for fault tests; `restart()` brings it back. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** Why tests that need Redis cannot run here. */
export function redisMissing(): string | undefined {
  return commandMissing('redis-server');
}

/** Debian's redis-server on a free loopback port, its data in a temp dir (`--port 0` would disable TCP). */
export async function startRedis(): Promise<RunningRedis> {
  const dir = await mkdtemp(path.join(tmpdir(), 'shipshape-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    let output = '';
    const started = spawn('redis-server', [
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'yes',
      '--protected-mode',
      'yes',
    ]);
    track(started);
    started.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    for (let attempt = 0; attempt < 100; attempt++) {
      if (started.exitCode !== null) throw new Error(`redis-server exited: ${output}`);
      if (await answers(port)) {
        child = started;
        return;
      }
      await sleep(100);
    }
    await stopChild(started, 'SIGKILL');
    throw new Error(`redis-server did not answer on ${port} within 10 s: ${output}`);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart() {
      if (child) await stopChild(child);
      await start();
    },
    async kill() {
      if (child) await stopChild(child, 'SIGKILL');
    },
    async stop() {
      if (child) await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Whether something on the port answers PING with PONG. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(1000, () => socket.destroy());
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      resolve(data.toString().startsWith('+PONG'));
      socket.destroy();
    });
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(false));
  });
}
