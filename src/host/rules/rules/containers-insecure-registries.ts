import { isRecord } from '../../../core/records.js';
import { dropInOrder } from '../drop-ins.js';
import { exampleFile } from '../examples.js';
import type { TomlPath } from '../lines.js';
import { tomlLine } from '../lines.js';
import { isLoopbackRegistry } from '../registry-address.js';
import type { HostConfigFile, HostFindingDraft, HostRule, HostRuleMeta } from '../rule.js';
import { hostFinding } from '../rule.js';

const meta: HostRuleMeta = {
  id: 'SS-HOST-010',
  title: 'CRI-O or Podman trusts insecure registries',
  severity: 'HIGH',
  rationale:
    "A registry marked `insecure = true` in registries.conf (or listed in `[registries.insecure]`, or in CRI-O's `insecure_registries`) is contacted without TLS verification, and over plain HTTP when it offers no TLS: anyone on the network path can serve their own image under a trusted name to CRI-O, Podman and Buildah, and read the credentials sent with pulls.",
  remediation:
    'Remove `insecure = true` and the `insecure_registries` entries, and give the registry a certificate the host verifies: from a public CA, or from a private CA placed in `/etc/containers/certs.d/<registry>/ca.crt`. Only a registry on the host itself (localhost) may stay insecure.',
  references: ['containers-registries.conf(5)', 'crio.conf(5) insecure_registries', 'NIST SP 800-190 4.2.3'],
};

const registries = (text: string, path = '/etc/containers/registries.conf'): HostConfigFile => exampleFile('registries-conf', path, text);
const crio = (text: string, path = '/etc/crio/crio.conf'): HostConfigFile => exampleFile('crio-config', path, text);

/** SS-HOST-010: `[[registry]]`/`[[registry.mirror]]` with `insecure = true`, v1 `[registries.insecure]`, CRI-O `insecure_registries`, as drop-ins leave them. */
export const containersInsecureRegistries: HostRule = {
  meta,
  kinds: ['crio-config', 'registries-conf'],
  examples: {
    bad: [
      [registries('[[registry]]\nlocation = "registry.corp:5000"\ninsecure = true\n')],
      [registries('[[registry]]\nprefix = "docker.io"\nlocation = "docker.io"\n\n[[registry.mirror]]\nlocation = "mirror.corp:5000"\ninsecure = true\n')],
      [registries("[registries.search]\nregistries = ['docker.io']\n\n[registries.insecure]\nregistries = ['registry.corp:5000']\n")],
      [crio('[crio.image]\ninsecure_registries = ["10.0.0.0/8"]\n')],
      [
        crio('[crio.image]\npause_image = "registry.k8s.io/pause:3.10"\n'),
        crio('[crio.image]\ninsecure_registries = ["registry.corp"]\n', '/etc/crio/crio.conf.d/10-registries.conf'),
      ],
    ],
    good: [
      [registries('unqualified-search-registries = ["docker.io"]\n\n[[registry]]\nlocation = "registry.corp:5000"\ninsecure = false\n')],
      [registries('[[registry]]\nlocation = "localhost:5000"\ninsecure = true\n')],
      [
        crio('[crio.image]\ninsecure_registries = ["registry.corp"]\n'),
        crio('[crio.image]\ninsecure_registries = []\n', '/etc/crio/crio.conf.d/99-secure.conf'),
      ],
      [
        registries('[[registry]]\nprefix = "registry.corp"\nlocation = "registry.corp"\ninsecure = true\n'),
        registries('[[registry]]\nprefix = "registry.corp"\nlocation = "registry.corp"\n', '/etc/containers/registries.conf.d/50-corp.conf'),
      ],
    ],
  },
  check(file, all) {
    const ordered = dropInOrder(all.filter((other) => other.kind === file.kind && other.unknown === undefined));
    return file.kind === 'crio-config' ? checkCrio(file, ordered) : checkRegistriesConf(file, ordered);
  },
};

/** CRI-O: the last of crio.conf and its drop-ins to set `insecure_registries` decides. */
function checkCrio(file: HostConfigFile, ordered: readonly HostConfigFile[]): HostFindingDraft[] {
  const listOf = (config: HostConfigFile): unknown => table(table(table(config.parsed).crio).image).insecure_registries;
  if (ordered.filter((config) => Array.isArray(listOf(config))).at(-1)?.path !== file.path) return [];
  return remote(listOf(file)).map((registry) =>
    finding(file, ['crio', 'image', 'insecure_registries'], `CRI-O pulls from ${JSON.stringify(registry)} without verifying TLS (insecure_registries)`),
  );
}

/** registries.conf: a `[[registry]]` of a later file with the same prefix (or location) replaces an earlier one. */
function checkRegistriesConf(file: HostConfigFile, ordered: readonly HostConfigFile[]): HostFindingDraft[] {
  const effective = new Map<string, { path: string; index: number }>();
  for (const config of ordered) registryTables(config).forEach((registry, index) => effective.set(registryKey(registry), { path: config.path, index }));
  const v2 = registryTables(file).flatMap((registry, index) => {
    const current = effective.get(registryKey(registry));
    if (current?.path !== file.path || current.index !== index) return [];
    const name = JSON.stringify(registryKey(registry));
    const own =
      registry.insecure === true && !isLoopbackRegistry(registryKey(registry))
        ? [finding(file, ['registry', index, 'insecure'], `registry ${name}: TLS is not verified (insecure = true)`)]
        : [];
    const mirrors = tables(registry.mirror).flatMap((mirror, at) =>
      mirror.insecure === true && typeof mirror.location === 'string' && !isLoopbackRegistry(mirror.location)
        ? [
            finding(
              file,
              ['registry', index, 'mirror', at, 'insecure'],
              `registry ${name}: mirror ${JSON.stringify(mirror.location)} is not TLS-verified (insecure = true)`,
            ),
          ]
        : [],
    );
    return [...own, ...mirrors];
  });
  const v1 = remote(table(table(table(file.parsed).registries).insecure).registries).map((registry) =>
    finding(file, ['registries', 'insecure', 'registries'], `registry ${JSON.stringify(registry)}: TLS is not verified ([registries.insecure])`),
  );
  return [...v2, ...v1];
}

function registryTables(config: HostConfigFile): Record<string, unknown>[] {
  return tables(table(config.parsed).registry);
}

function registryKey(registry: Record<string, unknown>): string {
  const key = typeof registry.prefix === 'string' ? registry.prefix : registry.location;
  return typeof key === 'string' ? key : '';
}

/** Entries of a string list beyond the loopback network. */
function remote(list: unknown): string[] {
  return Array.isArray(list) ? list.filter((entry): entry is string => typeof entry === 'string' && !isLoopbackRegistry(entry)) : [];
}

function table(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function tables(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.map(table) : [];
}

function finding(file: HostConfigFile, path: TomlPath, message: string): HostFindingDraft {
  return hostFinding(meta, file.path, message, { line: tomlLine(file.text ?? '', path) });
}
