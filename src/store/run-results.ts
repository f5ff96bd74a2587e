import type { Selectable } from 'kysely';
import { CorruptInputError } from '../core/errors.js';
import type { StoreContext } from './context.js';
import type { ObservedItem, RunDiff, Store, TrackedItem } from './model.js';
import { runOf } from './runs.js';
import type { ItemsTable } from './schema.js';
import { clampLimit, decodeJson, optional } from './values.js';

const itemKinds: readonly TrackedItem['kind'][] = ['finding', 'gap'];

/** An `items` row's own fields (what a run observed of it). */
function observedOf(row: Selectable<ItemsTable>): ObservedItem {
  const kind = itemKinds.find((k) => k === row.kind);
  if (kind === undefined) throw new CorruptInputError(`the store's item ${row.fingerprint} is of kind ${row.kind}`);
  return {
    fingerprint: row.fingerprint,
    kind,
    ruleId: row.rule_id,
    severity: row.severity,
    phase: row.phase,
    category: row.category,
    title: row.title,
    where: row.location,
    detail: optional(row.detail),
  };
}

/** An `items` row with its history. */
export function trackedOf(row: Selectable<ItemsTable>): TrackedItem {
  return {
    ...observedOf(row),
    firstSeenRun: row.first_seen_run,
    firstSeenAt: row.first_seen_at,
    lastSeenRun: row.last_seen_run,
    lastSeenAt: row.last_seen_at,
    resolvedRun: optional(row.resolved_run),
    resolvedAt: optional(row.resolved_at),
  };
}

/** What finished runs produced: documents, scores over time, differences. */
export function runResultQueries({ db }: StoreContext): Pick<Store, 'getDocument' | 'phaseScores' | 'diffRuns'> {
  /** Items `in` run a and not in run b, by fingerprint. */
  const itemsOnlyIn = async (a: string, b: string): Promise<ObservedItem[]> => {
    const rows = await db
      .selectFrom('items')
      .innerJoin('run_items', 'run_items.fingerprint', 'items.fingerprint')
      .selectAll('items')
      .where('run_items.run_id', '=', a)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('run_items as other').select('other.fingerprint').where('other.run_id', '=', b).whereRef('other.fingerprint', '=', 'items.fingerprint'),
          ),
        ),
      )
      .orderBy('items.fingerprint')
      .execute();
    return rows.map(observedOf);
  };

  return {
    async getDocument(id) {
      const row = await db
        .selectFrom('runs')
        .innerJoin('run_documents', 'run_documents.run_id', 'runs.id')
        .selectAll('runs')
        .select('run_documents.document')
        .$if(id !== undefined, (query) => query.where('runs.id', '=', id!))
        .$if(id === undefined, (query) => query.where('runs.status', '=', 'done').orderBy('runs.finished_at', 'desc').orderBy('runs.id', 'desc'))
        .limit(1)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      const { document, ...run } = row;
      return { run: runOf(run), document: decodeJson(document, `document of run ${run.id}`) };
    },

    async phaseScores(limit) {
      const rows = await db
        .selectFrom('run_scores')
        .innerJoin('runs', 'runs.id', 'run_scores.run_id')
        .select(['run_scores.run_id', 'runs.finished_at', 'run_scores.phase', 'run_scores.score'])
        .where('runs.id', 'in', (eb) =>
          eb.selectFrom('runs').select('id').where('status', '=', 'done').orderBy('finished_at', 'desc').orderBy('id', 'desc').limit(clampLimit(limit)),
        )
        .orderBy('runs.finished_at')
        .orderBy('runs.id')
        .orderBy('run_scores.phase')
        .execute();
      return rows.map((row) => ({ runId: row.run_id, finishedAt: row.finished_at ?? '', phase: row.phase, score: row.score }));
    },

    async diffRuns(from, to) {
      const known = await db.selectFrom('runs').select('id').where('id', 'in', [from, to]).execute();
      if (!known.some((r) => r.id === from) || !known.some((r) => r.id === to)) return undefined;
      const scoreRows = await db.selectFrom('run_scores').select(['run_id', 'phase', 'score']).where('run_id', 'in', [from, to]).execute();
      const phases = [...new Set(scoreRows.map((row) => row.phase))].sort();
      const scoreOf = (run: string, phase: string): number | null => scoreRows.find((row) => row.run_id === run && row.phase === phase)?.score ?? null;
      const diff: RunDiff = {
        from,
        to,
        opened: await itemsOnlyIn(to, from),
        resolved: await itemsOnlyIn(from, to),
        scores: phases.map((phase) => ({ phase, from: scoreOf(from, phase), to: scoreOf(to, phase) })),
      };
      return diff;
    },
  };
}
