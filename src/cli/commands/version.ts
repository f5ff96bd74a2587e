import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { ExitCode, type CliIo } from '../io.js';
import { version as toolVersion } from '../version.js';

interface CompareValues {
  scheme: string;
  stdin: boolean;
}

/**
 * `shipshape version compare --scheme S A B` prints `A<TAB>op<TAB>B` (`<`, `=`, `>`, or `?` and the
 * reason); with `--stdin`, one answer per `left<TAB>right` line — fast enough to check a scheme
 * against the real tool on 100,000 pairs. `shipshape version` alone prints Shipshape's version, as
 * `--version` does.
 */
export function versionCommand(io: CliIo, done: (code: number) => void): Command {
  const compare = new Command('compare')
    .description("compare two versions with an ecosystem's scheme (deb, rpm, apk, semver, npm, go, pep440, maven, ...)")
    .argument('[left]')
    .argument('[right]')
    .requiredOption('--scheme <scheme>', 'version scheme')
    .option('--stdin', 'read left<TAB>right lines from standard input', false)
    .action(async (left: string | undefined, right: string | undefined, values: CompareValues) => {
      const [{ schemeById, schemes }, { compareVersions }] = await Promise.all([
        import('../../vuln/versioning/registry.js'),
        import('../../vuln/versioning/scheme.js'),
      ]);
      const scheme = schemeById(values.scheme);
      if (!scheme) throw new UsageError(`unknown scheme ${JSON.stringify(values.scheme)}; one of: ${schemes.map((s) => s.id).join(', ')}`);
      const answer = (a: string, b: string): string => {
        const result = compareVersions(scheme, a, b);
        return result.op === '?' ? `${a}\t?\t${b}\t${result.reason}` : `${a}\t${result.op}\t${b}`;
      };
      if (values.stdin) {
        const lines = (await io.readStdin()).split('\n');
        const out: string[] = [];
        for (const line of lines) {
          if (line === '') continue;
          const [a = '', b = ''] = line.split('\t');
          out.push(answer(a, b));
        }
        io.stdout.write(out.length > 0 ? `${out.join('\n')}\n` : '');
      } else {
        if (left === undefined || right === undefined) throw new UsageError('give two versions, or --stdin');
        io.stdout.write(`${answer(left, right)}\n`);
      }
      done(ExitCode.ok);
    });
  return new Command('version')
    .description("print Shipshape's version; `version compare` compares two versions with an ecosystem's scheme")
    .addCommand(compare)
    .action(() => {
      io.stdout.write(`${toolVersion}\n`);
      done(ExitCode.ok);
    });
}
