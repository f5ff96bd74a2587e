import { Command, Option } from 'commander';
import { parseExitCode } from '../flags.js';
import type { CliIo } from '../io.js';
import { outputWidth, wantsColor } from '../width.js';
import { ProgressLine } from '../progress.js';
import { parseSeverities } from './scan.js';

interface ComposeValues {
  format: 'table' | 'json' | 'sarif';
  output?: string;
  severity?: string;
  quiet: boolean;
  exitCode: number;
}

/** `shipshape compose check <file...>`: CIS Docker Benchmark section 5 rules over docker-compose files. */
export function composeCommand(io: CliIo, done: (code: number) => void): Command {
  const check = new Command('check')
    .description('check docker-compose files (v2/v3, Compose Specification): privileged, host namespaces, socket mounts, limits, secrets...')
    .argument('<path...>', 'compose files, or directories holding compose.yaml, compose.yml, docker-compose.yaml or docker-compose.yml')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'sarif']).default('table'))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('-s, --severity <levels>', 'report only these severities (comma-separated: CRITICAL,HIGH,MEDIUM,LOW,UNKNOWN)')
    .option('-q, --quiet', 'no progress display', false)
    .option('--exit-code <n>', 'exit with this code when any (reported) finding remains', parseExitCode, 0)
    .action(async (paths: string[], values: ComposeValues) => {
      const [
        { readComposeSources },
        { checkCompose },
        { composeRules },
        { renderRuleFindings },
        { ruleSarifJson },
        { version },
        { failClosed },
        { writeOutput },
        { diagnosticLine },
        { checkJson, composeCheckReport },
      ] = await Promise.all([
        import('../../runtime/compose/sources.js'),
        import('../../runtime/compose/check.js'),
        import('../../runtime/compose/registry.js'),
        import('../../report/rule-findings.js'),
        import('../../report/sarif.js'),
        import('../version.js'),
        import('../errors.js'),
        import('../read.js'),
        import('../../report/table.js'),
        import('../../report/check-json.js'),
      ]);
      const severities = parseSeverities(values.severity);
      const progress = ProgressLine.for(io, values.quiet);
      const files: string[] = [];
      const findings = [];
      const diagnostics = [];
      try {
        for (const given of paths) {
          for (const source of await readComposeSources(given)) {
            progress?.message(`Checking compose file ${files.length + 1}: ${source.name}`);
            files.push(source.name);
            if (source.unreadable !== undefined) {
              diagnostics.push({ level: 'error' as const, code: 'compose.unreadable', message: `${source.unreadable}; not loaded`, where: source.name });
              continue;
            }
            const result = checkCompose(source.name, source.text);
            // `--severity` filters what is shown; the gate judges what is shown (as `scan` does)
            for (const finding of result.findings) if (!severities || severities.includes(finding.severity)) findings.push(finding);
            for (const diagnostic of result.diagnostics) diagnostics.push(diagnostic);
          }
        }
      } finally {
        progress?.finish();
      }
      const set = { scanner: 'compose' as const, rules: composeRules.map((rule) => rule.meta), findings };
      const width = outputWidth(io, values.output);
      const text =
        values.format === 'json'
          ? checkJson(composeCheckReport(files, findings, diagnostics))
          : values.format === 'sarif'
            ? ruleSarifJson([set], version)
            : renderRuleFindings([set], width, wantsColor(io, values)).replace(/^\n/, '') + diagnostics.map((d) => `${diagnosticLine(d)}\n`).join('');
      await writeOutput(io, values.output, text);
      // files (or parts of them) that could not be read fail the check, whatever was found in the rest
      const unread = diagnostics.filter((d) => d.level === 'error');
      done(failClosed(io, unread, findings.length > 0 && values.exitCode !== 0 ? values.exitCode : 0));
    });
  return new Command('compose').description('docker-compose files (run phase)').addCommand(check);
}
