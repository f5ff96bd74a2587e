import type { StoreStatus } from '../vuln/advisories/store.js';
import { jsonText, schemaName, type SchemaName } from './json-documents.js';

/** `shipshape db status -f json` (`shipshape/db-status@1`; fields are only added). */
export interface DbStatusReport extends StoreStatus {
  schema: SchemaName<'db-status'>;
}

/** The document `db status -f json` writes: the advisory database's status; `updatedAt` is absent before the first import finished. */
export function dbStatusJson(status: StoreStatus): string {
  const report: DbStatusReport = { schema: schemaName('db-status'), ...status };
  return jsonText(report);
}
