import { CorruptInputError, LimitExceededError, UsageError, messageOf } from '../core/errors.js';
import { isRecord } from '../core/records.js';

/** Default largest JSON document stored (`StoreOptions.maxDocumentBytes`). */
export const defaultMaxDocumentBytes = 64 * 1024 * 1024;

/** Most rows one list page returns (a larger `limit` is clamped). */
const maxPageSize = 500;

/** Most rows written by one multi-row INSERT: well under SQLite's and PostgreSQL's parameter limits. */
const insertChunkRows = 200;

/** JSON text of `value`, refused past `maxBytes` (a document the store would struggle to give back). */
export function encodeJson(value: unknown, what: string, maxBytes: number): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new UsageError(`${what} cannot be stored: it is not JSON`);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) throw new LimitExceededError(`${what} is ${bytes} bytes of JSON, more than the store keeps (${maxBytes})`);
  return text;
}

/** The value of JSON text the store wrote; anything else means the database was altered. */
export function decodeJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CorruptInputError(`the store's ${what} is not JSON: ${messageOf(error)}`, { cause: error });
  }
}

/** A JSON object of numbers as the store wrote it. */
export function decodeCounts(text: string, what: string): Record<string, number> {
  const value = decodeJson(text, what);
  if (!isRecord(value) || Object.values(value).some((count) => typeof count !== 'number')) {
    throw new CorruptInputError(`the store's ${what} is not an object of numbers`);
  }
  return value as Record<string, number>;
}

/** A time in one ISO form (`toISOString`), so that times sort as text on both backends. */
export function isoTime(time: string, what: string): string {
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) throw new UsageError(`${what} ${JSON.stringify(time)} is not an ISO date`);
  return new Date(ms).toISOString();
}

/** `limit` clamped to 1..maxPageSize (a non-number is the smallest page). */
export function clampLimit(limit: number): number {
  if (!Number.isFinite(limit)) return 1;
  return Math.min(maxPageSize, Math.max(1, Math.trunc(limit)));
}

const maxCursorLength = 1024;

/** An opaque page cursor: base64url of a small JSON object. */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** The position a cursor of `encodeCursor` holds; a cursor that is not one is a usage error. */
export function decodeCursor(cursor: string): Record<string, unknown> {
  const refuse = (): never => {
    throw new UsageError('the page cursor is not one this server gave', { hint: 'start from the first page (no cursor)' });
  };
  if (cursor.length > maxCursorLength || !/^[A-Za-z0-9_-]*$/.test(cursor)) return refuse();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw new UsageError(`the page cursor is not one this server gave (${messageOf(error)})`, { cause: error });
  }
  return isRecord(value) ? value : refuse();
}

/** The offset of an offset cursor (0 without one). */
export function offsetOf(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const offset = decodeCursor(cursor).o;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw new UsageError('the page cursor is not one this server gave', { hint: 'start from the first page (no cursor)' });
  }
  return offset;
}

/** The next offset cursor, or undefined on the last page. */
export function nextOffset(offset: number, shown: number, total: number): string | undefined {
  return offset + shown < total ? encodeCursor({ o: offset + shown }) : undefined;
}

/** The escape character of `likePattern` (given to LIKE as `escape '\'`). */
export const likeEscape = '\\';

/** A LIKE pattern matching `text` anywhere, lower-cased, its own `%`, `_` and `\` taken literally. */
export function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => likeEscape + c)}%`;
}

/** A count as either driver gives it (PostgreSQL's bigint arrives as a string). */
export function countOf(value: string | number | bigint | null | undefined): number {
  return Number(value ?? 0);
}

/** `items` in slices of at most `size`. */
export function chunks<T>(items: readonly T[], size = insertChunkRows): T[][] {
  const slices: T[][] = [];
  for (let start = 0; start < items.length; start += size) slices.push(items.slice(start, start + size));
  return slices;
}

/**
 * Text as both backends can keep it: PostgreSQL refuses NUL in text, so a NUL (from a hostile
 * registry's or image's names) becomes U+FFFD, the same on SQLite, rather than failing a whole run.
 */
export function storableText(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}

/** `undefined` for SQL NULL. */
export function optional<T>(value: T | null): T | undefined {
  return value ?? undefined;
}
