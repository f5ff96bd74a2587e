import { isRecord } from '../../core/records.js';

/** A table of containerd's config.toml and its path (for line numbers). */
export interface TomlTable {
  path: string[];
  table: Record<string, unknown>;
}

/**
 * The CRI plugin's tables in a containerd config.toml, by config version: `images` holds `registry`,
 * `runtime` holds `enable_unprivileged_ports`/`_icmp`. Version 1 (no `version`) names the plugin
 * `cri`, version 2 `io.containerd.grpc.v1.cri`; version 3 (containerd 2.x) splits it into
 * `io.containerd.cri.v1.images` and `io.containerd.cri.v1.runtime`. Tables of another version's names
 * are ignored by containerd, and here.
 */
export function criTables(config: unknown): { images: TomlTable | undefined; runtime: TomlTable | undefined } {
  const root = isRecord(config) ? config : {};
  const version = typeof root.version === 'number' ? root.version : 1;
  if (version >= 3) return { images: plugin(root, 'io.containerd.cri.v1.images'), runtime: plugin(root, 'io.containerd.cri.v1.runtime') };
  const cri = plugin(root, version === 2 ? 'io.containerd.grpc.v1.cri' : 'cri');
  return { images: cri, runtime: cri };
}

/** `table[key]` when it is a table. */
export function subTable(parent: TomlTable | undefined, key: string): TomlTable | undefined {
  const child = parent === undefined ? undefined : parent.table[key];
  return parent !== undefined && isRecord(child) ? { path: [...parent.path, key], table: child } : undefined;
}

/** The tables of a table of tables (`registry.configs."<host>"`), with their names. */
export function namedTables(parent: TomlTable | undefined): (TomlTable & { name: string })[] {
  if (parent === undefined) return [];
  return Object.entries(parent.table).flatMap(([name, table]) => (isRecord(table) ? [{ name, path: [...parent.path, name], table }] : []));
}

function plugin(root: Record<string, unknown>, name: string): TomlTable | undefined {
  return subTable(subTable({ path: [], table: root }, 'plugins'), name);
}
