import { sql, type Transaction } from 'kysely';
import { NotFoundError, UsageError } from '../core/errors.js';
import { serialise, type StoreContext } from './context.js';
import type { ObservedItem, Store } from './model.js';
import type { StoreDatabase } from './schema.js';
import { chunks, encodeJson, isoTime, storableText } from './values.js';

type FinishResult = Parameters<Store['finishRun']>[1];

/** Finishing a run: everything it produced, in one transaction. */
export function finishQueries(context: StoreContext): Pick<Store, 'finishRun'> {
  const { db, dialect, maxDocumentBytes } = context;
  return {
    async finishRun(id, result) {
      if (result.status !== 'done' && result.status !== 'failed') throw new UsageError(`a run finishes done or failed, not ${JSON.stringify(result.status)}`);
      const finishedAt = isoTime(result.finishedAt, 'the finish time');
      // Encoded before the transaction: a document over the bound changes nothing.
      const parts = encodeJson(result.parts, `the parts of run ${id}`, maxDocumentBytes);
      const stats = encodeJson(result.stats, `the stats of run ${id}`, maxDocumentBytes);
      const unknownKind = result.observed?.find((item) => item.kind !== 'finding' && item.kind !== 'gap');
      if (unknownKind !== undefined) throw new UsageError(`item ${unknownKind.fingerprint} is of kind ${JSON.stringify(unknownKind.kind)}, not finding or gap`);
      const document = result.document === undefined ? undefined : encodeJson(result.document, `the document of run ${id}`, maxDocumentBytes);

      await db.transaction().execute(async (trx) => {
        const updated = await trx
          .updateTable('runs')
          .set({ status: result.status, finished_at: finishedAt, error: result.error ?? null, parts, stats })
          .where('id', '=', id)
          .where('status', 'in', ['queued', 'running'])
          .executeTakeFirst();
        if (updated.numUpdatedRows === 0n) {
          const run = await trx.selectFrom('runs').select('status').where('id', '=', id).executeTakeFirst();
          if (run === undefined) throw new NotFoundError(`the store has no run ${id}`);
          throw new UsageError(`run ${id} is ${run.status} already: it finishes once`);
        }
        if (document !== undefined) {
          await trx
            .insertInto('run_documents')
            .values({ run_id: id, document })
            .onConflict((oc) => oc.column('run_id').doUpdateSet({ document }))
            .execute();
        }
        if (result.scores !== undefined) await writeScores(trx, id, result.scores);
        if (result.observed !== undefined) {
          await serialise(trx, dialect, 'items');
          await recordObserved(trx, id, finishedAt, result.observed, result.stalePhases ?? []);
        }
      });
    },
  };
}

async function writeScores(trx: Transaction<StoreDatabase>, runId: string, scores: NonNullable<FinishResult['scores']>): Promise<void> {
  await trx.deleteFrom('run_scores').where('run_id', '=', runId).execute();
  const byPhase = new Map(scores.map((s) => [s.phase, s.score]));
  for (const slice of chunks([...byPhase])) {
    await trx
      .insertInto('run_scores')
      .values(slice.map(([phase, score]) => ({ run_id: runId, phase, score })))
      .execute();
  }
}

/**
 * What the run saw: new items open, seen ones refresh (and reopen), open ones it no longer saw
 * resolve. A stale phase (its part not read this time) neither refreshes nor resolves: its open
 * items count as still there, so a diff between runs does not show them gone either.
 */
async function recordObserved(trx: Transaction<StoreDatabase>, runId: string, at: string, observed: ObservedItem[], stalePhases: string[]): Promise<void> {
  const stale = new Set(stalePhases.map(storableText));
  // Text through storableText; a field missing altogether (null) fails its INSERT (NOT NULL), and the run with it.
  const text = (value: string): string => (typeof value === 'string' ? storableText(value) : value);
  const rowOf = (item: ObservedItem): StoreDatabase['items'] => ({
    fingerprint: text(item.fingerprint),
    kind: item.kind,
    rule_id: text(item.ruleId),
    severity: text(item.severity),
    phase: text(item.phase),
    category: text(item.category),
    title: text(item.title),
    location: text(item.where),
    detail: item.detail === undefined ? null : text(item.detail),
    first_seen_run: runId,
    first_seen_at: at,
    last_seen_run: runId,
    last_seen_at: at,
    resolved_run: null,
    resolved_at: null,
  });
  const rows = [...new Map(observed.map((item) => [text(item.fingerprint), rowOf(item)])).values()];

  for (const slice of chunks(rows.filter((row) => !stale.has(row.phase)))) {
    await trx
      .insertInto('items')
      .values(slice)
      .onConflict((oc) =>
        oc.column('fingerprint').doUpdateSet((eb) => ({
          kind: eb.ref('excluded.kind'),
          rule_id: eb.ref('excluded.rule_id'),
          severity: eb.ref('excluded.severity'),
          phase: eb.ref('excluded.phase'),
          category: eb.ref('excluded.category'),
          title: eb.ref('excluded.title'),
          location: eb.ref('excluded.location'),
          detail: eb.ref('excluded.detail'),
          last_seen_run: eb.ref('excluded.last_seen_run'),
          last_seen_at: eb.ref('excluded.last_seen_at'),
          resolved_run: null,
          resolved_at: null,
        })),
      )
      .execute();
  }
  // Items of a stale phase are recorded when new, and left as they are when known.
  for (const slice of chunks(rows.filter((row) => stale.has(row.phase)))) {
    await trx
      .insertInto('items')
      .values(slice)
      .onConflict((oc) => oc.column('fingerprint').doNothing())
      .execute();
  }
  for (const slice of chunks(rows)) {
    await trx
      .insertInto('run_items')
      .values(slice.map((row) => ({ run_id: runId, fingerprint: row.fingerprint })))
      .onConflict((oc) => oc.columns(['run_id', 'fingerprint']).doNothing())
      .execute();
  }
  if (stale.size > 0) {
    await trx
      .insertInto('run_items')
      .columns(['run_id', 'fingerprint'])
      .expression((eb) =>
        eb
          .selectFrom('items')
          .select([sql<string>`cast(${runId} as text)`.as('run_id'), 'fingerprint'])
          .where('resolved_run', 'is', null)
          .where('phase', 'in', [...stale]),
      )
      .onConflict((oc) => oc.columns(['run_id', 'fingerprint']).doNothing())
      .execute();
  }
  await trx
    .updateTable('items')
    .set({ resolved_run: runId, resolved_at: at })
    .where('resolved_run', 'is', null)
    .$if(stale.size > 0, (query) => query.where('phase', 'not in', [...stale]))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('run_items')
            .select('run_items.fingerprint')
            .where('run_items.run_id', '=', runId)
            .whereRef('run_items.fingerprint', '=', 'items.fingerprint'),
        ),
      ),
    )
    .execute();
}
