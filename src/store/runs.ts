import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import { CorruptInputError, UsageError } from '../core/errors.js';
import type { StoreContext } from './context.js';
import type { Page, PageRequest, RunPart, RunRecord, RunStatus, RunTrigger, Store } from './model.js';
import type { RunsTable } from './schema.js';
import { clampLimit, countOf, decodeCounts, decodeCursor, decodeJson, encodeCursor, isoTime, optional } from './values.js';

const runStatuses: readonly RunStatus[] = ['queued', 'running', 'done', 'failed'];
const runTriggers: readonly RunTrigger[] = ['schedule', 'manual', 'push', 'advisories', 'start', 'host'];

/** Width of the time part of a run id: base36 milliseconds stay 9 digits until the year 5188. */
const idTimeDigits = 9;

/** A new run id that sorts by creation time: `r`, base36 milliseconds, 12 random hex digits. */
export function newRunId(now = Date.now()): string {
  return `r${now.toString(36).padStart(idTimeDigits, '0')}${randomBytes(6).toString('hex')}`;
}

/** A `runs` row as the model gives it. */
export function runOf(row: Selectable<RunsTable>): RunRecord {
  const status = runStatuses.find((s) => s === row.status);
  const trigger = runTriggers.find((t) => t === row.trigger);
  if (status === undefined || trigger === undefined) throw new CorruptInputError(`the store's run ${row.id} has status ${row.status}, trigger ${row.trigger}`);
  const parts = decodeJson(row.parts, `parts of run ${row.id}`);
  if (!Array.isArray(parts)) throw new CorruptInputError(`the store's parts of run ${row.id} are not a list`);
  return {
    id: row.id,
    status,
    trigger,
    subject: optional(row.subject),
    queuedAt: row.queued_at,
    startedAt: optional(row.started_at),
    finishedAt: optional(row.finished_at),
    error: optional(row.error),
    parts: parts as RunPart[],
    stats: decodeCounts(row.stats, `stats of run ${row.id}`),
  };
}

/** Creating, claiming, reading and listing runs. */
export function runQueries(context: StoreContext): Pick<Store, 'createRun' | 'claimRun' | 'startRun' | 'getRun' | 'listRuns' | 'requeueInterrupted'> {
  const { db, dialect } = context;
  return {
    async createRun(run) {
      if (!runTriggers.includes(run.trigger)) throw new UsageError(`unknown run trigger ${JSON.stringify(run.trigger)}`);
      const row = {
        id: newRunId(),
        status: 'queued',
        trigger: run.trigger,
        subject: run.subject ?? null,
        queued_at: isoTime(run.queuedAt, 'the queue time'),
        started_at: null,
        finished_at: null,
        error: null,
        parts: '[]',
        stats: '{}',
      };
      await db.insertInto('runs').values(row).execute();
      return runOf(row);
    },

    async claimRun(startedAt) {
      const started = isoTime(startedAt, 'the start time');
      // One statement: SQLite takes its write lock before reading; PostgreSQL's SKIP LOCKED lets
      // concurrent claimers pass over the row another is taking, and the outer status test over
      // one already taken.
      const row = await db
        .updateTable('runs')
        .set({ status: 'running', started_at: started })
        .where('status', '=', 'queued')
        .where('id', '=', (eb) =>
          eb
            .selectFrom('runs')
            .select('id')
            .where('status', '=', 'queued')
            .orderBy('queued_at')
            .orderBy('id')
            .limit(1)
            .$if(dialect === 'postgres', (query) => query.forUpdate().skipLocked()),
        )
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : runOf(row);
    },

    async startRun(id, startedAt) {
      const started = isoTime(startedAt, 'the start time');
      // queued, or running under a worker whose job lock expired (it died): the job's new holder takes it
      const row = await db
        .updateTable('runs')
        .set({ status: 'running', started_at: started })
        .where('id', '=', id)
        .where('status', 'in', ['queued', 'running'])
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : runOf(row);
    },

    async getRun(id) {
      const row = await db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : runOf(row);
    },

    async listRuns(page) {
      return listRunsPage(context, page);
    },

    async requeueInterrupted() {
      const rows = await db.updateTable('runs').set({ status: 'queued', started_at: null }).where('status', '=', 'running').returning('id').execute();
      return rows.map((row) => row.id).sort();
    },
  };
}

/** Newest queued first; the cursor is the last run shown (keyset: new runs do not shift later pages). */
async function listRunsPage({ db }: StoreContext, page: PageRequest): Promise<Page<RunRecord>> {
  const limit = clampLimit(page.limit);
  const after = page.cursor === undefined ? undefined : runCursor(page.cursor);
  const rows = await db
    .selectFrom('runs')
    .selectAll()
    .$if(after !== undefined, (query) =>
      query.where((eb) => eb.or([eb('queued_at', '<', after!.queuedAt), eb.and([eb('queued_at', '=', after!.queuedAt), eb('id', '<', after!.id)])])),
    )
    .orderBy('queued_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const total = await db
    .selectFrom('runs')
    .select((eb) => eb.fn.countAll().as('count'))
    .executeTakeFirstOrThrow();
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return {
    items: shown.map(runOf),
    next: rows.length > limit && last !== undefined ? encodeCursor({ q: last.queued_at, i: last.id }) : undefined,
    total: countOf(total.count),
  };
}

function runCursor(cursor: string): { queuedAt: string; id: string } {
  const { q, i } = decodeCursor(cursor);
  if (typeof q !== 'string' || typeof i !== 'string')
    throw new UsageError('the page cursor is not one this server gave', { hint: 'start from the first page (no cursor)' });
  return { queuedAt: q, id: i };
}
