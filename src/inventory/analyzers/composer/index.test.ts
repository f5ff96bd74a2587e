import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FileEntry } from '../../../image/layer/entry.js';
import { analyzeContent } from '../../../test-support/analyze.js';
import type { AnalyzerOutput } from '../../model.js';
import { composerAnalyzer } from './index.js';

const entry = (path: string, type: FileEntry['type'] = 'file'): FileEntry => ({ path, type, size: 10, mode: 0o644, uid: 0, gid: 0 });
const fixture = (name: string): Buffer => readFileSync(new URL(`./testdata/${name}`, import.meta.url));
const installed = '/var/www/html/vendor/composer/installed.json';
const analyze = (content: string | Buffer, path = installed): AnalyzerOutput | undefined => analyzeContent(composerAnalyzer, path, content);
const v2 = (...packages: unknown[]): string => JSON.stringify({ packages, dev: true, 'dev-package-names': [] });

describe('composerAnalyzer.required', () => {
  it.each([installed, '/app/vendor/composer/installed.json', '/root/.config/composer/vendor/composer/installed.json'])('accepts %s', (path) => {
    expect(composerAnalyzer.required(path, entry(path))).toBe(true);
  });

  it.each([
    '/app/composer.json',
    '/app/composer.lock',
    '/app/vendor/composer/installed.php',
    '/app/vendor/composer/installed.json.bak',
    '/app/vendor/composer/sub/installed.json',
    '/app/composer/installed.json',
    '/app/myvendor/composer/installed.json',
    '/app/vendor/psr/log/composer.json',
    'vendor/composer/installed.json',
  ])('rejects a look-alike: %s', (path) => {
    expect(composerAnalyzer.required(path, entry(path))).toBe(false);
  });

  it('rejects what is not a regular file', () => {
    expect(composerAnalyzer.required(installed, entry(installed, 'symlink'))).toBe(false);
  });
});

describe('composerAnalyzer.analyze on fixtures (testdata/SOURCE.md)', () => {
  it('reads what Composer 2 wrote: namespace, name, version as written, normalised version, dev, install path', () => {
    expect(analyze(fixture('composer2-installed.json'), '/app/vendor/composer/installed.json')).toEqual({
      packages: [
        {
          type: 'composer',
          namespace: 'composer',
          name: 'semver',
          version: 'v3.3.2',
          licenses: ['MIT'],
          properties: { normalizedVersion: '3.3.2.0' },
          location: '/app/vendor/composer/semver',
        },
        {
          type: 'composer',
          namespace: 'doctrine',
          name: 'instantiator',
          version: '1.5.0',
          licenses: ['MIT'],
          properties: { normalizedVersion: '1.5.0.0', dev: 'true' },
          location: '/app/vendor/doctrine/instantiator',
        },
        {
          type: 'composer',
          namespace: 'psr',
          name: 'log',
          version: '1.1.4',
          licenses: ['MIT'],
          properties: { normalizedVersion: '1.1.4.0' },
          location: '/app/vendor/psr/log',
        },
      ],
    });
  });

  it('reads the bare array of Composer 1 (no install paths)', () => {
    const out = analyze(fixture('composer1-installed.json'));
    expect(out?.notes).toBeUndefined();
    expect(out?.packages?.map((p) => [p.namespace, p.name, p.version, p.properties?.normalizedVersion, p.licenses, p.location])).toEqual([
      ['psr', 'container', '1.0.0', '1.0.0.0', ['MIT'], undefined],
      ['symfony', 'polyfill-mbstring', 'v1.19.0', '1.19.0.0', ['MIT'], undefined],
      ['monolog', 'monolog', '1.25.5', '1.25.5.0', ['MIT'], undefined],
    ]);
  });
});

describe('composerAnalyzer.analyze', () => {
  it('reads several licenses, a single license string, and none', () => {
    const out = analyze(
      v2(
        { name: 'a/dual', version: '1.0.0', license: ['LGPL-2.1-only', 'GPL-3.0-or-later', 'GPL-3.0-or-later'] },
        { name: 'a/single', version: '1.0.0', license: 'MIT' },
        { name: 'a/none', version: '1.0.0' },
        { name: 'a/odd', version: '1.0.0', license: [42, ' ', null] },
      ),
    );
    expect(out?.packages?.map((p) => p.licenses)).toEqual([['LGPL-2.1-only', 'GPL-3.0-or-later'], ['MIT'], undefined, undefined]);
  });

  it('keeps a name without a vendor whole, and branch versions as written', () => {
    const out = analyze(v2({ name: 'legacy', version: 'dev-main', version_normalized: 'dev-main' }, { name: 'trailing/', version: '1.x-dev' }));
    expect(out?.packages).toEqual([
      { type: 'composer', name: 'legacy', version: 'dev-main', properties: { normalizedVersion: 'dev-main' } },
      { type: 'composer', name: 'trailing/', version: '1.x-dev' },
    ]);
  });

  it('gives metapackages (no install path) and absolute install paths no location', () => {
    const out = analyze(
      v2(
        { name: 'a/meta', version: '1.0', type: 'metapackage', 'install-path': null },
        { name: 'a/abs', version: '1.0', 'install-path': '/build/vendor/a/abs' },
      ),
    );
    expect(out?.packages?.map((p) => p.location)).toEqual([undefined, undefined]);
  });

  it('notes and skips entries without a name or version, and keeps the others', () => {
    const out = analyze(v2({ version: '1.0' }, { name: 'a/nover' }, 'text', null, { name: 'a/ok', version: '2.0' }));
    expect(out).toEqual({
      packages: [{ type: 'composer', namespace: 'a', name: 'ok', version: '2.0' }],
      notes: [
        'package 0 has no name: skipped',
        'package 1 (a/nover) has no version: skipped',
        'package 2 is not an object: skipped',
        'package 3 is not an object: skipped',
      ],
    });
  });

  it.each([
    ['truncated JSON', '{"packages": [{"name": "a/b"', /^not valid JSON \(.+\): skipped$/],
    ['empty content', '', /^not valid JSON/],
    ['an object without packages', '{"dev": true}', /^neither a package array/],
    ['packages that are not a list', '{"packages": {"a/b": {}}}', /^neither a package array/],
    ['a scalar', '42', /^neither a package array/],
  ])('notes %s instead of throwing', (_what, content, note) => {
    const out = analyze(content);
    expect(out?.packages).toBeUndefined();
    expect(out?.notes?.[0]).toMatch(note);
  });

  it('reads an empty install', () => {
    expect(analyze('{"packages": [], "dev": true, "dev-package-names": []}')).toEqual({ packages: [] });
    expect(analyze('[]')).toEqual({ packages: [] });
  });

  it('reads files with a byte order mark and CRLF line ends', () => {
    const text = `\uFEFF${JSON.stringify({ packages: [{ name: 'a/b', version: '1.0' }] }, null, 4).replace(/\n/g, '\r\n')}`;
    expect(analyze(text)?.packages).toEqual([{ type: 'composer', namespace: 'a', name: 'b', version: '1.0' }]);
  });

  it('reads a large install within maxBytes', () => {
    const many = Array.from({ length: 3_000 }, (_, i) => ({
      name: `vendor${i}/package${i}`,
      version: `${i}.0.0`,
      license: ['MIT'],
      description: 'x'.repeat(2_000),
      'install-path': `../vendor${i}/package${i}`,
    }));
    const text = v2(...many);
    expect(text.length).toBeGreaterThan(5_000_000);
    expect(text.length).toBeLessThan(composerAnalyzer.maxBytes);
    const out = analyze(text);
    expect(out?.packages).toHaveLength(3_000);
    expect(out?.packages?.[2_999]).toMatchObject({ namespace: 'vendor2999', name: 'package2999', location: '/var/www/html/vendor/vendor2999/package2999' });
  });
});
