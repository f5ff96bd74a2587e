import { dedent } from '../../../test-support/text.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeContent } from '../../../test-support/analyze.js';
import { sharedAbsent, sharedPath } from '../../../test-support/shared.js';
import { skipWhen } from '../../../test-support/skip.js';
import { apkAnalyzer } from './index.js';

const installed = (text: string) => analyzeContent(apkAnalyzer, '/lib/apk/db/installed', text);
const fixture = (name: string) => readFileSync(sharedPath('fixtures', 'apk', name), 'utf8');

describe('apkAnalyzer', () => {
  it('reads name, version, origin, arch, license and the files of each package', () => {
    const output = installed(
      dedent`
        P:musl
        V:1.2.4-r2
        A:x86_64
        L:MIT
        o:musl
        F:lib
        R:ld-musl-x86_64.so.1
        R:libc.musl-x86_64.so.1

        P:busybox-binsh
        V:1.36.1-r5
        o:busybox
        F:bin
        R:sh
      `,
    );
    expect(output?.packages).toEqual([
      { type: 'apk', name: 'musl', version: '1.2.4-r2', arch: 'x86_64', source: { name: 'musl', version: '1.2.4-r2' }, licenses: ['MIT'] },
      { type: 'apk', name: 'busybox-binsh', version: '1.36.1-r5', source: { name: 'busybox', version: '1.36.1-r5' } },
    ]);
    expect(output?.ownedFiles).toEqual([
      { owner: 'musl', files: ['/lib/ld-musl-x86_64.so.1', '/lib/libc.musl-x86_64.so.1'] },
      { owner: 'busybox-binsh', files: ['/bin/sh'] },
    ]);
  });

  // found by the fuzz tests (analyzers.fuzz.test.ts): a note per bad line outweighed the file 20 to 1
  it('keeps 50 notes of a damaged database and counts the rest', () => {
    const output = installed(`${'x\n'.repeat(100_000)}P:a\nV:1\n`);
    expect(output?.packages?.map((p) => p.name)).toEqual(['a']);
    expect(output?.notes).toHaveLength(51);
    expect(output?.notes?.[50]).toBe('99950 more problems not listed');
  });

  describe('the osv-scalibr fixtures in shared/fixtures/apk', skipWhen(sharedAbsent), () => {
    it('installed: a real Alpine database', () => {
      const output = installed(fixture('installed'));
      expect(output?.packages).toHaveLength(15);
      expect(output?.packages?.[0]).toEqual({
        type: 'apk',
        name: 'alpine-baselayout',
        version: '3.4.3-r1',
        arch: 'x86_64',
        source: { name: 'alpine-baselayout', version: '3.4.3-r1' },
        licenses: ['GPL-2.0-only'],
      });
      expect(output?.notes).toEqual([]);
    });
    it('no-origin: the package is its own origin', () => {
      expect(installed(fixture('no-origin'))?.packages?.[0]?.source).toEqual({ name: 'pkgname', version: '1.2.3' });
    });
    it('different-arch: keeps the architecture', () => {
      expect(installed(fixture('different-arch'))?.packages?.[0]?.arch).toBe('noarch');
    });
    it('invalid and empty: no packages, no throw', () => {
      expect(installed(fixture('invalid'))?.packages).toEqual([]);
      expect(installed(fixture('empty'))?.packages ?? []).toEqual([]);
    });
  });
});
