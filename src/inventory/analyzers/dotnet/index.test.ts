import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FileEntry } from '../../../image/layer/entry.js';
import { analyzeContent } from '../../../test-support/analyze.js';
import type { AnalyzerOutput } from '../../model.js';
import { dotnetAnalyzer } from './index.js';

const entry = (path: string, type: FileEntry['type'] = 'file'): FileEntry => ({ path, type, size: 10, mode: 0o644, uid: 0, gid: 0 });
const fixture = (name: string): Buffer => readFileSync(new URL(`./testdata/${name}`, import.meta.url));
const depsPath = '/app/ShopApi.deps.json';
const analyze = (content: string | Buffer, path = depsPath): AnalyzerOutput | undefined => analyzeContent(dotnetAnalyzer, path, content);
const deps = (libraries: unknown): string => JSON.stringify({ runtimeTarget: { name: '.NETCoreApp,Version=v8.0', signature: '' }, targets: {}, libraries });

describe('dotnetAnalyzer.required', () => {
  it.each([depsPath, '/usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.0/Microsoft.NETCore.App.deps.json', '/app/My.App.Web.deps.json'])(
    'accepts %s',
    (path) => {
      expect(dotnetAnalyzer.required(path, entry(path))).toBe(true);
    },
  );

  it.each([
    '/app/ShopApi.runtimeconfig.json',
    '/app/ShopApi.dll',
    '/app/.deps.json',
    '/app/deps.json',
    '/app/ShopApi.deps.json.bak',
    '/app/package.json',
    '/app/ShopApi.deps.jsonx',
  ])('rejects a look-alike: %s', (path) => {
    expect(dotnetAnalyzer.required(path, entry(path))).toBe(false);
  });

  it('rejects what is not a regular file', () => {
    expect(dotnetAnalyzer.required(depsPath, entry(depsPath, 'symlink'))).toBe(false);
  });
});

describe('dotnetAnalyzer.analyze on fixtures (testdata/SOURCE.md)', () => {
  it('reads the NuGet packages of a framework-dependent app, not its projects', () => {
    expect(analyze(fixture('ShopApi.deps.json'))).toEqual({
      packages: [
        {
          type: 'nuget',
          name: 'Microsoft.NETCore.Platforms',
          version: '1.1.0',
          properties: { sha512: 'sha512-kz0PEW2lhqygehI/d6XsPCQzD7ff7gUJaVGPVETX611eadGsA3A877GdSlU0LRVMCTH/+P3o2iDTak+S08V2+A==' },
        },
        {
          type: 'nuget',
          name: 'NETStandard.Library',
          version: '2.0.3',
          properties: { sha512: 'sha512-st47PosZSHrjECdjeIzZQbzivYBJFv6P2nv4cj2ypdI204DO+vZ7l5raGMiX4eXMJ53RfOIg+/s4DHVZ54Nu2A==' },
        },
        {
          type: 'nuget',
          name: 'Newtonsoft.Json',
          version: '9.0.1',
          properties: { sha512: 'sha512-U82mHQSKaIk+lpSVCbWYKNavmNH1i5xrExDEquU1i6I5pV6UMOqRnJRSlKO3cMPfcpp0RgDY+8jUXHdQ4IfXvw==' },
        },
      ],
    });
  });

  it('leaves the runtime pack of a self-contained app out', () => {
    const out = analyze(fixture('Worker.selfcontained.deps.json'), '/app/Worker.deps.json');
    expect(out?.packages?.map((p) => `${p.name}@${p.version}`)).toEqual(['Newtonsoft.Json@9.0.1']);
    expect(out?.notes).toBeUndefined();
  });
});

describe('dotnetAnalyzer.analyze', () => {
  it('splits keys at the last slash and keeps prerelease versions', () => {
    const out = analyze(deps({ 'Odd/Name/1.0.0': { type: 'package' }, 'Serilog/4.0.0-dev-02108': { type: 'package', sha512: '' } }));
    expect(out).toEqual({
      packages: [
        { type: 'nuget', name: 'Odd/Name', version: '1.0.0' },
        { type: 'nuget', name: 'Serilog', version: '4.0.0-dev-02108' },
      ],
    });
  });

  it('skips projects, reference assemblies and untyped entries silently', () => {
    const out = analyze(
      deps({
        'App/1.0.0': { type: 'project', serviceable: false, sha512: '' },
        'Legacy/1.0.0.0': { type: 'reference' },
        'Microsoft.AspNetCore.App.Ref/8.0.0': { type: 'referenceassembly' },
        'Untyped/1.0.0': {},
      }),
    );
    expect(out).toEqual({ packages: [] });
  });

  it('notes and skips malformed entries, and keeps the others', () => {
    const out = analyze(
      deps({
        NoVersion: { type: 'package' },
        '/1.0': { type: 'package' },
        'Trailing/': { type: 'package' },
        'Str/1.0': 'package',
        'Good/2.0.0': { type: 'package' },
      }),
    );
    expect(out).toEqual({
      packages: [{ type: 'nuget', name: 'Good', version: '2.0.0' }],
      notes: [
        'library key "NoVersion" is not <name>/<version>: skipped',
        'library key "/1.0" is not <name>/<version>: skipped',
        'library key "Trailing/" is not <name>/<version>: skipped',
        'library Str/1.0 is not an object: skipped',
      ],
    });
  });

  it.each([
    ['truncated JSON', '{"libraries": {"A/1.0": {"type": "package"', /^not valid JSON \(.+\): skipped$/],
    ['empty content', '', /^not valid JSON/],
    ['no libraries', '{"runtimeTarget": {}}', /^no "libraries" object: skipped$/],
    ['libraries as a list', '{"libraries": []}', /^no "libraries" object/],
    ['a scalar', 'null', /^no "libraries" object/],
  ])('notes %s instead of throwing', (_what, content, note) => {
    const out = analyze(content);
    expect(out?.packages).toBeUndefined();
    expect(out?.notes?.[0]).toMatch(note);
  });

  it('reads files with a byte order mark and CRLF line ends (as Visual Studio may save them)', () => {
    const text = `\uFEFF${JSON.stringify({ libraries: { 'Dapper/2.1.35': { type: 'package' } } }, null, 2).replace(/\n/g, '\r\n')}`;
    expect(analyze(text)?.packages).toEqual([{ type: 'nuget', name: 'Dapper', version: '2.1.35' }]);
  });

  it('reads a large manifest within maxBytes', () => {
    const libraries = Object.fromEntries(
      Array.from({ length: 8_000 }, (_, i) => [`Package.Number${i}/1.${i}.0`, { type: 'package', sha512: `sha512-${'A'.repeat(600)}`, path: `p${i}` }]),
    );
    const text = deps(libraries);
    expect(text.length).toBeGreaterThan(5_000_000);
    expect(text.length).toBeLessThan(dotnetAnalyzer.maxBytes);
    expect(analyze(text)?.packages).toHaveLength(8_000);
  });
});
