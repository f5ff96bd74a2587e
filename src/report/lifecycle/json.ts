import type { LifecycleMap, Trace } from '../../lifecycle/model.js';

/** The map as JSON (`shipshape/lifecycle-map@1`), the contract other tools read. */
export function mapJson(map: LifecycleMap): string {
  return `${JSON.stringify(map, null, 2)}\n`;
}

/** A trace as JSON (`shipshape/lifecycle-trace@1`). */
export function traceJson(trace: Trace): string {
  return `${JSON.stringify({ schema: 'shipshape/lifecycle-trace@1', ...trace }, null, 2)}\n`;
}
