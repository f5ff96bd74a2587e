import { randomUUID } from 'node:crypto';
import { analyzers } from '../../inventory/analyzers/registry.js';
import { buildInventory } from '../../inventory/build.js';
import { inventoryJson, inventoryReport } from '../../report/inventory-json.js';
import { renderInventory } from '../../report/inventory-table.js';
import { diagnosticLine } from '../../report/table.js';
import { cyclonedxJson } from '../../report/sbom/cyclonedx.js';
import type { SbomInput } from '../../report/sbom/document.js';
import { spdxJson } from '../../report/sbom/spdx.js';
import { displayModel } from '../../secrets/display.js';
import type { CliIo } from '../io.js';
import { outputWidth } from '../width.js';
import { readImageForCli, writeOutput } from '../read.js';
import { version } from '../version.js';
import type { SbomValues } from './sbom.js';

/** The work of `shipshape sbom`, loaded only when it runs (the CycloneDX library and analysers cost start-up time). */
export async function runSbom(name: string, values: SbomValues, io: CliIo): Promise<void> {
  // the SBOM quotes history lines (the layer that brought each package): secrets in them masked
  const model = displayModel(await readImageForCli(name, values, io, analyzers));
  const inventory = buildInventory(model);
  const created = model.image.config.created ? new Date(model.image.config.created) : new Date(0);
  const input: SbomInput = {
    image: model.image,
    inventory,
    toolVersion: version,
    timestamp: values.reproducible ? (Number.isNaN(created.getTime()) ? new Date(0) : created) : new Date(),
    reproducible: values.reproducible,
    randomUuid: randomUUID(),
  };
  const report = inventoryReport(model, inventory);
  const width = outputWidth(io, values.output);
  const text =
    values.format === 'cyclonedx'
      ? cyclonedxJson(input)
      : values.format === 'spdx'
        ? spdxJson(input)
        : values.format === 'json'
          ? inventoryJson(report)
          : renderInventory(report, width);
  await writeOutput(io, values.output, text);
  if (values.format !== 'table' && values.format !== 'json') {
    for (const d of report.diagnostics) io.stderr.write(`shipshape: ${diagnosticLine(d)}\n`);
  }
}
