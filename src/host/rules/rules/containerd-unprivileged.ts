import { criTables } from '../containerd.js';
import { exampleFile } from '../examples.js';
import { tomlLine } from '../lines.js';
import type { HostRule, HostRuleMeta } from '../rule.js';
import { hostFinding } from '../rule.js';

const meta: HostRuleMeta = {
  id: 'SS-HOST-009',
  title: 'containerd gives containers unprivileged ports or ICMP',
  severity: 'LOW',
  rationale:
    "`enable_unprivileged_ports` sets net.ipv4.ip_unprivileged_port_start=0 in every pod's network namespace, so any user in a container can bind ports below 1024 and pose as the pod's privileged services; `enable_unprivileged_icmp` opens ICMP sockets to every group, so containers can ping (sweep the cluster network) without CAP_NET_RAW. containerd 2.0 made both the default; only an explicit `true` in config.toml is reported, as a choice someone wrote down.",
  remediation:
    'Set `enable_unprivileged_ports = false` and `enable_unprivileged_icmp = false` (containerd 2.x: under `[plugins."io.containerd.cri.v1.runtime"]`; 1.x: `[plugins."io.containerd.grpc.v1.cri"]`), and give the pods that need a low port or ping that explicitly (securityContext sysctls, or NET_BIND_SERVICE / NET_RAW).',
  references: ['containerd docs: CRI plugin config (enable_unprivileged_ports, enable_unprivileged_icmp)', 'Kubernetes issue 102612'],
};

const configPath = '/etc/containerd/config.toml';

/** What each option lets containers do. */
const options: readonly (readonly [string, string])[] = [
  ['enable_unprivileged_ports', 'any user in a container can bind ports below 1024'],
  ['enable_unprivileged_icmp', 'containers can send ICMP echo without CAP_NET_RAW'],
];

/** SS-HOST-009: `enable_unprivileged_ports = true` / `enable_unprivileged_icmp = true` in the CRI runtime table. */
export const containerdUnprivileged: HostRule = {
  meta,
  kinds: ['containerd-config'],
  examples: {
    bad: [
      [exampleFile('containerd-config', configPath, 'version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n  enable_unprivileged_ports = true\n')],
      [exampleFile('containerd-config', configPath, "version = 3\n[plugins.'io.containerd.cri.v1.runtime']\n  enable_unprivileged_icmp = true\n")],
    ],
    good: [
      [
        exampleFile(
          'containerd-config',
          configPath,
          'version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n  enable_unprivileged_ports = false\n  enable_unprivileged_icmp = false\n',
        ),
      ],
      [exampleFile('containerd-config', configPath, "version = 3\n[plugins.'io.containerd.cri.v1.runtime']\n  enable_selinux = true\n")],
    ],
  },
  check(file) {
    const runtime = criTables(file.parsed).runtime;
    if (runtime === undefined) return [];
    return options.flatMap(([key, risk]) =>
      runtime.table[key] === true ? [hostFinding(meta, file.path, `${key} = true: ${risk}`, { line: tomlLine(file.text ?? '', [...runtime.path, key]) })] : [],
    );
  },
};
