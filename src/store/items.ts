import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { severityOrder } from '../core/severity.js';
import type { StoreContext } from './context.js';
import type { FindingFilter, Store } from './model.js';
import { trackedOf } from './run-results.js';
import type { StoreDatabase } from './schema.js';
import { clampLimit, countOf, likeEscape, likePattern, nextOffset, offsetOf } from './values.js';

type ItemsExpressions = ExpressionBuilder<StoreDatabase, 'items'>;

/** Case-insensitive substring test of a text column, the user's text taken literally (a parameter, its wildcards escaped). */
export function containsText(column: Expression<string>, text: string): Expression<SqlBool> {
  return sql<SqlBool>`lower(${column}) like ${likePattern(text)} escape ${likeEscape}`;
}

/** The WHERE of `filter` (open items by default). */
function itemFilter(filter: FindingFilter): (eb: ItemsExpressions) => Expression<SqlBool> {
  return (eb) => {
    const conditions: Expression<SqlBool>[] = [];
    const state = filter.state ?? 'open';
    if (state === 'open') conditions.push(eb('resolved_run', 'is', null));
    if (state === 'resolved') conditions.push(eb('resolved_run', 'is not', null));
    if (filter.kind !== undefined) conditions.push(eb('kind', '=', filter.kind));
    if (filter.severity !== undefined && filter.severity.length > 0) conditions.push(eb('severity', 'in', filter.severity));
    if (filter.phase !== undefined) conditions.push(eb('phase', '=', filter.phase));
    if (filter.category !== undefined) conditions.push(eb('category', '=', filter.category));
    if (filter.ruleId !== undefined) conditions.push(eb('rule_id', '=', filter.ruleId));
    if (filter.text !== undefined && filter.text !== '') {
      conditions.push(eb.or([containsText(eb.ref('location'), filter.text), containsText(eb.ref('title'), filter.text)]));
    }
    if (filter.image !== undefined && filter.image !== '') conditions.push(containsText(eb.ref('location'), filter.image));
    return eb.and(conditions);
  };
}

/** Most severe first: CRITICAL 0 … UNKNOWN 4, any other word after them (constants, not user input). */
const severityRank = sql<number>`case ${sql.ref('severity')} ${sql.join(
  [...severityOrder].reverse().map((level, rank) => sql`when ${sql.lit(level)} then ${sql.lit(rank)}`),
  sql` `,
)} else ${sql.lit(severityOrder.length)} end`;

/** Listing and counting findings and gaps. */
export function itemQueries({ db }: StoreContext): Pick<Store, 'listItems' | 'countOpenItems'> {
  return {
    async listItems(filter, page) {
      const limit = clampLimit(page.limit);
      const offset = offsetOf(page.cursor);
      const where = itemFilter(filter);
      const rows = await db
        .selectFrom('items')
        .selectAll()
        .where(where)
        .orderBy(severityRank)
        .orderBy('phase')
        .orderBy('location')
        .orderBy('title')
        .orderBy('fingerprint')
        .limit(limit)
        .offset(offset)
        .execute();
      const { count } = await db
        .selectFrom('items')
        .select((eb) => eb.fn.countAll().as('count'))
        .where(where)
        .executeTakeFirstOrThrow();
      const total = countOf(count);
      return { items: rows.map(trackedOf), next: nextOffset(offset, rows.length, total), total };
    },

    async countOpenItems() {
      const rows = await db
        .selectFrom('items')
        .select(['kind', 'severity', 'phase', (eb) => eb.fn.countAll().as('count')])
        .where('resolved_run', 'is', null)
        .groupBy(['kind', 'severity', 'phase'])
        .orderBy('kind')
        .orderBy('severity')
        .orderBy('phase')
        .execute();
      return rows.map((row) => ({ kind: row.kind, severity: row.severity, phase: row.phase, count: countOf(row.count) }));
    },
  };
}
