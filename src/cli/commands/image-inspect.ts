import { Command, Option } from 'commander';
import { NotFoundError } from '../../core/errors.js';
import { inspectJson, inspectReport } from '../../report/inspect-json.js';
import { displayModel } from '../../secrets/display.js';
import { renderInspect, renderLayerChanges } from '../../report/inspect-table.js';
import { ExitCode, type CliIo } from '../io.js';
import { outputWidth } from '../width.js';
import { parseIndex } from '../flags.js';
import { addImageOptions, type ImageOptionValues } from '../options.js';
import { readImageForCli, writeOutput } from '../read.js';

interface InspectValues extends ImageOptionValues {
  format: 'table' | 'json';
  output?: string;
  layer?: number;
  files: boolean;
}

/** `shipshape image inspect <image>`: digest, platform, config and what each layer did. */
export function imageInspectCommand(io: CliIo, done: (code: number) => void): Command {
  const command = new Command('inspect')
    .description('show an image: digest, platform, config, and the files each layer added, modified and deleted')
    .argument('<image>', 'docker-archive or OCI archive (.tar), OCI layout directory, or registry reference (host/repo:tag, repo@sha256:...)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--layer <n>', 'list the changes of layer N (0 = base)', parseIndex)
    .option('--files', 'JSON: include the added/modified/deleted path lists of every layer', false);
  addImageOptions(command).action(async (name: string, values: InspectValues) => {
    // what is shown has the secrets `scan` would flag masked (labels, history lines, commands)
    const model = displayModel(await readImageForCli(name, values, io));
    if (values.layer !== undefined && values.layer >= model.layers.length) {
      throw new NotFoundError(`the image has ${model.layers.length} layers (0 to ${model.layers.length - 1}); there is no layer ${values.layer}`);
    }
    const report = inspectReport(model, { files: values.files || values.layer !== undefined });
    const width = outputWidth(io, values.output);
    const text =
      values.format === 'json'
        ? inspectJson(report, values.layer)
        : values.layer !== undefined
          ? renderLayerChanges(model, report, values.layer, width)
          : renderInspect(report, width);
    await writeOutput(io, values.output, text);
    done(ExitCode.ok);
  });
  return command;
}
