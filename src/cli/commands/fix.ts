import { Command, Option } from 'commander';
import type { CliIo } from '../io.js';
import { addEstateOptions, type EstateOptionValues } from './map.js';

export interface FixValues extends EstateOptionValues {
  format: 'diff' | 'json';
  control: string[];
  rule: string[];
  write: boolean;
  resolve: boolean;
  policy?: string;
  db?: string;
}

/** `--control A,B --control C` → [A, B, C]. */
const ids = (value: string, previous: string[]): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== ''),
];

/** `shipshape fix`: the posture's proposed changes as one patch; `--write` applies it. */
export function fixCommand(io: CliIo, done: (code: number) => void): Command {
  return addEstateOptions(
    new Command('fix').description(
      "turn the posture's proposed changes into a patch (Dockerfiles, CI pipelines, manifests, compose files): a unified diff for git apply, or --write to apply it; what needs a person is listed with the reason",
    ),
  )
    .addOption(new Option('-f, --format <format>', 'output format: the unified diff, or JSON with each change').choices(['diff', 'json']).default('diff'))
    .option('--control <control>', 'only the changes of these controls (SS-CTL-B02; repeatable, comma-separated)', ids, [])
    .option('--rule <rule>', 'only the changes that clear findings of these rules (repeatable, comma-separated)', ids, [])
    .option('--write', 'apply the patch to the files in place (refused, and nothing written, when a file changed since it was read)', false)
    .option(
      '--resolve',
      "ask the registries for the digests of unpinned parent and workload images (to pin them), and advise better base images: the same line's tags scanned, the one with the fewest fixable critical/high proposed",
      false,
    )
    .option('--policy <file>', "policy file (YAML) as for posture (default: the config's policy)")
    .option('--db <file>', 'advisory database (default: <cache-dir>/osv.sqlite when it exists)')
    .action(async (values: FixValues) => {
      const { runFix } = await import('./fix-run.js');
      done(await runFix(values, io));
    });
}
