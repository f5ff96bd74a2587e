import { Command, Option } from 'commander';
import { parseExitCode } from '../flags.js';
import { ExitCode, type CliIo } from '../io.js';
import { outputWidth, wantsColor } from '../width.js';
import { writeOutput } from '../read.js';
import { ProgressLine } from '../progress.js';
import { parseSeverities } from './scan.js';

interface LintValues {
  format: 'table' | 'json' | 'sarif';
  output?: string;
  severity?: string;
  quiet: boolean;
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
    .option('-q, --quiet', 'no progress display', false)
    .option('--build-arg <name=value...>', 'values for ARGs, as docker build --build-arg')
    .action(async (files: string[], values: LintValues) => {
      const [
        { readDockerfileFile },
        { existsSync },
        path,
        { lintDockerfile },
        { dockerfileRules },
        { renderRuleFindings },
        { ruleSarifJson },
        { checkJson, dockerfileLintReport },
      ] = await Promise.all([
        import('../../buildtime/dockerfile/read.js'),
        import('node:fs'),
        import('node:path'),
        import('../../buildtime/dockerfile/lint.js'),
        import('../../buildtime/dockerfile/registry.js'),
        import('../../report/rule-findings.js'),
        import('../../report/sarif.js'),
        import('../../report/check-json.js'),
      ]);
      const severities = parseSeverities(values.severity);
      const buildArgs = Object.fromEntries((values.buildArg ?? []).map((pair) => [pair.split('=')[0] ?? pair, pair.slice(pair.indexOf('=') + 1)]));
      const findings = [];
      const progress = ProgressLine.for(io, values.quiet);
      try {
        for (const [index, file] of files.entries()) {
          progress?.message(`Linting Dockerfile ${index + 1}/${files.length}: ${file}`);
          const content = await readDockerfileFile(file);
          const hasDockerignore = existsSync(path.join(path.dirname(file), '.dockerignore'));
          // one by one: a spread of a text file's half a million findings would overflow the stack
          for (const finding of lintDockerfile(content, { file, hasDockerignore, buildArgs }))
            if (!severities || severities.includes(finding.severity)) findings.push(finding);
        }
      } finally {
        progress?.finish();
      }
      const set = { scanner: 'dockerfile' as const, rules: dockerfileRules.map((rule) => rule.meta), findings };
      const width = outputWidth(io, values.output);
      const text =
        values.format === 'json'
          ? checkJson(dockerfileLintReport(files, findings))
          : values.format === 'sarif'
            ? ruleSarifJson([set], (await import('../version.js')).version)
            : renderRuleFindings([set], width, wantsColor(io, values)).replace(/^\n/, '');
      await writeOutput(io, values.output, text);
      done(findings.length > 0 && values.exitCode !== 0 ? values.exitCode : ExitCode.ok);
    });
  return new Command('dockerfile').description('Dockerfile analysis').addCommand(lint);
}
