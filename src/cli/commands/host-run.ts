import { ShipshapeError, UsageError, messageOf } from '../../core/errors.js';
import { defaultLimits } from '../../core/limits.js';
import { readRegularFile } from '../../core/regular-file.js';
import { hostScanRules, scanHost, type HostReport } from '../../host/scan.js';
import { hostScanJson, hostUnknowns, renderHostScan } from '../../report/host-scan.js';
import { ruleSarifJson } from '../../report/sarif.js';
import { defaultSecretConfig, loadSecretConfig, secretRules, secretVisitor, type SecretConfig } from '../../secrets/index.js';
import { failClosed, warn } from '../errors.js';
import { durationMs } from '../flags.js';
import type { CliIo } from '../io.js';
import { ProgressLine } from '../progress.js';
import { writeOutput } from '../read.js';
import { version } from '../version.js';
import { outputWidth, wantsColor } from '../width.js';
import type { HostScanValues } from './host.js';
import { parseSeverities } from './scan.js';
import { serverUrl } from './serve-run.js';

/** The work of `shipshape host scan`; returns the exit code (with `--every`, never returns). */
export async function runHostScan(values: HostScanValues, io: CliIo): Promise<number> {
  const severities = parseSeverities(values.severity);
  const secretConfig = values.secretConfig ? await loadSecretConfig(values.secretConfig) : defaultSecretConfig;
  const server =
    values.reportTo === undefined ? undefined : { url: serverUrl(values.reportTo, values.plainHttp, '--report-to'), token: await tokenOf(values, io) };
  if (values.every === undefined) return scanOnce(values, io, severities, secretConfig, server);
  const interval = durationMs(values.every);
  for (;;) {
    // a DaemonSet's loop: one failed scan or send is reported and the next one tried, never the end of the pod
    await scanOnce(values, io, severities, secretConfig, server).catch((error: unknown) => warn(io, `host scan failed: ${messageOf(error)}`));
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

async function scanOnce(
  values: HostScanValues,
  io: CliIo,
  severities: string[] | undefined,
  secretConfig: SecretConfig,
  server: Server | undefined,
): Promise<number> {
  const progress = ProgressLine.for(io, values.quiet);
  const report = await scanHost({
    root: values.root,
    limits: defaultLimits,
    parallel: values.parallel,
    dockerRoot: values.dockerRoot,
    engineSockets: values.engineSocket,
    secretVisitor: secretVisitor({ maxFileBytes: secretConfig.maxFileBytes, allowValues: secretConfig.allowValues }),
    onProgress: (message) => progress?.message(message),
  }).finally(() => progress?.finish());
  // `--severity` filters what is shown, and the gate judges what is shown (as `scan` does)
  const disabled = new Set(secretConfig.disable ?? []);
  report.findings = report.findings.filter((finding) => (!severities || severities.includes(finding.severity)) && !disabled.has(finding.ruleId));
  const text =
    values.format === 'json'
      ? hostScanJson(report)
      : values.format === 'sarif'
        ? ruleSarifJson(
            [{ scanner: 'host', rules: [...hostScanRules(), ...secretRules.map((rule) => rule.meta)], findings: report.findings }],
            version,
            hostUnknowns(report),
          )
        : renderHostScan(report, outputWidth(io, values.output), wantsColor(io, values));
  await writeOutput(io, values.output, text);
  if (server) {
    await sendReport(server, report, io);
    if (!values.quiet) io.stderr.write(`sent the host report to ${server.url.origin}\n`);
  }
  // what could not be read fails the gate, whatever was found in the rest: unknown is not clean
  const unread = hostUnknowns(report).map((message) => ({ level: 'error' as const, code: 'host.unread', message }));
  return failClosed(io, unread, report.findings.length > 0 && values.exitCode !== 0 ? values.exitCode : 0);
}

interface Server {
  url: URL;
  token: string;
}

async function tokenOf(values: HostScanValues, io: CliIo): Promise<string> {
  const token = values.tokenFile === undefined ? io.env.SHIPSHAPE_TOKEN : (await readRegularFile(values.tokenFile, 4096, 'token file')).toString('utf8').trim();
  if (!token)
    throw new UsageError('--report-to needs a write token', { hint: 'give --token-file FILE or set SHIPSHAPE_TOKEN (shipshape token create --scope write)' });
  return token;
}

/** POSTs the report to the server the user named (and only there: the token goes nowhere else). */
async function sendReport(server: Server, report: HostReport, io: CliIo): Promise<void> {
  const name = io.env.NODE_NAME;
  const url = new URL(`api/hosts${name ? `?name=${encodeURIComponent(name)}` : ''}`, server.url.href.endsWith('/') ? server.url : `${server.url.href}/`);
  // loaded only to send: a scan alone does not pay for the HTTP client
  const { request } = await import('undici');
  const response = await request(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: hostScanJson(report),
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
  }).catch((error: unknown) => {
    throw new ShipshapeError('E_NETWORK', `cannot reach the server ${server.url.origin}: ${messageOf(error)}`, { cause: error });
  });
  const text = await response.body.text();
  // undici follows no redirect: the token goes to the URL given and nowhere else
  if (response.statusCode >= 300) throw new ShipshapeError('E_SERVER', `POST ${url.pathname}: ${response.statusCode} ${text.slice(0, 300)}`);
}
