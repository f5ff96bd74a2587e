import { Command, Option } from 'commander';
import { parseExitCode, parseScore } from '../flags.js';
import type { CliIo } from '../io.js';
import { addEstateOptions, type EstateOptionValues } from './map.js';

export interface PostureValues extends EstateOptionValues {
  format: 'table' | 'json' | 'markdown' | 'html' | 'sarif';
  policy?: string;
  db?: string;
  title?: string;
  exitCode: number;
  failUnder?: number;
}

/** `shipshape posture`: controls per lifecycle phase, met or not, with evidence and proposed changes. */
export function postureCommand(io: CliIo, done: (code: number) => void): Command {
  return addEstateOptions(
    new Command('posture').description(
      'assess the container security posture per phase (build, distribute, run, host): controls met or not, evidence, proposed changes; HTML/Markdown/JSON/SARIF reports',
    ),
  )
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'markdown', 'html', 'sarif']).default('table'))
    .option(
      '--policy <file>',
      "policy file (YAML): failOn, ignoreUnfixed, allowedRegistries, requiredPssLevel, maxImageAgeDays, requireSignatures, trustedKeys, acceptedRisks (default: the config's policy)",
    )
    .option('--db <file>', 'advisory database for image and host-runtime vulnerabilities (default: <cache-dir>/osv.sqlite when it exists)')
    .option('--title <text>', "report title (default: from the config file's directory)")
    .option('--exit-code <n>', 'exit with this code when any control is a gap', parseExitCode, 0)
    .option('--fail-under <score>', 'exit with --exit-code (or 1) when the overall score is below this', parseScore)
    .action(async (values: PostureValues) => {
      const { runPosture } = await import('./posture-run.js');
      done(await runPosture(values, io));
    });
}
