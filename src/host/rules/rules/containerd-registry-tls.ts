import { posix } from 'node:path';
import { isRecord } from '../../../core/records.js';
import type { TomlTable } from '../containerd.js';
import { criTables, namedTables, subTable } from '../containerd.js';
import { exampleFile } from '../examples.js';
import type { TomlPath } from '../lines.js';
import { tomlLine } from '../lines.js';
import { isRemotePlainHttp } from '../registry-address.js';
import type { HostConfigFile, HostFindingDraft, HostRule, HostRuleMeta } from '../rule.js';
import { hostFinding } from '../rule.js';

const meta: HostRuleMeta = {
  id: 'SS-HOST-008',
  title: 'containerd pulls from registries without TLS verification',
  severity: 'HIGH',
  rationale:
    'With `insecure_skip_verify` (config.toml) or `skip_verify` (hosts.toml) containerd accepts any certificate from the registry, and an `http://` endpoint uses no TLS at all: anyone on the network path can serve their own image under a trusted name to every pod of the node, and read the registry credentials.',
  remediation:
    'Give the registry a certificate containerd can verify: from a public CA, or name the private CA with `ca = "/etc/containerd/certs.d/<host>/ca.crt"` in its hosts.toml (`tls.ca_file` in the deprecated `registry.configs`). Use `https://` endpoints; plain HTTP only to a registry on the node itself.',
  references: ['containerd docs: Registry Configuration (hosts.md)', 'containerd docs: CRI plugin config (registry)', 'NIST SP 800-190 4.2.3'],
};

const configPath = '/etc/containerd/config.toml';
const hostsPath = (host: string): string => `/etc/containerd/certs.d/${host}/hosts.toml`;

/** SS-HOST-008: config.toml `registry.configs.*.tls.insecure_skip_verify`, `http://` mirror endpoints; hosts.toml `skip_verify` and `http://` servers/hosts. */
export const containerdRegistryTls: HostRule = {
  meta,
  kinds: ['containerd-config', 'containerd-hosts'],
  examples: {
    bad: [
      [
        exampleFile(
          'containerd-config',
          configPath,
          'version = 2\n\n[plugins."io.containerd.grpc.v1.cri".registry.configs."registry.internal:5000".tls]\n  insecure_skip_verify = true\n',
        ),
      ],
      [
        exampleFile(
          'containerd-config',
          configPath,
          "version = 3\n\n[plugins.'io.containerd.cri.v1.images'.registry.configs.'harbor.corp'.tls]\ninsecure_skip_verify = true\n",
        ),
      ],
      [
        exampleFile(
          'containerd-config',
          configPath,
          'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\n  endpoint = ["http://mirror.corp:5000", "https://registry-1.docker.io"]\n',
        ),
      ],
      [exampleFile('containerd-config', configPath, '[plugins.cri.registry.configs."10.0.0.5:5000".tls]\ninsecure_skip_verify = true\n')],
      [
        exampleFile(
          'containerd-hosts',
          hostsPath('docker.io'),
          'server = "https://registry-1.docker.io"\n\n[host."https://mirror.corp"]\n  capabilities = ["pull", "resolve"]\n  skip_verify = true\n',
        ),
      ],
      [exampleFile('containerd-hosts', hostsPath('registry.corp:5000'), 'server = "http://registry.corp:5000"\n')],
    ],
    good: [
      [
        exampleFile(
          'containerd-config',
          configPath,
          'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
        ),
      ],
      [
        exampleFile(
          'containerd-config',
          configPath,
          'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry.configs."registry.internal:5000".tls]\n  ca_file = "/etc/containerd/ca.crt"\n  insecure_skip_verify = false\n',
        ),
      ],
      [
        exampleFile(
          'containerd-hosts',
          hostsPath('registry.corp'),
          'server = "https://registry.corp"\n\n[host."https://registry.corp"]\n  ca = "/etc/containerd/certs.d/registry.corp/ca.crt"\n',
        ),
      ],
      [exampleFile('containerd-hosts', hostsPath('localhost:5000'), 'server = "http://localhost:5000"\n')],
    ],
  },
  check(file) {
    if (file.kind === 'containerd-hosts') return checkHostsToml(file);
    const registry = subTable(criTables(file.parsed).images, 'registry');
    const skipping = namedTables(subTable(registry, 'configs')).flatMap((config) => {
      const tls = subTable(config, 'tls');
      return tls?.table.insecure_skip_verify === true
        ? [
            finding(
              file,
              [...tls.path, 'insecure_skip_verify'],
              `registry ${JSON.stringify(config.name)}: TLS certificates are not verified (insecure_skip_verify = true)`,
            ),
          ]
        : [];
    });
    const plain = namedTables(subTable(registry, 'mirrors')).flatMap((mirror) =>
      plainHttp(mirror.table.endpoint).map((url) =>
        finding(file, [...mirror.path, 'endpoint'], `registry ${JSON.stringify(mirror.name)}: mirror endpoint ${JSON.stringify(url)} is plain HTTP`),
      ),
    );
    return [...skipping, ...plain];
  },
};

/** A hosts.toml: the namespace's own server (top-level keys) and each `[host."<url>"]`. */
function checkHostsToml(file: HostConfigFile): HostFindingDraft[] {
  const namespace = JSON.stringify(posix.basename(posix.dirname(file.path)));
  const root: TomlTable = { path: [], table: isRecord(file.parsed) ? file.parsed : {} };
  const server = typeof root.table.server === 'string' ? root.table.server : undefined;
  const entries = [
    { url: server, table: root, what: 'server' },
    ...namedTables(subTable(root, 'host')).map((host) => ({ url: host.name, table: host, what: 'host' })),
  ];
  return entries.flatMap(({ url, table, what }) => {
    const named = url === undefined ? what : `${what} ${JSON.stringify(url)}`;
    if (url !== undefined && isRemotePlainHttp(url))
      return [finding(file, table.path.length === 0 ? ['server'] : table.path, `registry ${namespace}: ${named} is plain HTTP`)];
    return table.table.skip_verify === true
      ? [finding(file, [...table.path, 'skip_verify'], `registry ${namespace}: ${named}'s TLS certificate is not verified (skip_verify = true)`)]
      : [];
  });
}

function plainHttp(endpoints: unknown): string[] {
  return Array.isArray(endpoints) ? endpoints.filter((url): url is string => typeof url === 'string' && isRemotePlainHttp(url)) : [];
}

function finding(file: HostConfigFile, path: TomlPath, message: string): HostFindingDraft {
  return hostFinding(meta, file.path, message, { line: tomlLine(file.text ?? '', path) });
}
