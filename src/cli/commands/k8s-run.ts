import path from 'node:path';
import { UsageError } from '../../core/errors.js';
import { checkJson, k8sCheckReport } from '../../report/check-json.js';
import { renderRuleFindings, type RuleFindingSet } from '../../report/rule-findings.js';
import type { NodeInfo } from '../../runtime/cluster/nodes.js';
import { ruleSarifJson } from '../../report/sarif.js';
import { renderTable } from '../../report/table.js';
import type { RuleFinding, RuleMeta } from '../../rules/rule.js';
import { fingerprintOf } from '../../rules/fingerprint.js';
import { checkWorkloads } from '../../runtime/rules/check.js';
import { workloadRules } from '../../runtime/rules/registry.js';
import { version as version_ } from '../version.js';
import { imageReferences } from '../../runtime/manifests/images.js';
import { loadManifests, type ManifestSource } from '../../runtime/manifests/load.js';
import { readManifestSources } from '../../runtime/manifests/sources.js';
import { checkPodSecurity, type PodSecurityResult } from '../../runtime/pod-security.js';
import { parseVersion } from '../../runtime/pss/types.js';
import { failClosed } from '../errors.js';
import { ExitCode, type CliIo } from '../io.js';
import { outputWidth, wantsColor } from '../width.js';
import { writeOutput } from '../read.js';
import type { K8sCheckValues } from './k8s.js';
import { pushAll } from '../../core/collections.js';
import { ProgressLine } from '../progress.js';
import { plural } from '../../core/text.js';
import { parseSeverities } from './scan.js';

/** The work of `shipshape k8s check`; returns the exit code. */
export async function runK8sCheck(paths: readonly string[], values: K8sCheckValues, io: CliIo): Promise<number> {
  const given = values.k8sVersion ?? values.version;
  const version = given ?? 'latest';
  try {
    parseVersion(version);
  } catch {
    throw new UsageError(`invalid --k8s-version ${JSON.stringify(version)}: use v1.N (e.g. v1.29) or latest`);
  }
  const severities = parseSeverities(values.severity);
  if (paths.length === 0 && !values.cluster && !values.inCluster)
    throw new UsageError('give manifest files or directories, - for standard input, or --cluster');
  const progress = ProgressLine.for(io, values.quiet);
  const { objects, diagnostics } = await readManifests(paths, io, progress).finally(() => progress?.finish());
  let nodes: NodeInfo[] = [];
  if (values.cluster || values.inCluster) {
    progress?.message('Reading the live cluster');
    const { readCluster } = await import('../../runtime/cluster/read.js');
    const kubeconfig = values.kubeconfig ?? io.env.KUBECONFIG?.split(path.delimiter)[0] ?? path.join(io.homedir, '.kube', 'config');
    const live = await readCluster({
      kubeconfig,
      context: values.context,
      inCluster: values.inCluster,
      inPod: io.env.KUBERNETES_SERVICE_HOST !== undefined,
      namespaces: values.namespace,
    }).finally(() => progress?.finish());
    pushAll(objects, live.objects);
    pushAll(diagnostics, live.diagnostics);
    nodes = live.nodes;
  }
  const results = checkPodSecurity(objects, { level: values.level ?? 'restricted', version, explicit: values.level !== undefined || given !== undefined });
  // `--severity` filters what is shown, and the gate judges what is shown (as `scan` does); a denial is HIGH
  const findings = checkWorkloads(objects, { allowedRegistries: values.allowedRegistries }).filter(
    (f) => severities === undefined || severities.includes(f.severity),
  );
  const deniedShown = severities === undefined || severities.includes('HIGH');
  const report = k8sCheckReport({ results, findings, images: imageReferences(objects), nodes, diagnostics });
  const width = outputWidth(io, values.output);
  const sets: RuleFindingSet[] = [
    {
      scanner: 'workload',
      rules: [...workloadRules.map((r) => r.meta), ...psaRuleMetas(results)],
      findings: [...(deniedShown ? psaFindings(results) : []), ...findings],
    },
  ];
  const text =
    values.format === 'json'
      ? checkJson(report)
      : values.format === 'sarif'
        ? ruleSarifJson(sets, version_)
        : `${renderResults(results, width, diagnostics.length, wantsColor(io, values))}${renderRuleFindings([{ scanner: 'workload', rules: [], findings }], width, wantsColor(io, values))}`;
  await writeOutput(io, values.output, text);
  // manifests (or parts of them) and cluster kinds that could not be read: named, and the exit code is 2
  const unread = diagnostics.filter((d) => d.level === 'error');
  return failClosed(io, unread, ((deniedShown && report.summary.denied > 0) || findings.length > 0) && values.exitCode !== 0 ? values.exitCode : ExitCode.ok);
}

/** The objects of the manifests given, progress shown file by file as they are read and parsed. */
async function readManifests(paths: readonly string[], io: CliIo, progress: ProgressLine | undefined): Promise<ReturnType<typeof loadManifests>> {
  const sources: ManifestSource[] = [];
  let read = 0;
  const onFile = (file: string): void => {
    read++;
    progress?.tick(() => `Reading manifests: ${plural(read, 'file')} so far, now ${file}`);
  };
  for (const given of paths) {
    pushAll(sources, await readManifestSources(given, { readStdin: () => io.readStdin(), onFile }));
  }
  const onSource = (name: string, index: number): void => progress?.tick(() => `Parsing manifests: ${index + 1}/${sources.length}, now ${name}`);
  return loadManifests(sources, { onSource });
}

function renderResults(results: readonly PodSecurityResult[], width: number, diagnostics: number, color: boolean): string {
  const rows = results.map((r) => [
    r.allowed ? 'allowed' : 'DENIED',
    `${r.level}@${r.version}`,
    `${r.kind}/${r.namespace}/${r.name}`,
    `${r.file}:${r.line}`,
    r.violations.map((v) => `${v.check}: ${v.reason}${v.detail ? ` (${v.detail})` : ''}`).join('; ') ||
      (r.rejectedAtRestricted ? '(would be denied at restricted)' : ''),
  ]);
  const denied = results.filter((r) => !r.allowed).length;
  const head = `${results.length} workloads checked: ${results.length - denied} allowed, ${denied} denied${diagnostics ? `; ${diagnostics} manifest diagnostics (see --format json)` : ''}`;
  return `${head}\n\n${rows.length ? renderTable(['RESULT', 'POLICY', 'WORKLOAD', 'WHERE', 'VIOLATIONS'], rows, { width, kinds: ['id', 'id', 'id', 'path', 'text'], color }) : '(no pod-bearing objects found)'}\n`;
}

/** Each PSS check that denied something, as a SARIF rule (`PSS-<check>`). */
function psaRuleMetas(results: readonly PodSecurityResult[]): RuleMeta[] {
  const checks = [...new Set(results.flatMap((r) => r.violations.map((v) => v.check)))].sort();
  return checks.map((check) => ({
    id: `PSS-${check}`,
    title: `Pod Security Standards: ${check}`,
    severity: 'HIGH',
    rationale: `The pod-security-admission check "${check}" would deny this workload at the namespace's level and version.`,
    remediation: 'Change the pod spec so that it meets the level, or run it in a namespace whose policy allows it (after review).',
    references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/'],
  }));
}

/** Denied workloads as findings, one per violated check, at the object's line. */
function psaFindings(results: readonly PodSecurityResult[]): RuleFinding[] {
  return results.flatMap((r) =>
    r.violations.map((v) => ({
      ruleId: `PSS-${v.check}`,
      title: `Pod Security Standards: ${v.check}`,
      severity: 'HIGH' as const,
      message: `${r.kind} ${r.namespace}/${r.name} is denied at ${r.level}@${r.version}: ${v.reason}${v.detail ? ` (${v.detail})` : ''}`,
      location: { file: r.file, startLine: r.line },
      fingerprint: fingerprintOf('PSS', v.check, r.file, r.kind, r.namespace, r.name),
    })),
  );
}
