import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanReport } from '../report/vuln-json.js';
import { runCli } from '../test-support/cli.js';
import { sarifErrors } from '../test-support/sarif.js';
import { sharedAbsent, sharedPath } from '../test-support/shared.js';
import { skipWhen } from '../test-support/skip.js';

// Unknown is never clean: packages of an ecosystem the advisory database holds nothing for were not
// checked, and every output says so; a database is never made from input that holds no OSV record.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shipshape-coverage-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const shipshape = (args: string[]) => runCli(args, { env: { SHIPSHAPE_CACHE_DIR: path.join(dir, 'cache') }, homedir: dir });

describe('db import of input that holds no OSV record', () => {
  const inputs: [string, string][] = [
    ['an empty file', ''],
    ['a README', '# Advisories\n\nSee osv.dev.\n'],
    ['{}', '{}'],
  ];

  it.each(inputs)('%s is an error and creates no database', async (_name, content) => {
    const file = path.join(dir, 'input.json');
    await writeFile(file, content);
    const db = path.join(dir, 'never.sqlite');
    const { code, stderr } = await shipshape(['db', 'import', file, '--db', db]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^shipshape: error: .*input\.json holds no OSV record: .*nothing was imported\n/);
    expect(existsSync(db)).toBe(false);
  });

  it('leaves an existing database as it was', async () => {
    const db = path.join(dir, 'kept.sqlite');
    expect((await shipshape(['db', 'import', 'examples/advisories', '--db', db])).code).toBe(0);
    const before = (await shipshape(['db', 'status', '--db', db, '-f', 'json'])).stdout;
    const empty = await mkdtemp(path.join(dir, 'empty-'));
    const { code, stderr } = await shipshape(['db', 'import', 'examples/advisories/SOURCE.md', '--db', db]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/SOURCE\.md holds no OSV record/);
    expect((await shipshape(['db', 'import', empty, '--db', db])).stderr).toMatch(/holds no OSV record: no \.json or \.zip file was found/);
    expect((await shipshape(['db', 'status', '--db', db, '-f', 'json'])).stdout).toBe(before);
  });

  it('db status lists the ecosystems and releases held, with counts and the newest modified date', async () => {
    const db = path.join(dir, 'status.sqlite');
    await shipshape(['db', 'import', 'examples/advisories', '--db', db]);
    const status = JSON.parse((await shipshape(['db', 'status', '--db', db, '-f', 'json'])).stdout) as { ecosystems: unknown[] };
    expect(status.ecosystems).toEqual([
      { ecosystem: 'Debian:10', advisories: 6, newestModified: '2022-07-03T00:00:00Z' },
      { ecosystem: 'Debian:11', advisories: 19, newestModified: '2023-02-27T00:00:00Z' },
      { ecosystem: 'PyPI', advisories: 8, newestModified: '2023-11-08T18:38:34.170214Z' },
      { ecosystem: 'npm', advisories: 1, newestModified: '2020-07-13T00:00:00Z' },
    ]);
    const { stdout } = await shipshape(['db', 'status', '--db', db]);
    expect(stdout).toMatch(/ECOSYSTEM +ADVISORIES +NEWEST MODIFIED\nDebian:10 +6 +2022-07-03T00:00:00Z\n/);
  });
});

describe('scan image says which packages were not checked', () => {
  // the bundled example image: an Alpine 3.19 base (no Alpine advisories bundled) with lodash (npm: bundled)
  const image = 'examples/demo-app.oci.tar';
  const db = (): string[] => ['--db', path.join(dir, 'example.sqlite')];
  beforeAll(async () => {
    expect((await shipshape(['db', 'import', 'examples/advisories', ...db()])).code).toBe(0);
  });

  it('JSON: coverage per ecosystem, the packages not checked, and the command that fetches the rest', async () => {
    const { stdout, stderr } = await shipshape(['scan', 'image', image, ...db(), '-f', 'json']);
    const report = JSON.parse(stdout) as ScanReport;
    expect(report.coverage).toMatchObject({
      complete: false,
      ecosystems: [
        {
          ecosystem: 'Alpine:v3.19',
          kind: 'os',
          covered: false,
          advisories: 0,
          packages: 3,
          reason: 'the advisory database holds no Alpine:v3.19 advisories',
          fix: 'shipshape db update --ecosystem Alpine',
        },
        { ecosystem: 'npm', kind: 'language', covered: true, advisories: 1, packages: 1 },
      ],
    });
    expect(report.coverage?.notChecked.map((p) => p.purl.replace(/@.*/, ''))).toEqual(['pkg:apk/alpine/busybox', 'pkg:apk/alpine/musl', 'pkg:apk/alpine/zlib']);
    expect(stderr).toBe(
      'shipshape: warning: 3 packages of Alpine:v3.19 not checked: the advisory database holds no Alpine:v3.19 advisories (shipshape db update --ecosystem Alpine)\n',
    );
  });

  it('table: never "No vulnerabilities found" alone, and says what was not checked', async () => {
    const { stdout } = await shipshape(['scan', 'image', image, ...db(), '--scanners', 'vuln', '--severity', 'CRITICAL']);
    expect(stdout).toMatch(/: 4 packages \(3 not checked\), 0 vulnerabilities/);
    expect(stdout).toContain('No vulnerabilities found in the packages that were checked.');
    expect(stdout).not.toContain('No vulnerabilities found.');
    expect(stdout).toContain('Not checked for vulnerabilities (3 of 4 packages) — unknown, not clean:\n  3 packages of Alpine:v3.19 not checked');
  });

  it('the --exit-code gate fails on packages that were not checked, even with no finding shown', async () => {
    const gate = await shipshape(['scan', 'image', image, ...db(), '--scanners', 'vuln', '--severity', 'CRITICAL', '--exit-code', '3']);
    expect(gate.code).toBe(3);
    expect(gate.stderr).toContain('the --exit-code gate fails: 3 packages could not be checked for vulnerabilities');
    expect((await shipshape(['scan', 'image', image, ...db(), '--scanners', 'vuln', '--severity', 'CRITICAL'])).code).toBe(0);
  });

  it('SARIF: a warning notification of the run, valid against the SARIF 2.1.0 schema', async () => {
    const log = JSON.parse((await shipshape(['scan', 'image', image, ...db(), '-f', 'sarif'])).stdout) as {
      runs: { invocations?: { toolExecutionNotifications: { level: string; message: { text: string } }[] }[] }[];
    };
    expect(await sarifErrors(log)).toBeUndefined();
    expect(log.runs[0]?.invocations?.[0]?.toolExecutionNotifications).toEqual([
      expect.objectContaining({
        level: 'warning',
        message: { text: expect.stringMatching(/^Not checked for vulnerabilities: 3 packages of Alpine:v3\.19 not checked/) as unknown },
      }),
    ]);
  });

  it('CycloneDX: coverage in the metadata, each package not checked marked, valid against the 1.6 schema', async () => {
    const { stdout } = await shipshape(['scan', 'image', image, ...db(), '-f', 'cyclonedx']);
    expect(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(stdout)).toBeNull();
    const bom = JSON.parse(stdout) as {
      metadata: { properties: { name: string; value: string }[] };
      components: { purl?: string; properties?: { name: string; value: string }[] }[];
    };
    expect(bom.metadata.properties).toEqual(
      expect.arrayContaining([
        { name: 'shipshape:vulnerabilities:coverage', value: 'incomplete' },
        { name: 'shipshape:vulnerabilities:coverage:Alpine:v3.19', value: 'not checked (3 packages): the advisory database holds no Alpine:v3.19 advisories' },
        { name: 'shipshape:vulnerabilities:coverage:npm', value: 'covered (1 advisories, 1 packages)' },
      ]),
    );
    const marked = bom.components
      .filter((c) => c.properties?.some((p) => p.name === 'shipshape:vulnerabilities:not-checked'))
      .map((c) => c.purl?.replace(/@.*/, ''));
    expect(marked.sort()).toEqual(['pkg:apk/alpine/busybox', 'pkg:apk/alpine/musl', 'pkg:apk/alpine/zlib']);
  });
});

describe('scan image of a Debian 12 image against advisories without Debian 12', skipWhen(sharedAbsent), () => {
  it('does not say "No vulnerabilities found"; names Debian:12 and its 88 packages', async () => {
    const db = ['--db', path.join(dir, 'shared.sqlite')];
    expect((await shipshape(['db', 'import', sharedPath('advisories', 'Debian'), sharedPath('advisories', 'npm'), ...db])).code).toBe(0);
    const { code, stdout, stderr } = await shipshape([
      'scan',
      'image',
      sharedPath('images', 'debian-bookworm.oci.tar'),
      ...db,
      '--scanners',
      'vuln',
      '--exit-code',
      '1',
    ]);
    expect(code).toBe(1);
    expect(stdout).not.toContain('No vulnerabilities found.');
    expect(stderr).toContain(
      '88 packages of Debian:12 not checked: the advisory database holds no Debian:12 advisories (shipshape db update --ecosystem Debian)',
    );
    // the same database covers Debian 11: the bullseye image is checked whole
    const app = JSON.parse((await shipshape(['scan', 'image', sharedPath('images', 'bullseye-app.oci.tar'), ...db, '-f', 'json'])).stdout) as ScanReport;
    expect(app.coverage).toMatchObject({ complete: true, notChecked: [] });
  });
});
