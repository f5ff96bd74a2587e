import { Command, Option } from 'commander';
import { NotFoundError } from '../../core/errors.js';
import { inspectReport } from '../../report/inspect-json.js';
import { displayModel } from '../../secrets/display.js';
import { renderInspect, renderLayerChanges } from '../../report/inspect-table.js';
import { ExitCode, type CliIo } from '../io.js';
import { outputWidth } from '../width.js';
import { parseIndex } from '../flags.js';
import { addImageOptions, type ImageOptionValues } from '../options.js';
import { readImageForCli } from '../read.js';

interface InspectValues extends ImageOptionValues {
  format: 'table' | 'json';
  layer?: number;
  files: boolean;
}

/** `shipshape image inspect <image>`: digest, platform, config and what each layer did. */
export function imageInspectCommand(io: CliIo, done: (code: number) => void): Command {
  const command = new Command('inspect')
    .description('show an image: digest, platform, config, and the files each layer added, modified and deleted')
    .argument('<image>', 'docker-archive or OCI archive (.tar), OCI layout directory, or registry reference (host/repo:tag, repo@sha256:...)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('--layer <n>', 'list the changes of layer N (0 = base)', parseIndex)
    .option('--files', 'JSON: include the added/modified/deleted path lists of every layer', false);
  addImageOptions(command).action(async (name: string, values: InspectValues) => {
    // what is shown has the secrets `scan` would flag masked (labels, history lines, commands)
    const model = displayModel(await readImageForCli(name, values, io));
    if (values.layer !== undefined && values.layer >= model.layers.length) {
      throw new NotFoundError(`the image has ${model.layers.length} layers (0 to ${model.layers.length - 1}); there is no layer ${values.layer}`);
    }
    const report = inspectReport(model, { files: values.files || values.layer !== undefined });
    const width = outputWidth(io);
    if (values.format === 'json') {
      const output = values.layer === undefined ? report : { ...report, layers: report.layers.filter((l) => l.index === values.layer) };
      io.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    } else if (values.layer !== undefined) {
      io.stdout.write(renderLayerChanges(model, report, values.layer, width));
    } else {
      io.stdout.write(renderInspect(report, width));
    }
    done(ExitCode.ok);
  });
  return command;
}

