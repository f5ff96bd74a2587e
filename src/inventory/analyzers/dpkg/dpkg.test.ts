import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeContent } from '../../../test-support/analyze.js';
import { sharedAbsent, sharedPath } from '../../../test-support/shared.js';
import { skipWhen } from '../../../test-support/skip.js';
import { dpkgAnalyzer } from './index.js';

const status = (text: string, path = '/var/lib/dpkg/status') => analyzeContent(dpkgAnalyzer, path, text);
const fixture = (name: string) => readFileSync(sharedPath('fixtures', 'dpkg', name));
const names = (text: Buffer | string, path?: string) => status(text.toString(), path)?.packages?.map((p) => p.name);

describe('dpkgAnalyzer', () => {
  it('wants the status file, status.d entries and info/*.list, nothing else', () => {
    const want = (path: string) => dpkgAnalyzer.required(path, { path, type: 'file', size: 1, mode: 0o644, uid: 0, gid: 0 });
    expect(['/var/lib/dpkg/status', '/var/lib/dpkg/status.d/base', '/var/lib/dpkg/info/libc6:amd64.list'].every(want)).toBe(true);
    expect(['/var/lib/dpkg/status-old', '/var/lib/dpkg/status.d/base.md5sums', '/var/lib/dpkg/info/libc6.md5sums', '/x/var/lib/dpkg/status'].some(want)).toBe(
      false,
    );
  });

  it('reads name, version, architecture and the source package in both forms', () => {
    const text = [
      'Package: libssl1.1',
      'Status: install ok installed',
      'Architecture: amd64',
      'Source: openssl',
      'Version: 1.1.1w-0+deb11u1',
      '',
      'Package: libcurl4',
      'Status: hold ok installed',
      'Architecture: amd64',
      'Source: curl (7.74.0-1.3+deb11u13)',
      'Version: 7.74.0-1.3+deb11u13',
      'Description: multi',
      ' line',
      '',
      'Package: base-files',
      'Status: install ok installed',
      'Version: 11.1+deb11u11',
    ].join('\n');
    expect(status(text)?.packages).toEqual([
      { type: 'deb', name: 'libssl1.1', version: '1.1.1w-0+deb11u1', arch: 'amd64', source: { name: 'openssl', version: '1.1.1w-0+deb11u1' } },
      { type: 'deb', name: 'libcurl4', version: '7.74.0-1.3+deb11u13', arch: 'amd64', source: { name: 'curl', version: '7.74.0-1.3+deb11u13' } },
      { type: 'deb', name: 'base-files', version: '11.1+deb11u11', source: { name: 'base-files', version: '11.1+deb11u11' } },
    ]);
  });

  it('lists the files of info/*.list as owned by the package', () => {
    const output = analyzeContent(
      dpkgAnalyzer,
      '/var/lib/dpkg/info/python3-yaml:amd64.list',
      '/.\n/usr\n/usr/lib/python3/dist-packages/PyYAML-5.3.1.egg-info\n',
    );
    expect(output?.ownedFiles).toEqual([{ owner: 'python3-yaml', files: ['/usr', '/usr/lib/python3/dist-packages/PyYAML-5.3.1.egg-info'] }]);
  });

  describe('the osv-scalibr fixtures in shared/fixtures/dpkg', skipWhen(sharedAbsent), () => {
    it('valid: every package of a real status file', () => {
      expect(names(fixture('valid'))).toHaveLength(7);
    });
    it('statusfield: only packages whose status is installed, whatever is wanted', () => {
      expect(names(fixture('statusfield'))).toEqual(['wantinstall_installed', 'wantdeinstall_installed', 'wantpurge_installed']);
    });
    it.each(['nopackage', 'noversion'])('%s: the incomplete record is skipped with a note, the others kept', (name) => {
      const output = status(fixture(name).toString());
      expect(output?.packages?.map((p) => p.name)).toEqual(['foo', 'bar']);
      expect(output?.notes).toEqual([expect.stringMatching(/^record at line 5 has no (Package|Version) field; skipped$/)]);
    });
    it.each([
      ['single', ['acl']],
      ['trailingnewlines', ['acl']],
      ['transitional', ['iceweasel']],
      ['empty', []],
    ])('%s', (name, expected) => {
      expect(names(fixture(name))).toEqual(expected);
    });
    it('invalid: notes, no packages, no throw', () => {
      expect(status(fixture('invalid').toString())).toMatchObject({ packages: [], notes: [expect.any(String), expect.any(String)] });
    });
    it('status.d/foo: a distroless entry without Status is installed; a deinstalled one is not', () => {
      expect(names(fixture('status.d/foo'), '/var/lib/dpkg/status.d/foo')).toEqual(['foo']);
    });
  });

  it('agrees with dpkg-query on the real bullseye-app status file (ground truth)', skipWhen(sharedAbsent), () => {
    const expected = JSON.parse(readFileSync(sharedPath('images', 'bullseye-app.expected.json'), 'utf8')) as {
      dpkg: { packages: { name: string; version: string; source_name: string; source_version: string; architecture: string }[] };
    };
    expect(expected.dpkg.packages).toHaveLength(122);
    // The status file itself is checked end to end in the inventory tests; here, that every field maps.
    const text = expected.dpkg.packages
      .map(
        (p) =>
          `Package: ${p.name}\nStatus: install ok installed\nArchitecture: ${p.architecture}\nSource: ${p.source_name} (${p.source_version})\nVersion: ${p.version}\n`,
      )
      .join('\n');
    expect(status(text)?.packages?.map((p) => [p.name, p.version, p.source?.name, p.source?.version, p.arch])).toEqual(
      expected.dpkg.packages.map((p) => [p.name, p.version, p.source_name, p.source_version, p.architecture]),
    );
  });
});

describe('Debian copyright files', () => {
  it('give the License names of a machine-readable (DEP-5) file, in order, once each', () => {
    const text = [
      'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/',
      '',
      'Files: *',
      'Copyright: 1996 Someone',
      'License: curl',
      '',
      'Files: lib/x.c',
      'License: ISC',
      ' Permission to use, copy...',
      '',
      'License: curl',
      ' full text',
    ].join('\n');
    expect(analyzeContent(dpkgAnalyzer, '/usr/share/doc/curl/copyright', text)).toEqual({ declaredLicenses: ['curl', 'ISC'] });
  });

  // found by the fuzz tests (analyzers.fuzz.test.ts): a note per bad line outweighed the file 16 to 1
  it('keeps 50 notes of a damaged status file and counts the rest', () => {
    const notes = status(`${'/.\n'.repeat(100_000)}Package: a\nStatus: install ok installed\nVersion: 1\n`)?.notes;
    expect(notes).toHaveLength(51);
    expect(notes?.[0]).toBe('line 1: not a "Field: value" line; ignored');
    expect(notes?.[50]).toBe('99950 more problems not listed');
  });

  it('give nothing for free-form copyright files, and only /usr/share/doc/<package>/copyright is read', () => {
    expect(analyzeContent(dpkgAnalyzer, '/usr/share/doc/bash/copyright', 'This is Debian GNU/Linux bash, under the GPL.\n')).toEqual({ declaredLicenses: [] });
    expect(analyzeContent(dpkgAnalyzer, '/usr/share/doc/bash/examples/copyright', 'x')).toBeUndefined();
  });
});
