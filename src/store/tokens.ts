import type { Selectable } from 'kysely';
import { CorruptInputError, UsageError } from '../core/errors.js';
import type { StoreContext } from './context.js';
import type { Store, TokenRecord, TokenScope } from './model.js';
import type { TokensTable } from './schema.js';
import { isoTime, optional } from './values.js';

const tokenScopes: readonly TokenScope[] = ['read', 'write'];

function tokenOf(row: Selectable<TokensTable>): TokenRecord {
  const scope = tokenScopes.find((s) => s === row.scope);
  if (scope === undefined) throw new CorruptInputError(`the store's token ${row.id} has scope ${row.scope}`);
  return {
    id: row.id,
    scope,
    label: optional(row.label),
    createdAt: row.created_at,
    revokedAt: optional(row.revoked_at),
    lastUsedAt: optional(row.last_used_at),
  };
}

/** API tokens (kept hashed) and the server's own settings. */
export function tokenQueries({
  db,
}: StoreContext): Pick<Store, 'createToken' | 'findToken' | 'listTokens' | 'revokeToken' | 'getSetting' | 'setSetting' | 'deleteSetting' | 'casSetting'> {
  return {
    async createToken(token) {
      if (!tokenScopes.includes(token.scope)) throw new UsageError(`unknown token scope ${JSON.stringify(token.scope)}`);
      await db
        .insertInto('tokens')
        .values({
          id: token.id,
          hash: token.hash,
          scope: token.scope,
          label: token.label ?? null,
          created_at: isoTime(token.createdAt, 'the token creation time'),
          revoked_at: null,
          last_used_at: null,
        })
        .execute();
    },

    async findToken(hash, usedAt) {
      // One statement: the look-up and the use it records cannot be split by a revocation.
      const row = await db
        .updateTable('tokens')
        .set({ last_used_at: isoTime(usedAt, 'the token use time') })
        .where('hash', '=', hash)
        .where('revoked_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : tokenOf(row);
    },

    async listTokens() {
      const rows = await db.selectFrom('tokens').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(tokenOf);
    },

    async revokeToken(id, revokedAt) {
      const at = isoTime(revokedAt, 'the revocation time');
      // A token revoked twice keeps its first revocation time.
      const result = await db
        .updateTable('tokens')
        .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(at)) }))
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async getSetting(key) {
      const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
      return row?.value;
    },

    async setSetting(key, value) {
      await db
        .insertInto('settings')
        .values({ key, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute();
    },

    async deleteSetting(key, expected) {
      const result = await db.deleteFrom('settings').where('key', '=', key).where('value', '=', expected).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async casSetting(key, expected, value) {
      if (expected === undefined) {
        // Absent → set: the primary key decides between two servers inserting at once.
        const result = await db
          .insertInto('settings')
          .values({ key, value })
          .onConflict((oc) => oc.column('key').doNothing())
          .executeTakeFirst();
        return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
      }
      const result = await db.updateTable('settings').set({ value }).where('key', '=', key).where('value', '=', expected).executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}
