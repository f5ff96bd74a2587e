import { isRecord } from '../../../core/records.js';
import { messageOf } from '../../../core/errors.js';
import type { HostRoot } from '../../root.js';

/** Largest JSON document of Docker's state read (config.v2.json, hostconfig.json, repositories.json, daemon.json). */
const maxJsonBytes = 4 * 1024 ** 2;
/** Largest one-line id file of the layer database (mount-id, cache-id, parent): real ones are 71 bytes at most. */
const maxIdFileBytes = 1024;

/**
 * A file of engine state as read: its value, or why it could not be used, phrased to follow the file's
 * name (`config.v2.json is not valid JSON`); undefined when it does not exist.
 */
export type StateRead<T> = { value: T } | { problem: string } | undefined;

/** A small text file of engine state; a FIFO, a device, a file over its bound or one that cannot be opened is a problem. */
async function readStateText(root: HostRoot, hostPath: string, maxBytes: number): Promise<StateRead<string>> {
  try {
    const read = await root.readFile(hostPath, maxBytes);
    return read === undefined ? undefined : { value: read.content.toString('utf8') };
  } catch (error) {
    return { problem: `could not be read: ${messageOf(error)}` };
  }
}

/** A JSON object of engine state (its values are input: read them with type checks and `ownEntry`). */
export async function readStateJson(root: HostRoot, hostPath: string): Promise<StateRead<Record<string, unknown>>> {
  const read = await readStateText(root, hostPath, maxJsonBytes);
  if (read === undefined || !('value' in read)) return read;
  let value: unknown;
  try {
    value = JSON.parse(read.value);
  } catch {
    return { problem: 'is not valid JSON' };
  }
  return isRecord(value) ? { value } : { problem: 'is not a JSON object' };
}

/** A one-line id file of the layer database, its content checked against `pattern` before anything uses it. */
export async function readStateId(root: HostRoot, hostPath: string, pattern: RegExp, what: string): Promise<StateRead<string>> {
  const read = await readStateText(root, hostPath, maxIdFileBytes);
  if (read === undefined || !('value' in read)) return read;
  const id = read.value.trim();
  return pattern.test(id) ? { value: id } : { problem: `is not ${what}` };
}

/** `record[key]` of the input (own entries only), undefined when absent. */
export function field(record: Record<string, unknown> | undefined, key: string): unknown {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

export function stringField(record: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = field(record, key);
  return typeof value === 'string' ? value : undefined;
}

export function booleanField(record: Record<string, unknown> | undefined, key: string): boolean | undefined {
  const value = field(record, key);
  return typeof value === 'boolean' ? value : undefined;
}

export function recordField(record: Record<string, unknown> | undefined, key: string): Record<string, unknown> | undefined {
  const value = field(record, key);
  return isRecord(value) ? value : undefined;
}

/** Input text cut short for a message. */
export function cut(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** An input string shown in a message: quoted, escaped and cut short (names in engine state are attacker-controlled). */
export function quoted(text: string): string {
  return JSON.stringify(cut(text));
}
