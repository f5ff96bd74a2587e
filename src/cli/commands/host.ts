import { Command, Option } from 'commander';
import { parseDuration, parseExitCode, parsePositiveInt } from '../flags.js';
import type { CliIo } from '../io.js';

export interface HostScanValues {
  root: string;
  format: 'table' | 'json' | 'sarif';
  output?: string;
  severity?: string;
  quiet: boolean;
  exitCode: number;
  dockerRoot?: string;
  secretConfig?: string;
  parallel: number;
  reportTo?: string;
  tokenFile?: string;
  plainHttp: boolean;
  every?: string;
  engineSocket: string[];
}

/** `shipshape host scan`: a container host read from its filesystem — engines, their configuration, containers and their writable layers. */
export function hostCommand(io: CliIo, done: (code: number) => void): Command {
  const scan = new Command('scan')
    .description(
      "read a container host from its filesystem: OS and kernel, engines (Docker, containerd, CRI-O, Podman) and their configuration, the containers in their state, and what each container's writable layer changed (files, executables, packages, secrets, /etc)",
    )
    .option('--root <dir>', "the host's / (a mounted snapshot, or the DaemonSet's read-only hostPath)", '/')
    .option('--docker-root <dir>', "Docker's data root on the host (default: daemon.json's data-root, else /var/lib/docker)")
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'sarif']).default('table'))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('-s, --severity <levels>', 'report only findings of these severities (comma-separated: CRITICAL,HIGH,MEDIUM,LOW,UNKNOWN)')
    .option('--secret-config <file>', 'secret scanner settings (JSON: disable, allowPaths, allowValues, maxFileBytes)')
    .option('--parallel <n>', 'containers read at once', parsePositiveInt, 2)
    .option(
      '--engine-socket <path>',
      "also ask a Docker Engine API on this Unix socket (Docker's, or `podman system service`'s) for its version and its containers' live states (repeatable; never asked unless named)",
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option('--report-to <url>', 'also send the report to a Shipshape server (POST <url>/api/hosts; named $NODE_NAME when set)')
    .option('--token-file <file>', 'the write token for --report-to (default: $SHIPSHAPE_TOKEN)')
    .option(
      '--plain-http',
      'let --report-to send the token over plain http to a host other than loopback (a cluster network only this pod and the server share)',
      false,
    )
    .option('--every <duration>', 'scan again every so long, forever (e.g. 6h; with --report-to, as a DaemonSet does)', parseDuration)
    .option('-q, --quiet', 'no progress display', false)
    .option('--exit-code <n>', 'exit with this code when any (reported) finding remains', parseExitCode, 0)
    .action(async (values: HostScanValues) => {
      const { runHostScan } = await import('./host-run.js');
      done(await runHostScan(values, io));
    });
  return new Command('host').description('container hosts (run phase): engines, containers, writable-layer drift').addCommand(scan);
}
