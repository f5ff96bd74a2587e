import type { LifecycleMap, Trace } from '../../lifecycle/model.js';
import { jsonText, schemaName } from '../json-documents.js';

/** The map as JSON (`shipshape/lifecycle-map@1`, set by the map itself), the contract other tools read. */
export function mapJson(map: LifecycleMap): string {
  return jsonText(map);
}

/** A trace as JSON (`shipshape/lifecycle-trace@1`). */
export function traceJson(trace: Trace): string {
  return jsonText({ schema: schemaName('lifecycle-trace'), ...trace });
}
