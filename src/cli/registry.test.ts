import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryScanReport, StoredImage } from '../distribute/model.js';
import { runCli, type CliRun } from '../test-support/cli.js';
import { attestImage, signImage } from '../test-support/cosign.js';
import { sarifErrors } from '../test-support/sarif.js';
import { pushImage, registryMissing, startRegistry, type RunningRegistry } from '../test-support/registry.js';
import { sharedAbsent, sharedPath } from '../test-support/shared.js';
import { skipWhen } from '../test-support/skip.js';

const bookwormArchive = (): string => sharedPath('images', 'debian-bookworm.oci.tar');
const bullseyeArchive = (): string => sharedPath('images', 'bullseye-app.oci.tar');

describe("shipshape registry scan against Debian's docker-registry", skipWhen(sharedAbsent, registryMissing({ skopeo: true })), () => {
  let registry: RunningRegistry;
  let dir: string;
  let bullseye: string;
  let bookworm: string;
  const signer = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const stranger = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

  const shipshape = (args: string[]): Promise<CliRun> => runCli(args, { env: { SHIPSHAPE_CACHE_DIR: path.join(dir, 'cache') } });
  const scan = async (extra: string[] = []): Promise<RegistryScanReport> => {
    const result = await shipshape([
      'registry',
      'scan',
      registry.host,
      '--plain-http',
      '--key',
      path.join(dir, 'cosign.pub'),
      '--db',
      path.join(dir, 'osv.sqlite'),
      '-f',
      'json',
      ...extra,
    ]);
    // the shared advisories hold no Debian 12 records: each bookworm image is said not to be fully checked, nothing else is said
    for (const line of result.stderr.split('\n').filter(Boolean))
      expect(line).toMatch(
        /^shipshape: warning: [a-z/]+:[\w.,]+ \(linux\/amd64\): 88 Debian:12 packages \(the advisory database holds no Debian:12 advisories; shipshape db update --ecosystem Debian\) not checked for vulnerabilities$/,
      );
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as RegistryScanReport;
  };
  const imageOf = (report: RegistryScanReport, repository: string, digest: string): StoredImage | undefined =>
    report.repositories.find((r) => r.name === repository)?.images.find((i) => i.digest === digest);
  const rulesAt = (report: RegistryScanReport, repository: string | undefined): string[] =>
    [...new Set(report.findings.filter((f) => f.target.repository === repository).map((f) => f.ruleId))].sort();

  let first: RegistryScanReport;
  let second: RegistryScanReport;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shipshape-registry-scan-'));
    registry = await startRegistry();
    [bullseye, bookworm] = await Promise.all([
      pushImage(bullseyeArchive(), registry, 'shop/app:1.0'),
      pushImage(bookwormArchive(), registry, 'base/debian:12'),
    ]);
    await pushImage(bullseyeArchive(), registry, 'shop/app:latest');
    await pushImage(bookwormArchive(), registry, 'shop/forged:1');
    await writeFile(path.join(dir, 'cosign.pub'), signer.publicKey.export({ type: 'spki', format: 'pem' }));
    await signImage(registry, 'shop/app', bullseye, signer.privateKey);
    await attestImage(registry, 'shop/app', bullseye, signer.privateKey, { predicateType: 'https://slsa.dev/provenance/v1' });
    await signImage(registry, 'shop/forged', bookworm, stranger.privateKey);
    const imported = await shipshape([
      'db',
      'import',
      sharedPath('advisories', 'npm'),
      sharedPath('advisories', 'Debian'),
      '--db',
      path.join(dir, 'osv.sqlite'),
    ]);
    expect(imported.code).toBe(0);

    first = await scan();
    // between the scans: latest moves to another image, and 1.0 too, leaving the signed image untagged
    await pushImage(bookwormArchive(), registry, 'shop/app:latest');
    await pushImage(bookwormArchive(), registry, 'shop/app:1.0');
    second = await scan();
  }, 240_000);

  afterAll(async () => {
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('lists every repository and resolves tags to digests, one stored image per digest', () => {
    expect(first.repositories.map((r) => r.name)).toEqual(['base/debian', 'shop/app', 'shop/forged']);
    const app = first.repositories.find((r) => r.name === 'shop/app');
    expect(app?.tags.map((t) => [t.tag, t.digest]).sort()).toEqual([
      ['1.0', bullseye],
      ['latest', bullseye],
    ]);
    expect(app?.images.map((i) => [i.digest, [...i.tags].sort()])).toEqual([[bullseye, ['1.0', 'latest']]]);
    expect(first.stats).toMatchObject({ repositories: 3, tags: 4, images: 3, platformImages: 3 });
  });

  it('reads each distinct layer once: the bookworm layer of two repositories is shared', () => {
    // bullseye-app has 5 layers, bookworm 1 (pushed to two repositories)
    expect(first.stats.layers.read).toBe(6);
    expect(first.stats.layers.shared + first.stats.layers.fromDiskCache).toBe(1);
  });

  it('knows each image: age, OS and its end of life, vulnerabilities, secrets, root', () => {
    const [platform] = imageOf(first, 'shop/app', bullseye)?.platforms ?? [];
    expect(platform).toMatchObject({
      platform: 'linux/amd64',
      digest: bullseye,
      runsAsRoot: true,
      os: { id: 'debian', version: '11.11', eolDate: '2024-08-14', endOfLife: true },
    });
    expect(platform?.created).toMatch(/^2023-11-14/);
    expect(platform?.ageDays).toBeGreaterThan(365);
    // lodash 4.17.15 (x_NSWG-ECO-516); its Debian 11.11 packages are the final point release, fixed for every shared DSA
    expect(platform?.vulnerabilities).toEqual({ MEDIUM: 1 });
    expect(platform?.secrets?.map((s) => s.path)).toContain('/opt/leaked/credentials.txt');
    const [base] = imageOf(first, 'base/debian', bookworm)?.platforms ?? [];
    expect(base?.os).toMatchObject({ id: 'debian', version: '12.15' });
    expect(base?.secrets).toEqual([]);
    // unknown is never clean: the bookworm image's packages were not checked, and that is a finding
    expect(platform?.coverage?.complete).toBe(true);
    expect(base?.vulnerabilities).toEqual({});
    expect(base?.coverage).toMatchObject({ complete: false, ecosystems: [{ ecosystem: 'Debian:12', covered: false, packages: 88 }] });
    expect(rulesAt(first, 'base/debian')).toContain('SS-REG-018');
    expect(rulesAt(first, 'shop/app')).not.toContain('SS-REG-018');
  });

  it('finds and verifies signatures and attestations; a signature by another key fails', () => {
    const app = imageOf(first, 'shop/app', bullseye);
    expect(app?.signatures).toEqual([expect.objectContaining({ format: 'cosign', source: 'cosign-tag', verified: true })]);
    expect(app?.attestations).toEqual([expect.objectContaining({ kind: 'provenance', predicateType: 'https://slsa.dev/provenance/v1', signed: true })]);
    expect(imageOf(first, 'shop/forged', bookworm)?.signatures).toEqual([
      expect.objectContaining({ verified: false, verifyError: expect.stringContaining('does not verify') as unknown }),
    ]);
    expect(rulesAt(first, 'shop/forged')).toContain('SS-REG-007');
    expect(rulesAt(first, 'shop/app')).not.toContain('SS-REG-006');
    expect(rulesAt(first, 'base/debian')).toContain('SS-REG-006');
  });

  it('probes access: plain HTTP, anonymous pull and catalog', () => {
    expect(first.access).toEqual({ scheme: 'http', authScheme: 'none', anonymousPull: true, anonymousCatalog: true });
    expect(rulesAt(first, undefined)).toEqual(['SS-REG-001', 'SS-REG-002', 'SS-REG-003']);
    expect(rulesAt(first, 'shop/app')).toEqual(expect.arrayContaining(['SS-REG-011', 'SS-REG-012', 'SS-REG-013', 'SS-REG-016', 'SS-REG-017']));
  });

  it('the second scan sees moved tags and the image left untagged', () => {
    const app = second.repositories.find((r) => r.name === 'shop/app');
    expect(app?.tags.map((t) => [t.tag, t.digest, t.movedFrom]).sort()).toEqual([
      ['1.0', bookworm, bullseye],
      ['latest', bookworm, bullseye],
    ]);
    expect(imageOf(second, 'shop/app', bullseye)?.tags).toEqual([]);
    expect(rulesAt(second, 'shop/app')).toEqual(expect.arrayContaining(['SS-REG-010', 'SS-REG-015']));
    expect(second.changes?.movedTags).toEqual([
      { repository: 'shop/app', tag: '1.0', from: bullseye, to: bookworm },
      { repository: 'shop/app', tag: 'latest', from: bullseye, to: bookworm },
    ]);
    expect(second.changes?.newImages).toEqual([{ repository: 'shop/app', digest: bookworm, tags: ['1.0', 'latest'] }]);
  });

  it('shipshape history shows what changed between the scans', async () => {
    const result = await shipshape(['history', registry.host]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`moved   shop/app:latest  ${bullseye} → ${bookworm}`);
    expect(result.stdout).toContain('finding SS-REG-010');
  });

  it('writes SARIF with the registry rules and the image as the artifact', async () => {
    const result = await shipshape(['registry', 'scan', `${registry.host}/shop`, '--plain-http', '--scanners', 'none', '--no-history', '-f', 'sarif']);
    expect(result.code).toBe(0);
    const log = JSON.parse(result.stdout) as {
      runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    expect(await sarifErrors(log)).toBeUndefined();
    const results = log.runs[0]?.results ?? [];
    expect(results.map((r) => r.ruleId)).toContain('SS-REG-006');
    expect(results.map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri)).toContain(`docker://${registry.host}/shop/forged:1@${bookworm}`);
  });

  it('--scanners none reads manifests and configs only: age and user, no layers', async () => {
    const result = await shipshape(['registry', 'scan', `${registry.host}/base`, '--plain-http', '--scanners', 'none', '--no-history', '-f', 'json']);
    const report = JSON.parse(result.stdout) as RegistryScanReport;
    expect(report.stats.layers).toEqual({ read: 0, fromDiskCache: 0, shared: 0, fromFleet: 0 });
    const [platform] = report.repositories[0]?.images[0]?.platforms ?? [];
    expect(platform).toMatchObject({ platform: 'linux/amd64', runsAsRoot: true });
    expect(platform?.created).toBeDefined();
    expect(platform?.os).toBeUndefined();
  });

  it('a prefix limits the scan; the table says what it found', async () => {
    const result = await shipshape(['registry', 'scan', `${registry.host}/base`, '--plain-http', '--scanners', 'none', '--no-history']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Registry ${registry.host}/base (HTTP)`);
    expect(result.stdout).toMatch(/base\/debian\s+12\s/);
    expect(result.stdout).not.toContain('shop/app');
  });

  it('history: a tag moving off a digest it shared is one moved change with nothing new on the image left; table and history count alike', async () => {
    const pair = `${registry.host}/pair`;
    const scanPair = (...extra: string[]): Promise<CliRun> => shipshape(['registry', 'scan', pair, '--plain-http', '--scanners', 'none', ...extra]);
    await pushImage(bookwormArchive(), registry, 'pair/app:a');
    await pushImage(bookwormArchive(), registry, 'pair/app:b');
    expect((await scanPair()).code).toBe(0);
    const moved = await pushImage(bullseyeArchive(), registry, 'pair/app:b');

    const second = JSON.parse((await scanPair('-f', 'json')).stdout) as RegistryScanReport;
    expect(second.changes?.movedTags).toEqual([{ repository: 'pair/app', tag: 'b', from: bookworm, to: moved }]);
    expect(second.changes?.removedTags).toEqual([]);
    expect(second.findings.filter((f) => f.target.digest === bookworm).map((f) => f.ruleId)).toContain('SS-REG-006');
    const fresh = second.findings.filter((f) => second.changes?.newFindings.includes(f.fingerprint));
    expect(fresh.map((f) => f.ruleId)).toContain('SS-REG-010');
    expect(fresh.filter((f) => f.target.digest !== moved)).toEqual([]);

    // nothing changed since: no new finding; the numbers of the scan table are those of shipshape history
    const table = await scanPair('--severity', 'CRITICAL');
    const images = /^== Images: (\d+)/m.exec(table.stdout)?.[1];
    const findings = /^== Findings: (\d+)/m.exec(table.stdout)?.[1];
    expect(table.stdout).toContain('0 new finding(s)');
    const history = await shipshape(['history', pair]);
    const latest = history.stdout
      .split('\n')
      .filter((line) => line.includes(registry.host))
      .at(-1)
      ?.trim()
      .split(/\s+/);
    expect([latest?.at(-2), latest?.at(-1)]).toEqual([images, findings]);
    // the same images and findings as the scan before, but for the move it reported
    expect([images, findings]).toEqual([String(second.stats.images), String(second.findings.filter((f) => f.ruleId !== 'SS-REG-010').length)]);
    expect(history.stdout).toContain('nothing changed');
  }, 120_000);
});

describe(
  'shipshape registry scan of registries that require auth or TLS',
  skipWhen(sharedAbsent, registryMissing({ auth: true, tls: true, skopeo: true })),
  () => {
    it('Basic auth: no anonymous pull; credentials from the flags; a clear error without them', async () => {
      const registry = await startRegistry({ htpasswd: 'scanner:s3cret' });
      try {
        await pushImage(bookwormArchive(), registry, 'base/debian:12', 'scanner:s3cret');
        const denied = await runCli(['registry', 'scan', registry.host, '--plain-http', '--scanners', 'none', '--no-history', '--no-cache']);
        expect(denied.code).toBe(2);
        expect(denied.stderr).toMatch(/^shipshape: .*(401|credentials|authenticat)/i);
        const result = await runCli(
          [
            'registry',
            'scan',
            registry.host,
            '--plain-http',
            '--scanners',
            'none',
            '--no-history',
            '--no-cache',
            '--username',
            'scanner',
            '--password-stdin',
            '-f',
            'json',
          ],
          { stdin: 's3cret\n' },
        );
        expect(result.stderr).toBe('');
        const report = JSON.parse(result.stdout) as RegistryScanReport;
        expect(report.access).toMatchObject({ authScheme: 'basic', anonymousPull: false, anonymousCatalog: false });
        expect(report.repositories.map((r) => r.name)).toEqual(['base/debian']);
        expect(report.findings.map((f) => f.ruleId)).not.toContain('SS-REG-002');
      } finally {
        await registry.stop();
      }
    }, 120_000);

    it('TLS: the certificate is trusted with --ca-file and reported untrusted without it', async () => {
      const registry = await startRegistry({ tls: true });
      try {
        await pushImage(bookwormArchive(), registry, 'base/debian:12');
        const trusted = await runCli([
          'registry',
          'scan',
          registry.host,
          '--ca-file',
          registry.caFile ?? '',
          '--scanners',
          'none',
          '--no-history',
          '--no-cache',
          '-f',
          'json',
        ]);
        expect(trusted.code).toBe(0);
        const report = JSON.parse(trusted.stdout) as RegistryScanReport;
        expect(report.access.scheme).toBe('https');
        expect(report.access.tls).toMatchObject({ trusted: true, selfSigned: true });
        expect(report.access.tls?.daysLeft).toBeGreaterThan(0);
        const untrusted = await runCli(['registry', 'scan', registry.host, '--scanners', 'none', '--no-history', '--no-cache']);
        expect(untrusted.code).toBe(2);
        expect(untrusted.stderr).toMatch(/certificate/i);
      } finally {
        await registry.stop();
      }
    }, 120_000);
  },
);
