import { Diagnostics } from '../core/diagnostics.js';
import type { LayerFileVisitor } from '../image/layer/visitor.js';
import { openImage } from '../image/open.js';
import { readImage, type ImageModel } from '../image/read-image.js';
import type { CliIo } from './io.js';
import { resolveImageOptions, type ImageOptionValues } from './options.js';
import { ProgressLine } from './progress.js';
import { unmark } from '../report/colour.js';

/**
 * The part every image command shares: turn the flags into engine options, open the image, read it
 * with a progress line on a terminal, and close it again whatever happens.
 */
export async function readImageForCli(name: string, values: ImageOptionValues, io: CliIo, visitors: readonly LayerFileVisitor[] = []): Promise<ImageModel> {
  const options = await resolveImageOptions(values, io);
  const source = await openImage(name, { limits: options.limits, registry: options.registry });
  const progress = ProgressLine.for(io, values.quiet);
  try {
    return await readImage(source, {
      selection: { image: values.image, platform: options.platform },
      limits: options.limits,
      cacheDir: options.cacheDir,
      parallel: values.parallel,
      diagnostics: new Diagnostics(),
      visitors,
      onProgress: progress?.update,
    });
  } finally {
    progress?.finish();
    await source.close();
  }
}

/** Writes a command's output to `--output FILE` or stdout. */
export async function writeOutput(io: CliIo, output: string | undefined, text: string): Promise<void> {
  if (output === undefined || output === '-') {
    io.stdout.write(text);
    return;
  }
  const { writeOutputFile } = await import('../core/output.js');
  // colour marks are for a terminal only (none are made for a file; none may reach one)
  await writeOutputFile(output, unmark(text, false));
}
