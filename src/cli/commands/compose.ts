import { Command, Option } from 'commander';
import type { CliIo } from '../io.js';

interface ComposeValues {
  format: 'table' | 'json' | 'sarif';
  output?: string;
  exitCode: number;
}

/** `shipshape compose check <file...>`: CIS Docker Benchmark section 5 rules over docker-compose files. */
export function composeCommand(io: CliIo, done: (code: number) => void): Command {
  const check = new Command('check')
    .description('check docker-compose files (v2/v3, Compose Specification): privileged, host namespaces, socket mounts, limits, secrets...')
    .argument('<file...>', 'compose files')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'sarif']).default('table'))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--exit-code <n>', 'exit with this code when any finding remains', (t) => Number.parseInt(t, 10), 0)
    .action(async (files: string[], values: ComposeValues) => {
      const [{ readFile }, { checkCompose }, { composeRules }, { renderRuleFindings }, { ruleSarifJson }, { version }, { NotFoundError, messageOf }, { writeOutput }] = await Promise.all([
        import('node:fs/promises'),
        import('../../run/compose/check.js'),
        import('../../run/compose/registry.js'),
        import('../../report/rule-findings.js'),
        import('../../report/sarif.js'),
        import('../version.js'),
        import('../../core/errors.js'),
        import('../read.js'),
      ]);
      const findings = [];
      const diagnostics = [];
      for (const file of files) {
        const text = await readFile(file, 'utf8').catch((error: unknown) => {
          throw new NotFoundError(`cannot read ${file}: ${messageOf(error)}`);
        });
        const result = checkCompose(file, text);
        findings.push(...result.findings);
        diagnostics.push(...result.diagnostics);
      }
      const set = { scanner: 'compose' as const, rules: composeRules.map((rule) => rule.meta), findings };
      const width = io.stdout.isTTY ? (io.stdout.columns ?? 120) : 200;
      const text =
        values.format === 'json'
          ? `${JSON.stringify({ schemaVersion: 1, files, findings, diagnostics }, null, 2)}\n`
          : values.format === 'sarif'
            ? ruleSarifJson([set], version)
            : renderRuleFindings([set], width).replace(/^\n/, '') + diagnostics.map((d) => `${d.level}: ${d.message}${d.where ? ` (${d.where})` : ''}\n`).join('');
      await writeOutput(io, values.output, text);
      done(findings.length > 0 && values.exitCode !== 0 ? values.exitCode : 0);
    });
  return new Command('compose').description('docker-compose files (run phase)').addCommand(check);
}
