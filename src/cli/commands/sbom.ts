import { Command, Option } from 'commander';
import { ExitCode, type CliIo } from '../io.js';
import { addImageOptions, type ImageOptionValues } from '../options.js';

export interface SbomValues extends ImageOptionValues {
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
    const { runSbom } = await import('./sbom-run.js');
    await runSbom(name, values, io);
    done(ExitCode.ok);
  });
  return command;
}
