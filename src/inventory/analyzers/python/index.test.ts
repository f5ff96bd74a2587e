import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FileEntry } from '../../../image/layer/entry.js';
import { analyzeContent } from '../../../test-support/analyze.js';
import { sharedAbsent, sharedPath } from '../../../test-support/shared.js';
import { skipWhen } from '../../../test-support/skip.js';
import { readOciArchive } from '../../../test-support/images.js';
import type { AnalyzerOutput } from '../../model.js';
import { isDistributionMetadata, pythonAnalyzer } from './index.js';

const entry = (path: string, type: FileEntry['type'] = 'file'): FileEntry => ({ path, type, size: 10, mode: 0o644, uid: 0, gid: 0 });
const fixture = (name: string): Buffer => readFileSync(new URL(`./testdata/${name}`, import.meta.url));
const analyze = (path: string, content: string | Buffer): AnalyzerOutput | undefined => analyzeContent(pythonAnalyzer, path, content);
const site = '/usr/local/lib/python3.12/site-packages';
const metadata = (...lines: string[]): string => `${lines.join('\n')}\n\nThe long description.\nName: not-a-header\n`;

describe('pythonAnalyzer.required', () => {
  it.each([
    `${site}/requests-2.31.0.dist-info/METADATA`,
    '/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA',
    '/usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO',
    '/usr/lib/python3/dist-packages/PyYAML-5.3.1.egg-info',
    '/opt/venv/lib/python3.11/site-packages/setuptools/_vendor/packaging-24.2.dist-info/METADATA',
    `${site}/foo-1.0-py3.12.egg/EGG-INFO/PKG-INFO`,
  ])('accepts installed metadata: %s', (path) => {
    expect(pythonAnalyzer.required(path, entry(path))).toBe(true);
  });

  it.each([
    '/usr/lib/python3/dist-packages/foo.py',
    '/usr/lib/python3/dist-packages/yaml/__init__.py',
    `${site}/requests-2.31.0.dist-info/RECORD`,
    `${site}/requests-2.31.0.dist-info/INSTALLER`,
    `${site}/requests-2.31.0.egg-info/METADATA`,
    `${site}/requests-2.31.0.dist-info/PKG-INFO`,
    `${site}/requests/METADATA`,
    `${site}/.dist-info/METADATA`,
    `${site}/.egg-info`,
    `${site}/EGG-INFO/PKG-INFO`,
    `${site}/foo.egg-info.bak`,
    '/src/project/foo.egg-info/PKG-INFO',
    '/src/project/dist/foo-1.0.dist-info/METADATA',
    '/home/u/my-site-packages-notes/foo.dist-info/METADATA',
    '/usr/lib/python3/dist-packagesX/foo.egg-info',
  ])('rejects a look-alike: %s', (path) => {
    expect(pythonAnalyzer.required(path, entry(path))).toBe(false);
  });

  it('rejects an .egg-info folder itself (its PKG-INFO is what is read)', () => {
    const path = `${site}/six-1.16.0.egg-info`;
    expect(pythonAnalyzer.required(path, entry(path, 'dir'))).toBe(false);
    expect(pythonAnalyzer.required(path, entry(path, 'symlink'))).toBe(false);
  });

  it('stays fast on pathological paths', () => {
    const long = `/site-packages/${'a.dist-info/'.repeat(50_000)}METADATA.egg-info.x`;
    const started = performance.now();
    expect(isDistributionMetadata(long)).toBe(false);
    expect(performance.now() - started).toBeLessThan(100);
  });
});

describe('pythonAnalyzer.analyze on real Debian metadata (testdata/SOURCE.md)', () => {
  it('reads a wheel METADATA (python3-yaml 6.0)', () => {
    const out = analyze('/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA', fixture('PyYAML-6.0.dist-info.METADATA'));
    expect(out).toEqual({ packages: [{ type: 'pypi', name: 'PyYAML', version: '6.0', licenses: ['MIT'] }] });
  });

  it('reads an egg-info PKG-INFO (python3-six, python3-requests)', () => {
    expect(analyze('/usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO', fixture('six-1.16.0.egg-info.PKG-INFO'))).toEqual({
      packages: [{ type: 'pypi', name: 'six', version: '1.16.0', licenses: ['MIT'] }],
    });
    expect(analyze('/usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO', fixture('requests-2.28.1.egg-info.PKG-INFO'))).toEqual({
      packages: [{ type: 'pypi', name: 'requests', version: '2.28.1', licenses: ['Apache 2.0'] }],
    });
  });

  it('reads the same content as a single-file .egg-info', () => {
    const out = analyze('/usr/lib/python3/dist-packages/six-1.16.0.egg-info', fixture('six-1.16.0.egg-info.PKG-INFO'));
    expect(out?.packages?.[0]).toMatchObject({ name: 'six', version: '1.16.0' });
  });
});

describe('pythonAnalyzer.analyze', () => {
  const path = `${site}/x-1.0.dist-info/METADATA`;

  it('keeps the name as written and stops at the body', () => {
    const out = analyze(path, metadata('Metadata-Version: 2.1', 'Name: Flask_SQLAlchemy', 'Version: 3.1.1', 'Summary: s'));
    expect(out).toEqual({ packages: [{ type: 'pypi', name: 'Flask_SQLAlchemy', version: '3.1.1' }] });
  });

  it.each([
    [
      'License-Expression first',
      ['License-Expression: Apache-2.0 OR BSD-3-Clause', 'License: BSD', 'Classifier: License :: OSI Approved :: BSD License'],
      ['Apache-2.0 OR BSD-3-Clause'],
    ],
    ['then License', ['License: BSD-3-Clause', 'Classifier: License :: OSI Approved :: BSD License'], ['BSD-3-Clause']],
    [
      'then the classifiers',
      ['License: UNKNOWN', 'Classifier: License :: OSI Approved :: MIT License', 'Classifier: License :: OSI Approved'],
      ['MIT License'],
    ],
    [
      'several classifiers',
      [
        'Classifier: License :: OSI Approved :: Apache Software License',
        'Classifier: License :: OSI Approved :: BSD License',
        'Classifier: License :: OSI Approved :: BSD License',
      ],
      ['Apache Software License', 'BSD License'],
    ],
    [
      'non-OSI classifiers',
      ['Classifier: License :: Other/Proprietary License', 'Classifier: License :: Public Domain'],
      ['Other/Proprietary License', 'Public Domain'],
    ],
    [
      'deep classifiers',
      ['Classifier: License :: OSI Approved :: GNU General Public License v2 or later (GPLv2+)'],
      ['GNU General Public License v2 or later (GPLv2+)'],
    ],
    ['no license at all', ['Classifier: Programming Language :: Python :: 3', 'License: '], undefined],
  ])('reads licenses: %s', (_what, lines, licenses) => {
    const out = analyze(path, metadata('Name: x', 'Version: 1.0', ...lines));
    expect(out?.packages?.[0]?.licenses).toEqual(licenses);
  });

  it('does not take a pasted license text for a license name (traitlets, scipy do this)', () => {
    const out = analyze(
      path,
      metadata(
        'Name: traitlets',
        'Version: 5.15.0',
        'License: BSD 3-Clause License',
        '        ',
        '        - Copyright (c) 2001-, IPython Development Team',
        '        ',
        '        All rights reserved.',
        'Classifier: License :: OSI Approved :: BSD License',
      ),
    );
    expect(out?.packages?.[0]).toEqual({ type: 'pypi', name: 'traitlets', version: '5.15.0', licenses: ['BSD License'] });
  });

  it('joins continuation lines and reads headers after them', () => {
    const out = analyze(path, metadata('Metadata-Version: 1.1', 'Name: x', 'Description: line one', '        |line two', '\tline three', 'Version: 2.0'));
    expect(out?.packages?.[0]).toMatchObject({ name: 'x', version: '2.0' });
  });

  it('reads CRLF files with a byte order mark', () => {
    const out = analyze(path, `\uFEFFMetadata-Version: 2.1\r\nName: x\r\nVersion: 1.0\r\nLicense: MIT\r\n\r\nbody\r\n`);
    expect(out).toEqual({ packages: [{ type: 'pypi', name: 'x', version: '1.0', licenses: ['MIT'] }] });
  });

  it('reads a file with headers only and no final newline', () => {
    expect(analyze(path, 'Name: x\nVersion: 1.0')?.packages?.[0]).toMatchObject({ name: 'x', version: '1.0' });
  });

  it('does not read headers from the body', () => {
    expect(analyze(path, 'Metadata-Version: 2.1\n\nName: x\nVersion: 1.0\n')).toEqual({ notes: ['no Name header: skipped'] });
  });

  it('notes and skips metadata without a name or version', () => {
    expect(analyze(path, metadata('Version: 1.0'))).toEqual({ notes: ['no Name header: skipped'] });
    expect(analyze(path, metadata('Name: x', 'Version:   '))).toEqual({ notes: ['no Version header for x: skipped'] });
    expect(analyze(path, '')).toEqual({ notes: ['no Name header: skipped'] });
  });

  it('notes malformed header lines and still reads the rest', () => {
    const out = analyze(path, metadata('  leading continuation', 'Name: x', 'garbage without colon', 'Version: 1.0'));
    expect(out).toEqual({ packages: [{ type: 'pypi', name: 'x', version: '1.0' }], notes: ['2 header line(s) are not "Field: value": ignored'] });
  });

  it('survives binary garbage', () => {
    const out = analyze(path, Buffer.from([0x00, 0xff, 0xfe, 0x0a, 0x3a, 0x3a, 0x0a]));
    expect(out?.packages).toBeUndefined();
    expect(out?.notes).toContain('no Name header: skipped');
  });

  it('reads a metadata file with a huge long description quickly, within maxBytes', () => {
    const content = metadata('Name: big', 'Version: 1.0') + 'word '.repeat(600_000);
    expect(content.length).toBeLessThan(pythonAnalyzer.maxBytes);
    const started = performance.now();
    expect(analyze(path, content)?.packages?.[0]).toMatchObject({ name: 'big', version: '1.0' });
    expect(performance.now() - started).toBeLessThan(200);
  });
});

interface ExpectedPython {
  python: { count: number; packages: { name: string; version: string; path: string }[] };
}

describe('python packages of the real image bullseye-app', skipWhen(sharedAbsent), () => {
  it('finds exactly the distributions the oracle lists (PyYAML 5.3.1, a single-file egg-info in layer 1)', async () => {
    const expected = (JSON.parse(readFileSync(sharedPath('images', 'bullseye-app.expected.json'), 'utf8')) as ExpectedPython).python;
    const archive = sharedPath('images', 'bullseye-app.oci.tar');
    // the image engine streams every layer and hands the analyser the files it asks for
    const model = await readOciArchive(archive, [pythonAnalyzer]);
    const analyses = model.layers.flatMap((layer, index) => layer.scan.analyses.map((analysis) => ({ ...analysis, index })));
    expect(analyses.map((a) => [a.index, a.path, a.error])).toEqual([[1, '/usr/lib/python3/dist-packages/PyYAML-5.3.1.egg-info', undefined]]);
    const outputs = analyses.map((a) => a.output as AnalyzerOutput);
    expect(outputs.flatMap((o) => o.notes ?? [])).toEqual([]);
    const found = analyses.flatMap((a) => ((a.output as AnalyzerOutput).packages ?? []).map((p) => ({ name: p.name, version: p.version, path: a.path })));
    expect(found).toEqual(expected.packages.map(({ name, version, path }) => ({ name, version, path })));
    expect(outputs[0]?.packages?.[0]).toEqual({ type: 'pypi', name: 'PyYAML', version: '5.3.1', licenses: ['MIT'] });
  });
});
