import type { HostReport } from '../host/scan.js';
import type { GraphBuilder } from './graph.js';
import { imageId, imageNode } from './map-build.js';
import { imageKey } from './references.js';

/** The name a scanned host goes by on the map: its host name (a Kubernetes node's name too), else the root read. */
export function hostName(report: HostReport): string {
  return report.host.hostname ?? report.host.root;
}

/**
 * Scanned hosts (`host scan` reports): each host is a node — the same node as the cluster's node of
 * that name, when both were read — hosting its containers, and each container pulled from its image
 * repository (with the digest it runs), so that a trace runs from a source repository down to the
 * container on its host.
 */
export function addHosts(graph: GraphBuilder, hosts: readonly HostReport[]): void {
  for (const report of hosts) {
    const name = hostName(report);
    const node = `node:${name}`;
    const where = `host scan of ${name}`;
    graph.node(node, 'node', 'host', name, where, {
      osImage: report.host.os?.prettyName,
      kernelVersion: report.host.kernel?.release,
      engines: report.host.engines.map((engine) => `${engine.kind} ${engine.version ?? '(version unknown)'}`),
      scanned: true,
    });
    for (const container of report.containers) {
      const id = `container:${name}/${container.name}`;
      const drift = container.drift;
      graph.node(id, 'container', 'host', container.name, where, {
        engine: container.engine,
        image: container.image.reference,
        digest: container.image.digest,
        privileged: container.privileged,
        user: container.user,
        pod: container.pod === undefined ? undefined : `${container.pod.namespace}/${container.pod.name}`,
        drift:
          drift === undefined
            ? 'unknown'
            : {
                added: drift.counts?.added ?? drift.added.length,
                modified: drift.counts?.modified ?? drift.modified.length,
                deleted: drift.counts?.deleted ?? drift.deleted.length,
              },
      });
      graph.edge(node, id, 'hosts', { where });
      const key = container.image.reference === undefined ? undefined : imageKey(container.image.reference);
      if (key === undefined || !key.ok || key.tagVariables.length > 0) continue;
      imageNode(graph, key, where);
      graph.edge(id, imageId(key), 'pulled-from', {
        container: container.name,
        tag: key.tag,
        digest: key.digest,
        runningDigests: container.image.digest ? [container.image.digest] : undefined,
        where,
      });
    }
  }
}
