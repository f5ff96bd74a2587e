import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeContent } from '../../../test-support/analyze.js';
import { sharedAbsent, sharedPath } from '../../../test-support/shared.js';
import { commandMissing, skipWhen } from '../../../test-support/skip.js';
import type { AnalyzerOutput } from '../../model.js';
import { rpmAnalyzer } from './index.js';

// Ground truth from rpm itself (Debian's rpm 4.18): the analyser must agree with `rpm -qa` / `rpm -ql`.
const rpmMissing = commandMissing('rpm') ?? commandMissing('rpmbuild', 'rpm');
const fieldsFormat =
  '@@%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\t%{LICENSE}\\t%{VENDOR}\\t%{MODULARITYLABEL}\\n[%{FILENAMES}\\n]';

/** A writable copy of a shared fixture (rpm wants to lock and map the database). */
function copyFixture(from: string, dir: string, name: string): string {
  mkdirSync(dir);
  const to = path.join(dir, name);
  copyFileSync(sharedPath('fixtures/rpmdb', from, name), to);
  chmodSync(to, 0o644);
  return to;
}

/** Per package (`name version-release.arch`), its fields line and its files, as rpm prints them. */
type Listing = Map<string, { fields: string; files: string[] }>;

function rpm(args: string[]): string {
  return execFileSync('rpm', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 });
}

function listingFromRpm(dbArgs: string[]): Listing {
  const listing: Listing = new Map();
  for (const block of rpm([...dbArgs, '-qa', '--qf', fieldsFormat])
    .split('@@')
    .slice(1)) {
    const [fields = '', ...files] = block.split('\n').filter((line) => line !== '');
    const [name, , version, release, arch] = fields.split('\t');
    if (name === 'gpg-pubkey') continue;
    listing.set(`${name} ${version}-${release}.${arch}`, { fields, files });
  }
  return listing;
}

function listingFromAnalyser(output: AnalyzerOutput | undefined): Listing {
  const listing: Listing = new Map();
  const owned = [...(output?.ownedFiles ?? [])];
  for (const p of output?.packages ?? []) {
    const none = '(none)';
    const sourceRpm = p.source ? `${p.source.name}-${p.source.version ?? ''}.src.rpm` : none;
    const fields = [
      p.name,
      p.epoch ?? none,
      p.version,
      p.release,
      p.arch,
      sourceRpm,
      p.licenses?.[0] ?? none,
      p.vendor ?? none,
      p.modularityLabel ?? none,
    ].join('\t');
    // packages of one name own their files in output order
    const index = owned.findIndex((o) => o.owner === p.name);
    const files = index < 0 ? [] : (owned.splice(index, 1)[0]?.files ?? []);
    listing.set(`${p.name} ${p.version}-${p.release}.${p.arch}`, { fields, files });
  }
  return listing;
}

const specs = {
  'shipshape-demo.spec': `Name: shipshape-demo
Version: 1.2.3
Release: 4.test
Epoch: 7
Summary: demo package
License: MIT AND Apache-2.0
Vendor: Shipshape Tests
BuildArch: noarch
%description
demo
%package -n shipshape-demo-data
Summary: data subpackage, built from the same source rpm
License: CC0-1.0
%description -n shipshape-demo-data
data
%install
mkdir -p %{buildroot}/usr/share/shipshape-demo/sub %{buildroot}/etc %{buildroot}/var/log
echo hi > %{buildroot}/usr/share/shipshape-demo/readme.txt
echo hi > "%{buildroot}/usr/share/shipshape-demo/sub/with space.txt"
echo x > %{buildroot}/etc/shipshape-demo.conf
mkdir -p %{buildroot}/usr/share/shipshape-data
echo d > %{buildroot}/usr/share/shipshape-data/data.bin
%files
/usr/share/shipshape-demo
%config /etc/shipshape-demo.conf
%ghost /var/log/shipshape-demo.log
%files -n shipshape-demo-data
/usr/share/shipshape-data/data.bin
`,
  'shipshape-empty.spec': `Name: shipshape-empty
Version: 0.1
Release: 1
Summary: a package without files, epoch or vendor
License: GPL-2.0-or-later
BuildArch: noarch
%description
empty
%files
`,
};

describe('agreement with rpm itself', skipWhen(rpmMissing), () => {
  let work = '';
  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'shipshape-rpm-'));
  });
  afterAll(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  it('reads a database rpm builds (SQLite), fields and file lists', () => {
    const top = path.join(work, 'top');
    const root = path.join(work, 'root');
    for (const [name, text] of Object.entries(specs)) {
      writeFileSync(path.join(work, name), text);
      execFileSync('rpmbuild', ['--define', `_topdir ${top}`, '-bb', path.join(work, name)], { stdio: 'ignore', timeout: 120_000 });
    }
    const rpmsDir = path.join(top, 'RPMS', 'noarch');
    const packages = readdirSync(rpmsDir).map((file) => path.join(rpmsDir, file));
    expect(packages).toHaveLength(3);
    const dbArgs = ['--root', root, '--dbpath', '/var/lib/rpm'];
    rpm([...dbArgs, '--initdb']);
    rpm([...dbArgs, '-i', '--nodeps', '--noscripts', '--justdb', ...packages]);

    const content = readFileSync(path.join(root, 'var/lib/rpm/rpmdb.sqlite'));
    const output = analyzeContent(rpmAnalyzer, '/var/lib/rpm/rpmdb.sqlite', content);
    expect(output?.notes).toBeUndefined();
    expect(listingFromAnalyser(output)).toEqual(listingFromRpm(dbArgs));

    const demo = output?.packages?.find((p) => p.name === 'shipshape-demo');
    expect(demo).toEqual({
      type: 'rpm',
      name: 'shipshape-demo',
      version: '1.2.3',
      release: '4.test',
      epoch: 7,
      arch: 'noarch',
      source: { name: 'shipshape-demo', version: '1.2.3-4.test' },
      licenses: ['MIT AND Apache-2.0'],
      vendor: 'Shipshape Tests',
    });
    expect(output?.packages?.find((p) => p.name === 'shipshape-demo-data')?.source).toEqual({ name: 'shipshape-demo', version: '1.2.3-4.test' });
    expect(output?.ownedFiles?.find((o) => o.owner === 'shipshape-demo')?.files).toEqual(
      rpm([...dbArgs, '-ql', 'shipshape-demo'])
        .trim()
        .split('\n'),
    );
    expect(output?.ownedFiles?.some((o) => o.owner === 'shipshape-empty')).toBe(false);
  });

  it('agrees with rpm on every field and file of the CBL-Mariner (SQLite) database', skipWhen(sharedAbsent), () => {
    const dir = path.join(work, 'mariner');
    const content = readFileSync(copyFixture('cbl-mariner-2.0-sqlite', dir, 'rpmdb.sqlite'));
    const expected = listingFromRpm(['--dbpath', dir]);
    expect(expected.size).toBeGreaterThan(100);
    expect(listingFromAnalyser(analyzeContent(rpmAnalyzer, '/var/lib/rpm/rpmdb.sqlite', content))).toEqual(expected);
  });

  it('agrees with rpm on every field and file of the BerkeleyDB database', skipWhen(sharedAbsent), () => {
    const dir = path.join(work, 'bdb');
    const content = readFileSync(copyFixture('libuuid-bdb', dir, 'Packages'));
    const expected = listingFromRpm(['--dbpath', dir, '--define', '_db_backend bdb_ro']);
    expect(expected.size).toBe(1);
    expect(listingFromAnalyser(analyzeContent(rpmAnalyzer, '/var/lib/rpm/Packages', content))).toEqual(expected);
  });
});
