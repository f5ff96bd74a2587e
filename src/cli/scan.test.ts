import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanReport } from '../report/vuln-json.js';
import { sharedAbsent, sharedPath } from '../test-support/shared.js';
import { skipWhen } from '../test-support/skip.js';
import { runCli } from '../test-support/cli.js';
import { sarifErrors } from '../test-support/sarif.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shipshape-scan-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const shipshape = (args: string[], stdin = '') => runCli(args, { env: { SHIPSHAPE_CACHE_DIR: path.join(dir, 'cache') }, stdin, homedir: dir });

describe('shipshape version compare', () => {
  it('prints left, op, right; ? with the reason for an unparseable side', async () => {
    expect((await shipshape(['version', 'compare', '--scheme', 'deb', '1:1.0-1', '2.0'])).stdout).toBe('1:1.0-1\t>\t2.0\n');
    expect((await shipshape(['version', 'compare', '--scheme', 'npm', '1.2.3', '1.2.3'])).stdout).toBe('1.2.3\t=\t1.2.3\n');
    expect((await shipshape(['version', 'compare', '--scheme', 'deb', '1.0', 'a:b'])).stdout).toMatch(/^1\.0\t\?\ta:b\tright: /);
  });

  it('answers one line per left<TAB>right line of standard input', async () => {
    const { stdout } = await shipshape(['version', 'compare', '--scheme', 'pep440', '--stdin'], '1.0\t1.0.post1\n2.0rc1\t2.0\n');
    expect(stdout).toBe('1.0\t<\t1.0.post1\n2.0rc1\t<\t2.0\n');
  });

  it('names the schemes when given an unknown one', async () => {
    const { code, stderr } = await shipshape(['version', 'compare', '--scheme', 'nope', '1', '2']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown scheme "nope"; one of: deb, rpm, apk/);
  });
});

describe('shipshape dockerfile lint', skipWhen(sharedAbsent), () => {
  const recipe = () => sharedPath('images', 'recipes', 'bullseye-app', 'Dockerfile');

  it('reports the recipe Dockerfile with file:line, and gates with --exit-code', async () => {
    const { code, stdout } = await shipshape(['dockerfile', 'lint', recipe(), '--exit-code', '5']);
    expect(code).toBe(5);
    expect(stdout).toMatch(/SS-DF-003 .*Dockerfile:25 .*USER/);
    const json = JSON.parse((await shipshape(['dockerfile', 'lint', recipe(), '-f', 'json'])).stdout) as {
      findings: { ruleId: string; location: { startLine: number } }[];
    };
    expect(json.findings.map((f) => [f.ruleId, f.location.startLine])).toEqual(
      expect.arrayContaining([
        ['SS-DF-003', 25],
        ['SS-DF-004', 18],
      ]),
    );
  });

  it('writes SARIF valid against the SARIF 2.1.0 schema, located at the lines', async () => {
    const { stdout } = await shipshape(['dockerfile', 'lint', recipe(), '-f', 'sarif']);
    const log = JSON.parse(stdout) as { runs: { results: { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
    expect(await sarifErrors(log)).toBeUndefined();
    expect(log.runs[0]?.results.find((r) => r.ruleId === 'SS-DF-003')?.locations[0]?.physicalLocation.region.startLine).toBe(25);
  });
});

describe('shipshape scan image without a database', () => {
  it('says how to get one', async () => {
    const { code, stderr } = await shipshape(['scan', 'image', 'examples/demo-app.oci.tar', '--db', path.join(dir, 'none.sqlite')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/no advisory database at .*\n {2}hint: import advisories first/);
  });
});

describe('shipshape db and scan on the shared data', skipWhen(sharedAbsent), () => {
  const db = () => ['--db', path.join(dir, 'osv.sqlite')];
  const app = sharedPath('images', 'bullseye-app.oci.tar');

  beforeAll(async () => {
    const imported = await shipshape(['db', 'import', sharedPath('advisories', 'npm'), sharedPath('advisories', 'Debian'), ...db()]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/^Imported 1680 advisories/);
  }, 120_000);

  it('a scan warns when the advisory database is older than --max-db-age', async () => {
    const { stderr } = await shipshape(['scan', 'image', app, ...db(), '--max-db-age', '0s', '-f', 'json']);
    expect(stderr).toMatch(/warning: the advisory database was last updated .*, more than 0s ago/);
    expect((await shipshape(['scan', 'image', app, ...db(), '-f', 'json'])).stderr).toBe('');
  });

  it('finds the secrets a later layer deleted, the ENV password and the root user (--scanners secret,config)', async () => {
    const { stdout } = await shipshape(['scan', 'image', app, ...db(), '--scanners', 'secret,config', '-f', 'json']);
    const report = JSON.parse(stdout) as ScanReport;
    expect(report.findings).toEqual([]); // vuln not asked for
    const secret = (rule: string) => report.secrets.find((s) => s.ruleId === rule && s.location.path === '/opt/leaked/credentials.txt');
    for (const rule of ['SS-SEC-001', 'SS-SEC-002', 'SS-SEC-013']) {
      expect(secret(rule)?.location.layer?.index, rule).toBe(3);
      expect(secret(rule)?.message, rule).toMatch(/added in layer 3 .*deleted in layer 4, but still in the image/);
    }
    expect(report.secrets.some((s) => s.location.path === 'config:Env/DB_PASSWORD')).toBe(true);
    expect(stdout).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(stdout).not.toContain('fake-db-password-do-not-use');
    expect(report.misconfigurations.map((m) => m.ruleId)).toEqual(expect.arrayContaining(['SS-IMG-001', 'SS-IMG-002']));
  });

  it('rejects an unknown scanner', async () => {
    expect((await shipshape(['scan', 'image', app, '--scanners', 'vuln,malware'])).stderr).toMatch(/unknown scanner malware/);
  });

  it('db status shows the sources and counts', async () => {
    const { stdout } = await shipshape(['db', 'status', ...db()]);
    expect(stdout).toMatch(/Records\s+1680/);
    expect(stdout).toMatch(/Debian:11\s+\d+/);
  });

  it('the table groups findings by layer: base image vs the build', async () => {
    const { code, stdout } = await shipshape(['scan', 'image', app, ...db()]);
    expect(code).toBe(0);
    expect(stdout).toContain('== Layers added by the build ==');
    expect(stdout).toMatch(/Layer 2: COPY dir:\w+ in \/app/);
    expect(stdout).toMatch(/x_NSWG-ECO-516|CVE-2020-8203/);
  });

  it('--exit-code, --severity and --ignore-unfixed gate CI', async () => {
    expect((await shipshape(['scan', 'image', app, ...db(), '--exit-code', '3'])).code).toBe(3);
    const none = await shipshape(['scan', 'image', app, ...db(), '--exit-code', '3', '--severity', 'UNKNOWN', '--ignore-unfixed', '-f', 'json']);
    const report = JSON.parse(none.stdout) as ScanReport;
    expect(report.findings.every((f) => f.severity.level === 'UNKNOWN' && f.fixedVersion !== undefined)).toBe(true);
    expect(none.code).toBe(report.findings.length > 0 ? 3 : 0);
    expect((await shipshape(['scan', 'image', app, ...db(), '--severity', 'SEVERE'])).stderr).toMatch(/unknown severity SEVERE/);
  });

  it('takes the .shipshapeignore of the working directory', async () => {
    const project = path.join(dir, 'project');
    await mkdir(project, { recursive: true });
    await writeFile(path.join(project, '.shipshapeignore'), 'x_NSWG-ECO-516  # dev only\n');
    const { stdout } = await runCli(['scan', 'image', app, ...db(), '-f', 'json'], { cwd: project, env: { SHIPSHAPE_CACHE_DIR: path.join(dir, 'cache') } });
    expect((JSON.parse(stdout) as ScanReport).suppressed.map((s) => [s.id, s.by])).toContainEqual(['x_NSWG-ECO-516', 'ignorefile']);
  });

  it('SARIF output is valid against the SARIF 2.1.0 schema', async () => {
    const out = path.join(dir, 'scan.sarif');
    expect((await shipshape(['scan', 'image', app, ...db(), '-f', 'sarif', '-o', out])).code).toBe(0);
    const log = JSON.parse(await readFile(out, 'utf8')) as {
      runs: { results: unknown[]; tool: { driver: { rules: { properties: Record<string, string> }[] } } }[];
    };
    expect(await sarifErrors(log)).toBeUndefined();
    expect(log.runs[0]?.results.length).toBeGreaterThan(0);
    expect(log.runs[0]?.tool.driver.rules.every((rule) => /^\d+\.\d$/.test(rule.properties['security-severity'] ?? ''))).toBe(true);
  });

  it('with --dockerfile, SARIF results point at the instruction that brought the package in', async () => {
    const dockerfile = sharedPath('images', 'recipes', 'bullseye-app', 'Dockerfile');
    const { stdout } = await shipshape(['scan', 'image', app, ...db(), '-f', 'sarif', '--dockerfile', dockerfile]);
    const log = JSON.parse(stdout) as {
      runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[];
    };
    const lodash = log.runs[0]?.results.find((r) => r.ruleId.includes('NSWG-ECO-516'));
    expect(lodash?.locations[0]?.physicalLocation.artifactLocation.uri).toMatch(/recipes\/bullseye-app\/Dockerfile$/);
    expect(lodash?.locations[0]?.physicalLocation.region.startLine).toBe(15); // COPY app /app
  });

  it('CycloneDX with vulnerabilities is valid against the official 1.6 schema', async () => {
    const { stdout } = await shipshape(['scan', 'image', app, ...db(), '-f', 'cyclonedx']);
    expect(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(stdout)).toBeNull();
    const bom = JSON.parse(stdout) as { vulnerabilities: { id: string; affects: { ref: string }[] }[]; components: { 'bom-ref': string }[] };
    const refs = new Set(bom.components.map((c) => c['bom-ref']));
    expect(bom.vulnerabilities.length).toBeGreaterThan(0);
    expect(bom.vulnerabilities.every((v) => v.affects.every((a) => refs.has(a.ref)))).toBe(true);
  });
});
