import type { Expression, ExpressionBuilder, Selectable, SqlBool } from 'kysely';
import { CorruptInputError } from '../core/errors.js';
import { serialise, type StoreContext } from './context.js';
import { containsText } from './items.js';
import type { Store, StoredImage } from './model.js';
import type { ImagesTable, StoreDatabase } from './schema.js';
import { chunks, clampLimit, countOf, decodeCounts, decodeJson, encodeJson, isoTime, nextOffset, offsetOf, optional } from './values.js';

/** Most references kept per image (newest first): a tag that moves on every push must not grow the row. */
const maxImageReferences = 20;

function imageOf(row: Selectable<ImagesTable>): StoredImage {
  const references = decodeJson(row.refs, `references of image ${row.digest}`);
  if (!Array.isArray(references) || references.some((r) => typeof r !== 'string')) {
    throw new CorruptInputError(`the store's references of image ${row.digest} are not a list of strings`);
  }
  return {
    digest: row.digest,
    references: references as string[],
    platform: row.platform,
    running: row.running === 1,
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
    vulnerabilities: row.vulnerabilities === null ? undefined : decodeCounts(row.vulnerabilities, `vulnerability counts of image ${row.digest}`),
    matchedAt: optional(row.matched_at),
  };
}

/** Images, their inventories and vulnerability counts, and the layer results every reader shares. */
export function imageQueries(
  context: StoreContext,
): Pick<
  Store,
  | 'upsertImages'
  | 'putInventory'
  | 'getInventory'
  | 'inventoryDigests'
  | 'setVulnerabilityCounts'
  | 'listImages'
  | 'getImage'
  | 'getLayerResult'
  | 'putLayerResult'
  | 'putRunRead'
  | 'runReads'
  | 'deleteRunReads'
> {
  const { db, dialect, maxDocumentBytes } = context;
  return {
    async upsertImages(images) {
      if (images.length === 0) return;
      await db.transaction().execute(async (trx) => {
        // Read-merge-write of the reference lists: one writer at a time.
        await serialise(trx, dialect, 'images');
        const known = new Map<string, Selectable<ImagesTable>>();
        for (const slice of chunks([...new Set(images.map((image) => image.digest))])) {
          for (const row of await trx.selectFrom('images').selectAll().where('digest', 'in', slice).execute()) known.set(row.digest, row);
        }
        const merged = new Map<string, Selectable<ImagesTable>>();
        for (const image of images) {
          const seenAt = isoTime(image.seenAt, 'the time an image was seen');
          const before = merged.get(image.digest) ?? known.get(image.digest);
          const references = before === undefined ? [] : imageOf(before).references;
          merged.set(image.digest, {
            digest: image.digest,
            platform: image.platform,
            refs: JSON.stringify([image.reference, ...references.filter((r) => r !== image.reference)].slice(0, maxImageReferences)),
            running: image.running ? 1 : 0,
            first_seen_at: before === undefined || seenAt < before.first_seen_at ? seenAt : before.first_seen_at,
            last_seen_at: before === undefined || seenAt > before.last_seen_at ? seenAt : before.last_seen_at,
            vulnerabilities: before?.vulnerabilities ?? null,
            matched_at: before?.matched_at ?? null,
          });
        }
        for (const slice of chunks([...merged.values()])) {
          await trx
            .insertInto('images')
            .values(slice)
            .onConflict((oc) =>
              oc.column('digest').doUpdateSet((eb) => ({
                platform: eb.ref('excluded.platform'),
                refs: eb.ref('excluded.refs'),
                running: eb.ref('excluded.running'),
                first_seen_at: eb.ref('excluded.first_seen_at'),
                last_seen_at: eb.ref('excluded.last_seen_at'),
              })),
            )
            .execute();
        }
      });
    },

    async putInventory(digest, inventory, analysers, readAt) {
      const row = {
        digest,
        inventory: encodeJson(inventory, `the inventory of ${digest}`, maxDocumentBytes),
        analysers,
        read_at: isoTime(readAt, 'the read time'),
      };
      await db
        .insertInto('inventories')
        .values(row)
        .onConflict((oc) => oc.column('digest').doUpdateSet({ inventory: row.inventory, analysers, read_at: row.read_at }))
        .execute();
    },

    async getInventory(digest) {
      const row = await db.selectFrom('inventories').selectAll().where('digest', '=', digest).executeTakeFirst();
      return row === undefined ? undefined : { inventory: decodeJson(row.inventory, `inventory of ${digest}`), analysers: row.analysers, readAt: row.read_at };
    },

    async inventoryDigests() {
      const rows = await db.selectFrom('inventories').select('digest').orderBy('digest').execute();
      return rows.map((row) => row.digest);
    },

    // An image not (yet) recorded has no row to count on: nothing to update.
    async setVulnerabilityCounts(digest, counts, matchedAt) {
      await db
        .updateTable('images')
        .set({
          vulnerabilities: encodeJson(counts, `the vulnerability counts of ${digest}`, maxDocumentBytes),
          matched_at: isoTime(matchedAt, 'the match time'),
        })
        .where('digest', '=', digest)
        .execute();
    },

    async listImages(filter, page) {
      const limit = clampLimit(page.limit);
      const offset = offsetOf(page.cursor);
      const text = filter.text;
      const where = (eb: ExpressionBuilder<StoreDatabase, 'images'>): Expression<SqlBool> =>
        eb.and([
          ...(filter.running === undefined ? [] : [eb('running', '=', filter.running ? 1 : 0)]),
          ...(text === undefined || text === '' ? [] : [eb.or([containsText(eb.ref('digest'), text), containsText(eb.ref('refs'), text)])]),
        ]);
      const rows = await db
        .selectFrom('images')
        .selectAll()
        .where(where)
        .orderBy('last_seen_at', 'desc')
        .orderBy('digest')
        .limit(limit)
        .offset(offset)
        .execute();
      const { count } = await db
        .selectFrom('images')
        .select((eb) => eb.fn.countAll().as('count'))
        .where(where)
        .executeTakeFirstOrThrow();
      const total = countOf(count);
      return { items: rows.map(imageOf), next: nextOffset(offset, rows.length, total), total };
    },

    async getImage(digest) {
      const row = await db.selectFrom('images').selectAll().where('digest', '=', digest).executeTakeFirst();
      return row === undefined ? undefined : imageOf(row);
    },

    async getLayerResult(diffId, analysers) {
      const row = await db.selectFrom('layer_results').select('result').where('diff_id', '=', diffId).where('analysers', '=', analysers).executeTakeFirst();
      return row === undefined ? undefined : decodeJson(row.result, `layer result of ${diffId}`);
    },

    async putLayerResult(diffId, analysers, result, readAt) {
      const row = {
        diff_id: diffId,
        analysers,
        result: encodeJson(result, `the layer result of ${diffId}`, maxDocumentBytes),
        read_at: isoTime(readAt, 'the read time'),
      };
      await db
        .insertInto('layer_results')
        .values(row)
        .onConflict((oc) => oc.columns(['diff_id', 'analysers']).doUpdateSet({ result: row.result, read_at: row.read_at }))
        .execute();
    },

    async putRunRead(runId, key, value) {
      const row = { run_id: runId, key, value: encodeJson(value, `the read of ${key}`, maxDocumentBytes) };
      await db
        .insertInto('run_reads')
        .values(row)
        .onConflict((oc) => oc.columns(['run_id', 'key']).doUpdateSet({ value: row.value }))
        .execute();
    },

    async runReads(runId) {
      const rows = await db.selectFrom('run_reads').select(['key', 'value']).where('run_id', '=', runId).execute();
      return new Map(rows.map((row) => [row.key, decodeJson(row.value, `the read of ${row.key}`)]));
    },

    async deleteRunReads(runId) {
      await db.deleteFrom('run_reads').where('run_id', '=', runId).execute();
    },
  };
}
