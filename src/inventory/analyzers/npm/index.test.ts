import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FileEntry } from '../../../image/layer/entry.js';
import { analyzeContent } from '../../../test-support/analyze.js';
import { sharedAbsent, sharedPath } from '../../../test-support/shared.js';
import { skipWhen } from '../../../test-support/skip.js';
import { readOciArchive } from '../../../test-support/images.js';
import type { AnalyzerOutput } from '../../model.js';
import { isInstalledManifest, npmAnalyzer } from './index.js';

const file = (path: string): FileEntry => ({ path, type: 'file', size: 10, mode: 0o644, uid: 0, gid: 0 });
const analyze = (path: string, content: string | Buffer): AnalyzerOutput | undefined => analyzeContent(npmAnalyzer, path, content);
const manifest = (fields: Record<string, unknown>): string => JSON.stringify(fields, null, 2);

describe('npmAnalyzer.required', () => {
  it.each([
    '/app/node_modules/accepts/package.json',
    '/app/node_modules/send/node_modules/ms/package.json',
    '/app/node_modules/@babel/core/package.json',
    '/node_modules/lodash/package.json',
    '/usr/lib/node_modules/npm/node_modules/@npmcli/arborist/package.json',
    '/app/node_modules/.pnpm/lodash@4.17.21/node_modules/lodash/package.json',
  ])('accepts the manifest of an installed package: %s', (path) => {
    expect(npmAnalyzer.required(path, file(path))).toBe(true);
  });

  it.each([
    '/app/package.json',
    '/package.json',
    '/app/package-lock.json',
    '/app/node_modules/.package-lock.json',
    '/x/node_modules/.bin/foo',
    '/x/node_modules/.bin/package.json',
    '/x/node_modules/package.json',
    '/x/node_modules/@scope/package.json',
    '/x/node_modules/node_modules/package.json',
    '/x/node_modules/@/name/package.json',
    '/x/node_modules/@a/@b/package.json',
    '/app/node_modules/lodash/fp/package.json',
    '/app/node_modules/rxjs/dist/esm/package.json',
    '/app/node_modules/@scope/name/sub/package.json',
    '/app/node_modules_old/lodash/package.json',
    '/app/my_node_modules/lodash/package.json',
    '/app/node_modules/lodash/package.json.bak',
    '/app/node_modules/lodash/xpackage.json',
    'package.json',
  ])('rejects a look-alike: %s', (path) => {
    expect(npmAnalyzer.required(path, file(path))).toBe(false);
  });

  it('rejects what is not a regular file', () => {
    const path = '/app/node_modules/a/package.json';
    expect(npmAnalyzer.required(path, { ...file(path), type: 'symlink', linkTarget: '../b/package.json' })).toBe(false);
    expect(npmAnalyzer.required(path, { ...file(path), type: 'dir' })).toBe(false);
  });

  it('stays linear on pathological paths', () => {
    const long = `/${'node_modules/'.repeat(20_000)}@${'a'.repeat(100_000)}/package.json`;
    const started = performance.now();
    expect(isInstalledManifest(long)).toBe(false);
    expect(performance.now() - started).toBeLessThan(100);
  });
});

describe('npmAnalyzer.analyze', () => {
  it('reads name, version, license and the package folder', () => {
    const out = analyze('/app/node_modules/accepts/package.json', manifest({ name: 'accepts', version: '1.3.8', license: 'MIT', description: 'x' }));
    expect(out).toEqual({ packages: [{ type: 'npm', name: 'accepts', version: '1.3.8', licenses: ['MIT'], location: '/app/node_modules/accepts' }] });
  });

  it('keeps the scope in the name and nested copies apart by folder', () => {
    const scoped = analyze('/app/node_modules/@types/node/package.json', manifest({ name: '@types/node', version: '20.1.0' }));
    expect(scoped?.packages?.[0]).toMatchObject({ name: '@types/node', location: '/app/node_modules/@types/node' });
    const nested = analyze('/app/node_modules/send/node_modules/ms/package.json', manifest({ name: 'ms', version: '2.1.1' }));
    expect(nested?.packages?.[0]).toMatchObject({ name: 'ms', version: '2.1.1', location: '/app/node_modules/send/node_modules/ms' });
  });

  it('takes the name from the file, not the folder (aliases: npm i foo@npm:bar)', () => {
    const out = analyze('/app/node_modules/foo/package.json', manifest({ name: 'bar', version: '1.0.0' }));
    expect(out?.packages?.[0]).toMatchObject({ name: 'bar', location: '/app/node_modules/foo' });
  });

  it.each([
    ['an SPDX expression', { license: '(MIT OR Apache-2.0)' }, ['(MIT OR Apache-2.0)']],
    ['the old object form', { license: { type: 'ISC', url: 'https://opensource.org/licenses/ISC' } }, ['ISC']],
    [
      'the legacy licenses array',
      {
        licenses: [
          { type: 'MIT', url: 'u' },
          { type: 'Apache-2.0', url: 'v' },
        ],
      },
      ['MIT', 'Apache-2.0'],
    ],
    ['a licenses array of strings', { licenses: ['BSD-2-Clause', 'BSD-2-Clause'] }, ['BSD-2-Clause']],
    ['both (license wins)', { license: 'MIT', licenses: [{ type: 'MIT', url: 'http://opensource.org/licenses/MIT' }] }, ['MIT']],
    ['a pointer to a file', { license: 'SEE LICENSE IN LICENSE.md' }, ['SEE LICENSE IN LICENSE.md']],
    ['none', {}, undefined],
    ['an empty string', { license: '  ' }, undefined],
    ['a number', { license: 3 }, undefined],
    ['a licenses object instead of a list', { licenses: { type: 'MIT' } }, ['MIT']],
    ['a license list', { license: ['MIT', { type: 'Apache-2.0' }] }, ['MIT', 'Apache-2.0']],
    ['an empty license, then licenses', { license: '', licenses: ['ISC'] }, ['ISC']],
  ])('reads licenses given as %s', (_what, fields, licenses) => {
    const out = analyze('/a/node_modules/x/package.json', manifest({ name: 'x', version: '1.0.0', ...fields }));
    expect(out?.packages?.[0]?.licenses).toEqual(licenses);
  });

  it('notes and skips a manifest without a name or version', () => {
    expect(analyze('/a/node_modules/x/package.json', manifest({ version: '1.0.0' }))).toEqual({ notes: ['package.json has no name: skipped'] });
    expect(analyze('/a/node_modules/x/package.json', manifest({ name: 42, version: '1.0.0' }))?.notes).toEqual(['package.json has no name: skipped']);
    expect(analyze('/a/node_modules/x/package.json', manifest({ name: 'x' }))).toEqual({ notes: ['package.json of x has no version: skipped'] });
    expect(analyze('/a/node_modules/x/package.json', manifest({ name: 'x', version: '' }))?.packages).toBeUndefined();
  });

  it.each([
    ['truncated JSON', '{"name": "x", "version": "1.0'],
    ['empty content', ''],
    ['binary garbage', Buffer.from([0xff, 0xfe, 0x00, 0x01])],
  ])('notes %s instead of throwing', (_what, content) => {
    const out = analyze('/a/node_modules/x/package.json', content);
    expect(out?.packages).toBeUndefined();
    expect(out?.notes?.[0]).toMatch(/^not valid JSON \(.+\): skipped$/);
  });

  it.each([['null'], ['[]'], ['"x"'], ['42']])('notes a manifest that is not an object: %s', (content) => {
    expect(analyze('/a/node_modules/x/package.json', content)).toEqual({ notes: ['not a JSON object: skipped'] });
  });

  it('reads manifests with a byte order mark and CRLF line ends', () => {
    const content = `\uFEFF${manifest({ name: 'x', version: '1.2.3', license: 'MIT' }).replace(/\n/g, '\r\n')}`;
    expect(analyze('/a/node_modules/x/package.json', content)?.packages?.[0]).toMatchObject({ name: 'x', version: '1.2.3', licenses: ['MIT'] });
  });

  it('reads a manifest with an embedded README as old npm clients wrote them, within maxBytes', () => {
    const content = manifest({ name: 'big', version: '0.1.0', readme: 'lorem ipsum '.repeat(200_000), readmeFilename: 'README.md' });
    expect(content.length).toBeGreaterThan(2_000_000);
    expect(content.length).toBeLessThan(npmAnalyzer.maxBytes);
    expect(analyze('/a/node_modules/big/package.json', content)?.packages?.[0]).toMatchObject({ name: 'big', version: '0.1.0' });
  });
});

interface ExpectedNpm {
  npm: { count: number; packages: { name: string; version: string; path: string }[] };
}

describe('npm packages of the real image bullseye-app', skipWhen(sharedAbsent), () => {
  it('finds exactly the installed packages (oracle: every node_modules/[@scope/]<name>/package.json), not the app itself', async () => {
    const expected = (JSON.parse(readFileSync(sharedPath('images', 'bullseye-app.expected.json'), 'utf8')) as ExpectedNpm).npm;
    const archive = sharedPath('images', 'bullseye-app.oci.tar');
    // the image engine streams every layer and hands the analyser the files it asks for
    const model = await readOciArchive(archive, [npmAnalyzer]);
    const analyses = model.layers.flatMap((layer, index) => layer.scan.analyses.map((analysis) => ({ ...analysis, index })));
    expect(analyses.every((a) => a.error === undefined && a.index === 2)).toBe(true);
    const outputs = analyses.map((a) => a.output as AnalyzerOutput);
    expect(outputs.flatMap((o) => o.notes ?? [])).toEqual([]);
    const found = outputs.flatMap((o) => o.packages ?? []);
    const byPath = (a: { path: string }, b: { path: string }): number => a.path.localeCompare(b.path);
    expect(found.map((p) => ({ name: p.name, version: p.version, path: p.location ?? '' })).sort(byPath)).toEqual([...expected.packages].sort(byPath));
    expect(found).toHaveLength(52);
    expect(found.every((p) => p.type === 'npm' && p.licenses !== undefined)).toBe(true);
    expect(found.find((p) => p.location === '/app/node_modules/utils-merge')?.licenses).toEqual(['MIT']);
    expect(found.some((p) => p.name === 'bullseye-demo-app')).toBe(false);
  });
});
