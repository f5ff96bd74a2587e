import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { ExitCode, type CliIo } from '../io.js';
import { outputWidth } from '../width.js';
import { ProgressLine } from '../progress.js';
import { version } from '../version.js';

interface DemoValues {
  output: string;
  quiet: boolean;
}

// dist/cli/commands (or src/cli/commands under the tests) → the repository root
const root = fileURLToPath(new URL('../../../', import.meta.url));

/** `shipshape demo`: the whole lifecycle on the bundled example estate, offline, into an HTML report. */
export function demoCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('demo')
    .description(
      'run the whole lifecycle on the bundled example estate (build its images, serve them from a local registry, scan, map, assess) and write an HTML report',
    )
    .option('-o, --output <file>', 'where to write the HTML report', 'shipshape-report.html')
    .option('-q, --quiet', 'no progress display', false)
    .action(async (values: DemoValues) => {
      const { runDemo } = await import('../../demo/run-demo.js');
      const { renderPostureTable } = await import('../../report/posture-table.js');
      const { printable } = await import('../../report/table.js');
      const { uncheckedImage } = await import('../../distribute/rules/images.js');
      const progress = ProgressLine.for(io, values.quiet);
      const result = await runDemo({
        estateDir: path.join(root, 'examples', 'estate'),
        advisoriesDir: path.join(root, 'examples', 'advisories'),
        reportFile: path.resolve(values.output),
        toolVersion: version,
        now: new Date(),
        onProgress: progress?.message,
      }).finally(() => progress?.finish());
      const { counts, map, input } = result;
      io.stdout.write(
        `Built ${counts.images} images of the example estate, pushed ${counts.tags} tags to a local registry, imported ${counts.advisories} advisories, ` +
          `scanned ${(result.evidence.hosts ?? []).map((host) => `the host ${printable(host.host.hostname ?? host.host.root)} (${host.containers.length} containers)`).join(', ') || 'no host'};\n` +
          `mapped ${map.nodes.length} nodes and ${map.edges.length} edges from source to host, with ${map.findings.length} breaks in the chain and ${input.findings.length} findings.\n\n`,
      );
      // the bundled advisories are a sample: what they do not cover is said, not passed off as clean
      const unchecked = result.evidence.registries.flatMap((report) => report.findings.filter((f) => f.ruleId === uncheckedImage.meta.id));
      if (unchecked.length > 0)
        io.stdout.write(
          `Not fully checked for vulnerabilities — the bundled advisories do not cover them (unknown, not clean):\n${unchecked.map((f) => `  ${printable(f.message)}\n`).join('')}\n`,
        );
      io.stdout.write(renderPostureTable(result.posture, outputWidth(io)).split('\n== Proposed changes ==')[0] ?? '');
      io.stdout.write(`\nThe report: ${result.reportFile}\n(open it in a browser; it is one self-contained file)\n`);
      done(ExitCode.ok);
    });
}
