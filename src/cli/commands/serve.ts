import { Command, Option } from 'commander';
import type { CliIo } from '../io.js';
import { parsePositiveInt } from '../flags.js';

export interface ServeValues {
  config?: string;
  db?: string;
  dataDir?: string;
  listen: string;
  demo: boolean;
  tlsCert?: string;
  tlsKey?: string;
  advisories?: string;
  redis?: string;
}

export interface WorkerValues {
  redis: string;
  db?: string;
  dataDir?: string;
  advisories?: string;
  concurrency: number;
}

export interface TokenValues {
  db?: string;
  dataDir?: string;
  scope: 'read' | 'write';
  label?: string;
}

/** `shipshape serve`: the estate assessed continuously, with an API and a dashboard. */
export function serveCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('serve')
    .description('keep the posture of an estate continuously: runs on schedule, on demand and on registry pushes; an API, /metrics and a dashboard')
    .option('-c, --config <file>', 'the estate (default: ./shipshape.yaml)')
    .option('--db <file|url>', 'the store: a SQLite file, or postgres://… (default: <data-dir>/shipshape.db)')
    .option('--data-dir <dir>', 'where the embedded store and the advisory database live (default: $XDG_DATA_HOME/shipshape)')
    .option('--advisories <file>', 'the advisory database (default: <cache-dir>/osv.sqlite when it exists)')
    .option('--listen <host:port>', 'where to listen (loopback unless told otherwise)', '127.0.0.1:8080')
    .option('--redis <url>', 'put runs on this Redis queue for `shipshape worker` processes (redis://host:6379) instead of running them here')
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM; with --tls-key)')
    .option('--tls-key <file>', 'the private key of --tls-cert (PEM)')
    .option(
      '--demo',
      'serve the bundled example estate: its images built and served from a local registry, advisories imported, assessed every 5 minutes',
      false,
    )
    .action(async (values: ServeValues) => {
      const { runServe } = await import('./serve-run.js');
      done(await runServe(values, io));
    });
}

/** `shipshape worker`: carries out the runs a server puts on a Redis queue (any number, on any machines). */
export function workerCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('worker')
    .description("carry out the runs a server (serve --redis) queues: as many workers as you like, on any machines sharing the server's store")
    .requiredOption('--redis <url>', 'the queue, e.g. redis://redis:6379')
    .option('--db <file|url>', "the server's store (postgres://…; a SQLite file only when on the same machine)")
    .option('--data-dir <dir>', 'where the embedded store lives (default: $XDG_DATA_HOME/shipshape)')
    .option('--advisories <file>', 'the advisory database (default: <cache-dir>/osv.sqlite when it exists)')
    .option('--concurrency <n>', 'runs carried out at once', parsePositiveInt, 1)
    .action(async (values: WorkerValues) => done(await (await import('./serve-run.js')).runWorker(values, io)));
}

/** `shipshape token create|list|revoke`: the server's API tokens. */
export function tokenCommand(io: CliIo, done: (code: number) => void): Command {
  const store = (command: Command): Command =>
    command
      .option('--db <file|url>', 'the store (default: <data-dir>/shipshape.db)')
      .option('--data-dir <dir>', 'where the embedded store lives (default: $XDG_DATA_HOME/shipshape)');
  return new Command('token')
    .description("the server's API tokens")
    .addCommand(
      store(new Command('create').description('create a token and print it, alone, on stdout (shown once; only its hash is kept)'))
        .addOption(new Option('--scope <scope>', 'read: GET routes; write: also start runs').choices(['read', 'write']).default('read'))
        .option('--label <text>', 'what the token is for')
        .action(async (values: TokenValues) => done(await (await import('./serve-run.js')).runTokenCreate(values, io))),
    )
    .addCommand(
      store(new Command('list').description('the tokens: id, scope, label, created, last used, revoked')).action(async (values: TokenValues) =>
        done(await (await import('./serve-run.js')).runTokenList(values, io)),
      ),
    )
    .addCommand(
      store(new Command('revoke').description('revoke a token by its id').argument('<id>', 'the id (ss_<id>_…)')).action(
        async (id: string, values: TokenValues) => done(await (await import('./serve-run.js')).runTokenRevoke(id, values, io)),
      ),
    );
}

export interface RunValues {
  server: string;
  token?: string;
  wait: boolean;
}

/** `shipshape run --server URL`: ask a server for a run (and wait for it). */
export function runCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('run')
    .description('ask a Shipshape server to assess the estate now; with --wait, wait for the run and exit 0 (done) or 2 (failed)')
    .requiredOption('--server <url>', 'the server, e.g. http://127.0.0.1:8080')
    .option('--token <token>', 'a write token (better: $SHIPSHAPE_TOKEN)')
    .option('--wait', 'wait for the run to finish', false)
    .action(async (values: RunValues) => done(await (await import('./serve-run.js')).runRemote(values, io)));
}
