import type { Selectable } from 'kysely';
import { CorruptInputError, LimitExceededError, UsageError } from '../core/errors.js';
import { isRecord } from '../core/records.js';
import type { HostReport } from '../host/scan.js';
import { hostUnknowns } from '../report/host-scan.js';
import { serialise, type StoreContext } from './context.js';
import type { HostSummary, Store, StoredHostReport } from './model.js';
import type { HostReportsTable } from './schema.js';
import { clampLimit, countOf, decodeCounts, decodeJson, encodeJson, isoTime, nextOffset, offsetOf, optional, storableText } from './values.js';

/** Default most hosts kept (`StoreOptions.maxHosts`). */
export const defaultMaxHosts = 10_000;

/** A name a host is kept under: a DNS name or a Kubernetes node name (1 to 253 of letters, digits, `.`, `_`, `-`). */
export const hostNamePattern = /^[A-Za-z0-9._-]{1,253}$/;

/** `value` when it is a non-empty string (a report's optional facts are not checked for type when received). */
const textOf = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** What the hosts list shows of `report`. */
function summaryOf(name: string, report: HostReport, receivedAt: string): HostSummary {
  const findings: Record<string, number> = {};
  for (const finding of report.findings) findings[finding.severity] = (findings[finding.severity] ?? 0) + 1;
  const os: unknown = report.host.os;
  const kernel: unknown = report.host.kernel;
  return {
    name,
    receivedAt,
    os: isRecord(os) ? (textOf(os.prettyName) ?? textOf(os.name)) : undefined,
    kernel: isRecord(kernel) ? textOf(kernel.release) : undefined,
    engines: report.host.engines.map((engine) => ({ kind: engine.kind, version: textOf(engine.version), containers: engine.containers })),
    containers: report.containers.length,
    findings,
    unknown: hostUnknowns(report).length,
  };
}

function summaryOfRow(row: Omit<Selectable<HostReportsTable>, 'report'>): HostSummary {
  const engines = decodeJson(row.engines, `engines of host ${row.name}`);
  if (!Array.isArray(engines)) throw new CorruptInputError(`the store's engines of host ${row.name} are not a list`);
  return {
    name: row.name,
    receivedAt: row.received_at,
    os: optional(row.os),
    kernel: optional(row.kernel),
    engines: engines as HostSummary['engines'],
    containers: row.containers,
    findings: decodeCounts(row.findings, `finding counts of host ${row.name}`),
    unknown: row.unknown,
  };
}

function storedOf(row: Pick<Selectable<HostReportsTable>, 'name' | 'received_at' | 'report'>): StoredHostReport {
  // checked (parseHostReport) when it was received, and written by this store since
  return { name: row.name, receivedAt: row.received_at, report: decodeJson(row.report, `report of host ${row.name}`) as HostReport };
}

/** The hosts' reports that `host scan --report-to` sent: the newest of each host, and its summary for the list. */
export function hostReportQueries(context: StoreContext): Pick<Store, 'putHostReport' | 'listHostReports' | 'hostReports' | 'hostReport' | 'deleteHostReport'> {
  const { db, dialect, maxDocumentBytes, maxHosts } = context;
  const summaryColumns = ['name', 'received_at', 'os', 'kernel', 'engines', 'containers', 'findings', 'unknown'] as const;
  return {
    async putHostReport(name, report, receivedAt) {
      if (!hostNamePattern.test(name))
        throw new UsageError(`${JSON.stringify(name)} is not a host name: 1 to 253 letters, digits, dots, underscores and hyphens`);
      const summary = summaryOf(name, report, isoTime(receivedAt, 'the time the host report was received'));
      const row = {
        name,
        received_at: summary.receivedAt,
        report: encodeJson(report, `the report of host ${name}`, maxDocumentBytes),
        // the report's own words: NUL-free for PostgreSQL
        os: summary.os === undefined ? null : storableText(summary.os),
        kernel: summary.kernel === undefined ? null : storableText(summary.kernel),
        engines: JSON.stringify(summary.engines),
        containers: summary.containers,
        findings: JSON.stringify(summary.findings),
        unknown: summary.unknown,
      };
      await db.transaction().execute(async (trx) => {
        // the count and the insert of a new host: one writer at a time, so that `maxHosts` holds across servers
        await serialise(trx, dialect, 'hosts');
        const known = await trx.selectFrom('host_reports').select('name').where('name', '=', name).executeTakeFirst();
        if (known === undefined) {
          const { count } = await trx
            .selectFrom('host_reports')
            .select((eb) => eb.fn.countAll().as('count'))
            .executeTakeFirstOrThrow();
          if (countOf(count) >= maxHosts)
            throw new LimitExceededError(`the server keeps the reports of ${maxHosts} hosts at most; delete the reports of hosts that are gone first`);
        }
        await trx
          .insertInto('host_reports')
          .values(row)
          .onConflict((oc) =>
            oc
              .column('name')
              .doUpdateSet((eb) => ({
                received_at: eb.ref('excluded.received_at'),
                report: eb.ref('excluded.report'),
                os: eb.ref('excluded.os'),
                kernel: eb.ref('excluded.kernel'),
                engines: eb.ref('excluded.engines'),
                containers: eb.ref('excluded.containers'),
                findings: eb.ref('excluded.findings'),
                unknown: eb.ref('excluded.unknown'),
              }))
              // a report received before the kept one (another server's, late) does not replace it
              .where('host_reports.received_at', '<=', row.received_at),
          )
          .execute();
      });
      return summary;
    },

    async listHostReports(page) {
      const limit = clampLimit(page.limit);
      const offset = offsetOf(page.cursor);
      const rows = await db.selectFrom('host_reports').select(summaryColumns).orderBy('name').limit(limit).offset(offset).execute();
      const { count } = await db
        .selectFrom('host_reports')
        .select((eb) => eb.fn.countAll().as('count'))
        .executeTakeFirstOrThrow();
      const total = countOf(count);
      return { items: rows.map(summaryOfRow), next: nextOffset(offset, rows.length, total), total };
    },

    async hostReports() {
      const rows = await db.selectFrom('host_reports').select(['name', 'received_at', 'report']).orderBy('name').execute();
      return rows.map(storedOf);
    },

    async hostReport(name) {
      const row = await db.selectFrom('host_reports').select(['name', 'received_at', 'report']).where('name', '=', name).executeTakeFirst();
      return row === undefined ? undefined : storedOf(row);
    },

    async deleteHostReport(name) {
      const result = await db.deleteFrom('host_reports').where('name', '=', name).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
