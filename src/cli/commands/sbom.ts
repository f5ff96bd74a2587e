import { randomUUID } from 'node:crypto';
import { Command, Option } from 'commander';
import { analyzers } from '../../inventory/analyzers/registry.js';
import { buildInventory } from '../../inventory/build.js';
import { inventoryReport } from '../../report/inventory-json.js';
import { renderInventory } from '../../report/inventory-table.js';
import { cyclonedxJson } from '../../report/sbom/cyclonedx.js';
import type { SbomInput } from '../../report/sbom/document.js';
import { spdxJson } from '../../report/sbom/spdx.js';
import { ExitCode, type CliIo } from '../io.js';
import { addImageOptions, type ImageOptionValues } from '../options.js';
import { readImageForCli, writeOutput } from '../read.js';
import { version } from '../version.js';

interface SbomValues extends ImageOptionValues {
  format: 'table' | 'json' | 'cyclonedx' | 'spdx';
  output?: string;
  reproducible: boolean;
}

/** `shipshape sbom <image>`: every OS and language package, with the layer that introduced it. */
export function sbomCommand(io: CliIo, done: (code: number) => void): Command {
  const command = new Command('sbom')
    .description('list every OS and language package in an image, with the layer that introduced it (CycloneDX, SPDX, table, JSON)')
    .argument('<image>', 'docker-archive or OCI archive (.tar), OCI layout directory, or registry reference')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'cyclonedx', 'spdx']).default('table'))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--reproducible', 'fixed timestamp (the image creation time) and serial number, for byte-identical SBOMs', false);
  addImageOptions(command).action(async (name: string, values: SbomValues) => {
    const model = await readImageForCli(name, values, io, analyzers);
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
    const width = io.stdout.isTTY ? (io.stdout.columns ?? 120) : 200;
    const text =
      values.format === 'cyclonedx'
        ? cyclonedxJson(input)
        : values.format === 'spdx'
          ? spdxJson(input)
          : values.format === 'json'
            ? `${JSON.stringify(report, null, 2)}\n`
            : renderInventory(report, width);
    await writeOutput(io, values.output, text);
    if (values.format !== 'table' && values.format !== 'json') {
      for (const d of report.diagnostics) io.stderr.write(`shipshape: ${d.level}: ${d.message}${d.where ? ` (${d.where})` : ''}\n`);
    }
    done(ExitCode.ok);
  });
  return command;
}
