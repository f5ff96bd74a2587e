import { sql, type Kysely, type Transaction } from 'kysely';
import type { StoreDialect } from './migrations.js';
import type { StoreDatabase } from './schema.js';

/** What every part of the store works with. */
export interface StoreContext {
  db: Kysely<StoreDatabase>;
  dialect: StoreDialect;
  maxDocumentBytes: number;
  maxHosts: number;
}

/** Work that several servers must not interleave (PostgreSQL advisory lock keys; arbitrary, fixed). */
const serialKeys = {
  items: 0x5353_0001,
  images: 0x5353_0002,
  hosts: 0x5353_0003,
} as const;

/**
 * Serialises `work` across servers until `trx` ends. PostgreSQL: a transaction-scoped advisory lock
 * (READ COMMITTED would let two finishing runs read and resolve the same items at once); SQLite:
 * nothing more, as every transaction there is `BEGIN IMMEDIATE`, one writer at a time.
 */
export async function serialise(trx: Transaction<StoreDatabase>, dialect: StoreDialect, work: keyof typeof serialKeys): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${sql.lit(serialKeys[work])})`.execute(trx);
}
