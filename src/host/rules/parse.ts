import { parse as parseToml } from 'smol-toml';
import { messageOf } from '../../core/errors.js';
import { isRecord } from '../../core/records.js';
import type { HostConfigKind } from './rule.js';
import { parseEnvironmentFile, parseUnit } from './systemd.js';

/** Kinds read as TOML. */
const tomlKinds: ReadonlySet<HostConfigKind> = new Set(['containerd-config', 'containerd-hosts', 'crio-config', 'registries-conf']);

/**
 * A configuration file's text parsed for its kind: `parsed` (undefined for kinds that are not parsed),
 * or `error` in our words when the engine itself would not accept it.
 */
export function parseContent(kind: HostConfigKind, text: string): { parsed: unknown } | { error: string } {
  if (kind === 'docker-daemon') return parseJsonObject(text);
  if (kind === 'docker-unit' || kind === 'docker-socket-unit') return { parsed: parseUnit(text) };
  if (kind === 'docker-env') return { parsed: parseEnvironmentFile(text) };
  if (tomlKinds.has(kind)) return parseTomlTable(text);
  return { parsed: undefined };
}

function parseJsonObject(text: string): { parsed: unknown } | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { error: `not valid JSON (${messageOf(error)})` };
  }
  return isRecord(parsed) ? { parsed } : { error: 'not a JSON object' };
}

function parseTomlTable(text: string): { parsed: unknown } | { error: string } {
  try {
    return { parsed: parseToml(text) };
  } catch (error) {
    // smol-toml's message is followed by a code frame quoting the file: keep its first line only
    const first = messageOf(error)
      .split('\n')[0]
      ?.replace(/^Invalid TOML document: /, '');
    const line = (error as { line?: unknown }).line;
    return { error: `not valid TOML (${first}${typeof line === 'number' ? `, line ${line}` : ''})` };
  }
}
