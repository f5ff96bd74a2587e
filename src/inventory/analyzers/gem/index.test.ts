import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FileEntry } from '../../../image/layer/entry.js';
import { analyzeContent } from '../../../test-support/analyze.js';
import { commandMissing, skipWhen } from '../../../test-support/skip.js';
import type { AnalyzerOutput } from '../../model.js';
import { gemAnalyzer, isInstalledGemspec } from './index.js';

const entry = (path: string, type: FileEntry['type'] = 'file'): FileEntry => ({ path, type, size: 10, mode: 0o644, uid: 0, gid: 0 });
const fixture = (name: string): Buffer => readFileSync(new URL(`./testdata/${name}`, import.meta.url));
const analyze = (path: string, content: string | Buffer): AnalyzerOutput | undefined => analyzeContent(gemAnalyzer, path, content);
const specs = '/usr/local/bundle/specifications';
const gemspec = (...lines: string[]): string =>
  ['# -*- encoding: utf-8 -*-', '', 'Gem::Specification.new do |s|', ...lines.map((line) => `  ${line}`), 'end', ''].join('\n');

describe('gemAnalyzer.required', () => {
  it.each([
    '/usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec',
    '/usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec',
    '/usr/share/rubygems-integration/all/specifications/rack-2.2.22.gemspec',
    '/usr/share/rubygems-integration/3.1.0/specifications/nokogiri-1.13.10.gemspec',
    `${specs}/nokogiri-1.15.4-x86_64-linux.gemspec`,
    '/app/vendor/bundle/ruby/3.2.0/specifications/puma-6.4.0.gemspec',
  ])('accepts an installed specification: %s', (path) => {
    expect(gemAnalyzer.required(path, entry(path))).toBe(true);
  });

  it.each([
    '/usr/local/bundle/gems/rack-2.2.8/rack.gemspec',
    '/app/rack.gemspec',
    '/app/Gemfile.lock',
    `${specs}/.gemspec`,
    `${specs}/rack-2.2.8.gemspec.bak`,
    `${specs}/sub/rack-2.2.8.gemspec`,
    '/usr/lib/ruby/gems/3.1.0/default/json-2.6.1.gemspec',
    '/usr/lib/ruby/gems/3.1.0/specifications',
    '/usr/lib/ruby/gems/3.1.0/my-specifications/x-1.gemspec',
    '/usr/lib/ruby/3.1.0/rubygems/specification.rb',
  ])('rejects a look-alike: %s', (path) => {
    expect(gemAnalyzer.required(path, entry(path))).toBe(false);
  });

  it('rejects what is not a regular file', () => {
    const path = `${specs}/rack-2.2.8.gemspec`;
    expect(gemAnalyzer.required(path, entry(path, 'symlink'))).toBe(false);
  });

  it('stays fast on pathological paths', () => {
    const started = performance.now();
    expect(isInstalledGemspec(`/${'specifications/'.repeat(50_000)}x.gemspec.y`)).toBe(false);
    expect(isInstalledGemspec(`/${'default/'.repeat(50_000)}x.gemspec`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(100);
  });
});

describe('gemAnalyzer.analyze on real Debian gemspecs (testdata/SOURCE.md)', () => {
  it('reads a rubygems-integration spec (ruby-rack)', () => {
    expect(analyze('/usr/share/rubygems-integration/all/specifications/rack-2.2.22.gemspec', fixture('rack-2.2.22.gemspec'))).toEqual({
      packages: [{ type: 'gem', name: 'rack', version: '2.2.22', licenses: ['MIT'] }],
    });
  });

  it('reads default gems, whose stub lines list extensions NUL-separated (libruby3.1)', () => {
    const dir = '/usr/lib/ruby/gems/3.1.0/specifications/default';
    expect(fixture('json-2.6.1.gemspec').includes(0)).toBe(true);
    expect(analyze(`${dir}/json-2.6.1.gemspec`, fixture('json-2.6.1.gemspec'))).toEqual({
      packages: [{ type: 'gem', name: 'json', version: '2.6.1', licenses: ['Ruby'], properties: { defaultGem: 'true' } }],
    });
    expect(analyze(`${dir}/openssl-3.0.1.gemspec`, fixture('openssl-3.0.1.gemspec'))?.packages).toEqual([
      { type: 'gem', name: 'openssl', version: '3.0.1', licenses: ['Ruby'], properties: { defaultGem: 'true' } },
    ]);
  });
});

describe('gemAnalyzer.analyze', () => {
  const path = `${specs}/x-1.0.gemspec`;

  it('reads several licenses and a binary platform', () => {
    const out = analyze(
      `${specs}/nokogiri-1.15.4-x86_64-linux.gemspec`,
      gemspec('s.name = "nokogiri".freeze', 's.version = "1.15.4"', 's.platform = "x86_64-linux".freeze', 's.licenses = ["MIT".freeze, "BSD-2-Clause".freeze]'),
    );
    expect(out).toEqual({
      packages: [{ type: 'gem', name: 'nokogiri', version: '1.15.4', licenses: ['MIT', 'BSD-2-Clause'], properties: { platform: 'x86_64-linux' } }],
    });
  });

  it('reads the older %q{} form and the singular s.license', () => {
    const out = analyze(path, gemspec('s.name = %q{rake}', 's.version = "0.8.7"', 's.license = %q{MIT}', 's.platform = Gem::Platform::RUBY'));
    expect(out).toEqual({ packages: [{ type: 'gem', name: 'rake', version: '0.8.7', licenses: ['MIT'] }], notes: ['s.platform is not a literal: ignored'] });
  });

  it.each([
    ['single quotes', "s.name = 'it''s'", undefined],
    ['single quotes with escapes', "s.name = 'it\\'s \\\\ \\n'", "it's \\ \\n"],
    ['double-quote escapes', 's.name = "a\\"b\\\\c\\u00e9\\u{1F600}\\x41\\#{x}"', 'a"b\\c\u00e9\u{1F600}A#{x}'],
    ['nested %q brackets', 's.name = %q(a(b)c)', 'a(b)c'],
    ['%Q with escapes', 's.name = %Q{a\\tb}', 'a\tb'],
    ['a trailing comment', 's.name = "x" # the name', 'x'],
    ['a trailing modifier', 's.name = "x".freeze if s.respond_to? :name=', 'x'],
  ])('reads Ruby strings: %s', (_what, line, name) => {
    const out = analyze(path, gemspec(line, 's.version = "1.0"'));
    expect(out?.packages?.[0]?.name).toBe(name);
  });

  it.each([
    ['interpolation', 's.name = "x-#{suffix}"'],
    ['a method call', 's.name = File.basename(__FILE__, ".gemspec")'],
    ['a concatenation', 's.name = "x" + "y"'],
    ['an unterminated string', 's.name = "x'],
    ['a %w list', 's.name = %w[x]'],
  ])('never evaluates code: %s is not a literal', (_what, line) => {
    const out = analyze(path, gemspec(line, 's.version = "1.0"'));
    expect(out).toEqual({ notes: ['s.name is not a literal: ignored', 'no gem name: skipped'] });
  });

  it('falls back on the stub line when the assignment is not a literal', () => {
    const text = `# stub: rails 7.1.2 ruby lib\n${gemspec('s.name = NAME', 's.version = Rails::VERSION::STRING')}`;
    expect(analyze(path, text)).toEqual({
      packages: [{ type: 'gem', name: 'rails', version: '7.1.2' }],
      notes: ['s.name is not a literal: ignored', 's.version is not a literal: ignored'],
    });
  });

  it('takes the first assignment and ignores comparisons and look-alike attributes', () => {
    const out = analyze(
      path,
      gemspec('s.name == "no"', 's.name = "yes".freeze', 's.name = "later"', 's.version = "2.0"', 's.rubygems_version = "3.3.7".freeze', 's.licenses = []'),
    );
    expect(out).toEqual({ packages: [{ type: 'gem', name: 'yes', version: '2.0' }] });
  });

  it('notes and skips a spec without a name or version', () => {
    expect(analyze(path, gemspec('s.version = "1.0"'))).toEqual({ notes: ['no gem name: skipped'] });
    expect(analyze(path, gemspec('s.name = "x"'))).toEqual({ notes: ['no version for gem x: skipped'] });
    expect(analyze(path, gemspec('s.name = ""', 's.version = "1"'))).toEqual({ notes: ['no gem name: skipped'] });
    expect(analyze(path, '')).toEqual({ notes: ['no gem name: skipped'] });
  });

  it('reads CRLF files with a byte order mark', () => {
    const text = `\uFEFF${gemspec('s.name = "x".freeze', 's.version = "1.0"', 's.licenses = ["MIT".freeze]').replace(/\n/g, '\r\n')}`;
    expect(analyze(path, text)?.packages).toEqual([{ type: 'gem', name: 'x', version: '1.0', licenses: ['MIT'] }]);
  });

  it('survives binary garbage and stays fast on long lines, within maxBytes', () => {
    expect(analyze(path, Buffer.from([0xff, 0x00, 0x0a, 0x73, 0x2e, 0x6e, 0x61, 0x6d, 0x65, 0x3d, 0x22]))?.packages).toBeUndefined();
    const files = `s.files = [${Array.from({ length: 20_000 }, (_, i) => `"lib/f${i}.rb".freeze`).join(', ')}]`;
    const text = gemspec('s.name = "big".freeze', 's.version = "1.0"', files, `s.description = "${'\\u00e9'.repeat(50_000)}".freeze`);
    expect(text.length).toBeLessThan(gemAnalyzer.maxBytes);
    const started = performance.now();
    expect(analyze(path, text)?.packages?.[0]).toMatchObject({ name: 'big', version: '1.0' });
    expect(performance.now() - started).toBeLessThan(200);
  });
});

/** The gemspecs of the Ruby installed on this machine, if any: Ruby itself is the oracle for those. */
function hostGemspecs(): string[] {
  const roots = ['/usr/lib/ruby/gems', '/usr/share/rubygems-integration'];
  const found: string[] = [];
  for (const root of roots.filter((r) => existsSync(r))) {
    for (const version of readdirSync(root)) {
      for (const dir of [`${root}/${version}/specifications`, `${root}/${version}/specifications/default`]) {
        if (existsSync(dir))
          found.push(
            ...readdirSync(dir)
              .filter((f) => f.endsWith('.gemspec'))
              .map((f) => `${dir}/${f}`),
          );
      }
    }
  }
  return found;
}

const rubyMissing = commandMissing('ruby');
const hostSpecs = rubyMissing === undefined ? hostGemspecs() : [];
const specsMissing = rubyMissing ?? (hostSpecs.length === 0 ? 'no gemspecs in /usr/lib/ruby/gems or /usr/share/rubygems-integration' : undefined);

describe('gemAnalyzer against Ruby itself (Gem::Specification.load of the host Ruby gemspecs)', skipWhen(specsMissing), () => {
  it(`reads what Ruby reads from each of the ${hostSpecs.length} gemspecs`, () => {
    const script = 'require "json"; puts JSON.generate(ARGV.map { |f| s = Gem::Specification.load(f); [s.name, s.version.to_s, s.licenses, s.platform.to_s] })';
    const ruby = spawnSync('ruby', ['-e', script, ...hostSpecs], { encoding: 'utf8' });
    expect(ruby.status, ruby.stderr).toBe(0);
    const truth = JSON.parse(ruby.stdout) as [string, string, string[], string][];
    const ours = hostSpecs.map((path) => {
      const out = analyze(path, readFileSync(path));
      const found = out?.packages?.[0];
      expect(out?.notes, path).toBeUndefined();
      return [found?.name, found?.version, found?.licenses ?? [], found?.properties?.platform ?? 'ruby'];
    });
    expect(ours).toEqual(truth);
  });
});
