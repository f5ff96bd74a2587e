import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/test-support/cli.js';

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const goldenFile = here('./golden.json');

interface K8sReport {
  results: {
    file: string;
    line: number;
    kind: string;
    namespace: string;
    name: string;
    level: string;
    version: string;
    allowed: boolean;
    violations: { check: string }[];
    warn?: { allowed: boolean };
  }[];
  findings: { ruleId: string; location: { file: string; startLine: number } }[];
}

/**
 * A small estate (a Helm-style output and a plain multi-document file) and a compose file, with
 * their results pinned: any change in a check, a rule or a line number shows here.
 * `UPDATE_GOLDEN=1 npx vitest run test/k8s` rewrites golden.json (read it before keeping it).
 */
describe('the example estate (test/k8s, test/compose)', () => {
  it('gives the golden result', async () => {
    const dir = here('.');
    const k8s = JSON.parse((await runCli(['k8s', 'check', dir, '-f', 'json'])).stdout) as K8sReport;
    const compose = JSON.parse((await runCli(['compose', 'check', here('../compose/docker-compose.yml'), '-f', 'json'])).stdout) as {
      findings: { ruleId: string; location: { startLine: number } }[];
    };
    const strip = (file: string) => file.slice(file.lastIndexOf('/') + 1);
    const actual = {
      workloads: k8s.results.map(
        (r) =>
          `${strip(r.file)}:${r.line} ${r.kind}/${r.namespace}/${r.name} ${r.level}@${r.version} ${r.allowed ? 'allowed' : `denied(${r.violations.map((v) => v.check).join(',')})`}${r.warn ? ` warn:${r.warn.allowed ? 'ok' : 'warns'}` : ''}`,
      ),
      findings: k8s.findings.map((f) => `${strip(f.location.file)}:${f.location.startLine} ${f.ruleId}`),
      compose: compose.findings.map((f) => `${f.location.startLine} ${f.ruleId}`),
    };
    if (process.env.UPDATE_GOLDEN) writeFileSync(goldenFile, `${JSON.stringify(actual, null, 2)}\n`);
    expect(actual).toEqual(JSON.parse(readFileSync(goldenFile, 'utf8')));
  });
});
