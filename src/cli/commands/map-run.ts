import type { LifecycleMap } from '../../lifecycle/model.js';
import { traceLifecycle } from '../../lifecycle/trace.js';
import { mapDot } from '../../report/lifecycle/dot.js';
import { mapJson, traceJson } from '../../report/lifecycle/json.js';
import { mapMermaid } from '../../report/lifecycle/mermaid.js';
import { mapTable, traceTable } from '../../report/lifecycle/table.js';
import { ExitCode, type CliIo } from '../io.js';
import { outputWidth, wantsColor } from '../width.js';
import { writeOutput } from '../read.js';
import type { EstateOptionValues, MapValues, TraceValues } from './map.js';

/** The work of `shipshape map`. */
export async function runMap(values: MapValues, io: CliIo): Promise<number> {
  const map = await mapFromOptions(values, io);
  const width = outputWidth(io, values.output);
  const text =
    values.format === 'json'
      ? mapJson(map)
      : values.format === 'mermaid'
        ? mapMermaid(map)
        : values.format === 'dot'
          ? mapDot(map)
          : mapTable(map, width, wantsColor(io, values));
  await writeOutput(io, values.output, text);
  return ExitCode.ok;
}

/** The work of `shipshape trace`. */
export async function runTrace(query: string, values: TraceValues, io: CliIo): Promise<number> {
  const map = await mapFromOptions(values, io);
  const trace = traceLifecycle(map, query);
  const width = outputWidth(io, values.output);
  await writeOutput(io, values.output, values.format === 'json' ? traceJson(trace) : traceTable(trace, width, wantsColor(io, values)));
  return ExitCode.ok;
}

/** Flags and `--config` merged (flags add to the config's lists), registries scanned, the estate read, the map built. */
async function mapFromOptions(values: EstateOptionValues, io: CliIo): Promise<LifecycleMap> {
  const { estateFromOptions } = await import('./estate-run.js');
  return (await estateFromOptions(values, io)).map;
}
