import type { HostReport } from '../../../host/scan.js';
import type { NodeInfo } from '../../../runtime/cluster/nodes.js';
import { hostName } from '../../map-host.js';
import { nodeId, onMap } from '../support/ids.js';
import type { Check, ControlContext } from './control.js';
import { check } from './control.js';

/**
 * The nodes read — the cluster's, and hosts scanned by `host scan` that are not among them — with
 * their map node ids; undefined when neither a cluster nor a host was read.
 */
export function nodesOf(context: ControlContext): { node: NodeInfo; ids: string[] }[] | undefined {
  const run = context.evidence.run;
  const hosts = context.evidence.hosts ?? [];
  if (run === undefined && hosts.length === 0) return undefined;
  const clusterNodes = run?.nodes ?? [];
  const names = new Set(clusterNodes.map((node) => node.name));
  const scanned = hosts.filter((report) => !names.has(hostName(report))).map(nodeInfoOfHost);
  return [...clusterNodes, ...scanned].map((node) => ({ node, ids: onMap(context.map, [nodeId.node(node.name)]) }));
}

export const noNodes = 'no nodes were read (manifests alone say nothing about hosts: read the cluster, or scan the hosts with `shipshape host scan`)';

/** A scanned host as the node facts the host controls read: its OS, kernel and the engine that runs its containers. */
function nodeInfoOfHost(report: HostReport): NodeInfo {
  const engines = [...report.host.engines].filter((engine) => engine.kind !== 'buildah').sort((a, b) => b.containers - a.containers);
  const runtime = engines.find((engine) => engine.version !== undefined);
  return {
    name: hostName(report),
    osImage: report.host.os?.prettyName ?? report.host.os?.name,
    operatingSystem: 'linux',
    kernelVersion: report.host.kernel?.release,
    containerRuntimeVersion: runtime === undefined ? undefined : `${runtime.kind === 'cri-o' ? 'cri-o' : runtime.kind}://${runtime.version}`,
    kubeletVersion: undefined,
    architecture: undefined,
    providerId: undefined,
    cloud: undefined,
    instanceType: undefined,
    region: undefined,
    zone: undefined,
    labels: { [scannedHostLabel]: 'true' },
  };
}

/** Marks the node facts made from a host scan of a host that no cluster read lists. */
const scannedHostLabel = 'shipshape.dev/scanned-host-only';

export function isScannedHostOnly(node: NodeInfo): boolean {
  return node.labels[scannedHostLabel] === 'true';
}

/**
 * One check per host: `judge` on each scanned host, and `unknown` for each cluster node no host scan
 * covers — what a host's engine and containers do is not known until it is scanned.
 */
export function scannedHostChecks(context: ControlContext, judge: (report: HostReport, ids: string[]) => Check): Check[] | undefined {
  const hosts = context.evidence.hosts ?? [];
  const clusterNodes = context.evidence.run?.nodes ?? [];
  if (hosts.length === 0 && clusterNodes.length === 0) return undefined;
  const scanned = new Set(hosts.map(hostName));
  const checks = hosts.map((report) => judge(report, onMap(context.map, [nodeId.node(hostName(report))])));
  for (const node of clusterNodes.filter((candidate) => !scanned.has(candidate.name)))
    checks.push(
      check(
        'unknown',
        `node ${node.name} was not scanned (run \`shipshape host scan\` on it, e.g. as the DaemonSet)`,
        `node ${node.name}`,
        onMap(context.map, [nodeId.node(node.name)]),
      ),
    );
  return checks;
}

export const noHostsScanned = 'no host was scanned and no cluster node was read: run `shipshape host scan` on the hosts and give the reports with --hosts';
