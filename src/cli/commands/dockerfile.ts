import { Command, Option } from 'commander';
import { parseExitCode } from '../flags.js';
import { ExitCode, type CliIo } from '../io.js';
import { outputWidth } from '../width.js';
import { writeOutput } from '../read.js';
import { parseSeverities } from './scan.js';

interface LintValues {
  format: 'table' | 'json' | 'sarif';
  output?: string;
  severity?: string;
  exitCode: number;
  buildArg?: string[];
}

/** `shipshape dockerfile lint <file>...`: the Dockerfile rules, with file:line locations. */
export function dockerfileCommand(io: CliIo, done: (code: number) => void): Command {
  const lint = new Command('lint')
    .description('check Dockerfiles: base image pinning, USER, package installs, secrets, curl | sh, and the hadolint rules that matter')
    .argument('<file...>', 'Dockerfiles (a .dockerignore next to each is taken into account)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'sarif']).default('table'))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('-s, --severity <levels>', 'report only these severities (comma-separated)')
    .option('--exit-code <n>', 'exit with this code when any (reported) finding remains', parseExitCode, 0)
    .option('--build-arg <name=value...>', 'values for ARGs, as docker build --build-arg')
    .action(async (files: string[], values: LintValues) => {
      const [{ readDockerfileFile }, { existsSync }, path, { lintDockerfile }, { dockerfileRules }, { renderRuleFindings }, { ruleSarifJson }] = await Promise.all([
        import('../../build/dockerfile/read.js'),
        import('node:fs'),
        import('node:path'),
        import('../../build/dockerfile/lint.js'),
        import('../../build/dockerfile/registry.js'),
        import('../../report/rule-findings.js'),
        import('../../report/sarif.js'),
      ]);
      const severities = parseSeverities(values.severity);
      const buildArgs = Object.fromEntries((values.buildArg ?? []).map((pair) => [pair.split('=')[0] ?? pair, pair.slice(pair.indexOf('=') + 1)]));
      const findings = [];
      for (const file of files) {
        const content = await readDockerfileFile(file);
        const hasDockerignore = existsSync(path.join(path.dirname(file), '.dockerignore'));
        // one by one: a spread of a text file's half a million findings would overflow the stack
        for (const finding of lintDockerfile(content, { file, hasDockerignore, buildArgs })) if (!severities || severities.includes(finding.severity)) findings.push(finding);
      }
      const set = { scanner: 'dockerfile' as const, rules: dockerfileRules.map((rule) => rule.meta), findings };
      const width = outputWidth(io, values.output);
      const text =
        values.format === 'json'
          ? `${JSON.stringify({ schemaVersion: 1, files, findings }, null, 2)}\n`
          : values.format === 'sarif'
            ? ruleSarifJson([set], (await import('../version.js')).version)
            : renderRuleFindings([set], width).replace(/^\n/, '');
      await writeOutput(io, values.output, text);
      done(findings.length > 0 && values.exitCode !== 0 ? values.exitCode : ExitCode.ok);
    });
  return new Command('dockerfile').description('Dockerfile analysis').addCommand(lint);
}
