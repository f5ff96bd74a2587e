/**
 * Test support: valid package-database content for the analysers' fuzz tests, from each format's
 * grammar (dpkg and apk records, package.json, core metadata, gemspecs, installed.json, deps.json,
 * os-release, Go and Rust binaries, jars), for the fuzz to damage. Not used at runtime.
 */
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { mutatedBytes, mutatedJson, mutatedText } from '../../test-support/fuzz-mutate.js';
import { buildElf } from './elf/test-elf.js';
import { framedModinfo, inlineGoElf, pointerGoElf } from './golang/test-go.js';
import { buildZip, type ZipEntrySpec } from './java/test-zip.js';

const packageName = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9.+-]{0,14}$/),
  fc.constantFrom('@scope/pkg', 'lib32-gcc_s1', '__proto__', 'constructor', 'a'.repeat(300)),
);
const versionText = fc.oneof(
  fc.stringMatching(/^[0-9]{1,3}(\.[0-9]{1,4}){0,3}([-~+._][a-z0-9]{1,6}){0,2}$/),
  fc.constantFrom('1:2.36-9+deb12u4', '2.0.0-rc.1', 'v1.2.3', '0.0.0-20240101-abcdef', '(devel)', '1.0.0+incompatible', ''),
);
const license = fc.constantFrom('MIT', 'Apache-2.0', 'GPL-2.0-or-later OR MIT', 'UNKNOWN', '', 'BSD');
const freeText = fc.string({ maxLength: 40 });

const lines = (fields: (string | undefined)[]): string => fields.filter((field) => field !== undefined).join('\n');
const textTokens = (format: string[]): { tokens: string[] } => ({ tokens: format });

/** dpkg status paragraphs (`status.d` files are one paragraph each). */
export const dpkgStatus: fc.Arbitrary<string> = mutatedText(
  fc
    .array(
      fc.record({
        name: packageName,
        version: versionText,
        status: fc.constantFrom('install ok installed', 'deinstall ok config-files', 'hold ok installed', 'install ok half-installed', undefined),
        arch: fc.constantFrom('amd64', 'all', undefined),
        source: fc.option(fc.tuple(packageName, fc.option(versionText)), { nil: undefined }),
        description: fc.option(fc.array(freeText, { maxLength: 3 }), { nil: undefined }),
      }),
      { maxLength: 8 },
    )
    .map((records) =>
      records
        .map((r) =>
          lines([
            `Package: ${r.name}`,
            r.status === undefined ? undefined : `Status: ${r.status}`,
            r.arch === undefined ? undefined : `Architecture: ${r.arch}`,
            r.source === undefined ? undefined : `Source: ${r.source[0]}${r.source[1] ? ` (${r.source[1]})` : ''}`,
            `Version: ${r.version}`,
            r.description === undefined ? undefined : `Description: ${r.description.join('\n ')}`,
          ]),
        )
        .join('\n\n'),
    ),
  textTokens(['Package: ', 'Version: ', 'Status: install ok installed\n', '\n\n', '\n .\n', ':']),
);

/** dpkg `.list` files and DEP-5 copyright files. */
export const dpkgFiles: fc.Arbitrary<string> = mutatedText(
  fc.oneof(
    fc.array(fc.stringMatching(/^\/[a-z/.]{0,30}$/), { maxLength: 20 }).map((paths) => ['/.', ...paths].join('\n')),
    fc
      .array(fc.tuple(fc.constantFrom('*', 'debian/*', 'src/*'), license), { maxLength: 5 })
      .map((stanzas) =>
        [
          'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/',
          '',
          ...stanzas.map(([files, name]) => `Files: ${files}\nLicense: ${name}\n long text`),
        ].join('\n\n'),
      ),
  ),
  textTokens(['License: ', 'Files: ', '\n ']),
);

/** apk `installed` records. */
export const apkInstalled: fc.Arbitrary<string> = mutatedText(
  fc
    .array(
      fc.record({
        name: packageName,
        version: versionText,
        origin: fc.option(packageName, { nil: undefined }),
        license: fc.option(license, { nil: undefined }),
        folders: fc.array(fc.tuple(fc.stringMatching(/^[a-z/]{0,12}$/), fc.array(fc.stringMatching(/^[a-z.]{1,10}$/), { maxLength: 4 })), { maxLength: 3 }),
      }),
      { maxLength: 8 },
    )
    .map((records) =>
      records
        .map((r) =>
          lines([
            `P:${r.name}`,
            `V:${r.version}`,
            'A:x86_64',
            r.origin === undefined ? undefined : `o:${r.origin}`,
            r.license === undefined ? undefined : `L:${r.license}`,
            ...r.folders.flatMap(([folder, files]) => [`F:${folder}`, ...files.map((file) => `R:${file}`)]),
          ]),
        )
        .join('\n\n'),
    ),
  textTokens(['P:', 'V:', 'F:', 'R:', '\n\n', 'x']),
);

/** A JSON document made from a valid value, damaged as a value or as text. */
function damagedJson(valid: fc.Arbitrary<unknown>, tokens: string[] = []): fc.Arbitrary<string> {
  return fc.oneof(
    mutatedJson(valid).map((value) => JSON.stringify(value) ?? ''),
    mutatedText(
      valid.map((value) => JSON.stringify(value, null, 2)),
      textTokens(['{', '}', '[', ']', ',', '":', '\\u0000', '\\ud800', ...tokens]),
    ),
  );
}

export const npmManifest = damagedJson(
  fc.record({
    name: packageName,
    version: versionText,
    license: fc.oneof(license, fc.record({ type: license }), fc.array(license, { maxLength: 2 })),
    licenses: fc.option(fc.array(fc.record({ type: license, url: freeText }), { maxLength: 2 }), { nil: undefined }),
    dependencies: fc.dictionary(packageName, versionText, { maxKeys: 3 }),
  }),
);

export const pythonMetadata: fc.Arbitrary<string> = mutatedText(
  fc
    .record({
      name: packageName,
      version: versionText,
      license: fc.option(license, { nil: undefined }),
      classifiers: fc.array(fc.constantFrom('License :: OSI Approved :: MIT License', 'License :: OSI Approved', 'Programming Language :: Python'), {
        maxLength: 3,
      }),
      body: freeText,
    })
    .map((m) =>
      lines([
        'Metadata-Version: 2.1',
        `Name: ${m.name}`,
        `Version: ${m.version}`,
        m.license === undefined ? undefined : `License: ${m.license}\n        continued`,
        ...m.classifiers.map((c) => `Classifier: ${c}`),
        '',
        m.body,
      ]),
    ),
  textTokens(['Name: ', 'Version: ', 'License-Expression: ', '\n\n', '\n ', ':']),
);

const rubyString = fc.oneof(
  versionText.map((v) => `"${v}".freeze`),
  packageName.map((v) => `'${v}'`),
  freeText.map((v) => `%q{${v}}`),
  fc.constantFrom('"a#{b}"', '"\\u{1F600}\\x41\\e"', '"unterminated', '%q{nested {braces}}', '%Q(x)', '%w[a b]'),
);
export const gemspec: fc.Arbitrary<string> = mutatedText(
  fc
    .record({ name: rubyString, version: rubyString, licenses: fc.array(rubyString, { maxLength: 3 }), stub: fc.boolean() })
    .map((g) =>
      lines([
        g.stub ? '# stub: rack 2.2.22 ruby lib' : undefined,
        'Gem::Specification.new do |s|',
        `  s.name = ${g.name}`,
        `  s.version = ${g.version}`,
        `  s.licenses = [${g.licenses.join(', ')}]`,
        '  s.platform = "ruby".freeze if s.respond_to? :platform',
        'end',
      ]),
    ),
  textTokens(['s.name = ', 's.version = ', '.freeze', '%q{', '#{', '\\u{', '\\x', '\\', '[', ']']),
);

const composerPackage = fc.record({
  name: fc.tuple(packageName, packageName).map(([a, b]) => `${a}/${b}`),
  version: versionText,
  version_normalized: versionText,
  license: fc.array(license, { maxLength: 2 }),
  'install-path': fc.constantFrom('../symfony/console', '/abs', '', '../../..'),
});
export const composerInstalled = damagedJson(
  fc.oneof(
    fc.array(composerPackage, { maxLength: 4 }),
    fc.record({ packages: fc.array(composerPackage, { maxLength: 4 }), 'dev-package-names': fc.array(packageName, { maxLength: 2 }) }),
  ),
);

export const dotnetDeps = damagedJson(
  fc.record({
    runtimeTarget: fc.record({ name: fc.constant('.NETCoreApp,Version=v8.0') }),
    libraries: fc.dictionary(
      fc.tuple(packageName, versionText).map(([n, v]) => `${n}/${v}`),
      fc.record({ type: fc.constantFrom('package', 'project', 'runtimepack'), sha512: fc.constantFrom('sha512-abc', '') }),
      { maxKeys: 4 },
    ),
  }),
);

export const osRelease: fc.Arbitrary<string> = mutatedText(
  fc
    .record({ id: fc.constantFrom('debian', 'alpine', 'rhel', 'ubuntu', 'wolfi', '"quoted"'), version: versionText, name: freeText })
    .map((o) => lines([`ID=${o.id}`, `VERSION_ID="${o.version}"`, `PRETTY_NAME='${o.name}'`, '# comment', `NAME="a \\"b\\" \\$c"`])),
  textTokens(['=', '"', "'", '\\', 'ID=']),
);

const modinfoLine = fc.oneof(
  packageName.map((p) => `path\texample.com/${p}`),
  fc.tuple(packageName, versionText).map(([p, v]) => `mod\texample.com/${p}\t${v}\t`),
  fc.tuple(packageName, versionText).map(([p, v]) => `dep\tgolang.org/x/${p}\t${v}\th1:abc=`),
  fc.tuple(packageName, versionText).map(([p, v]) => `=>\t../${p}\t${v}\t`),
  fc.constantFrom(
    'build\tGOOS=linux',
    'build\t-ldflags="-X main.v=1"',
    'build\t"quoted key"=`raw`',
    'build\tvcs.revision=abc',
    'build\t"\\u00e9\\x41\\101"=x',
    'build\t=',
    'dep\tonly-one',
  ),
);
const modinfoText = mutatedText(
  fc.array(modinfoLine, { maxLength: 10 }).map((l) => l.join('\n')),
  textTokens(['\t', '\n', '=>', 'dep\t', 'build\t"']),
);
const goVersion = fc.constantFrom('go1.22.3', 'go1.21rc2', 'devel go1.23-abc', 'go1.20 X:boringcrypto', '', 'go');

/** Go binaries (both build info formats, either class and byte order), damaged as bytes. */
export const goBinary: fc.Arbitrary<Buffer> = mutatedBytes(
  fc.oneof(
    fc
      .tuple(goVersion, modinfoText, fc.boolean(), fc.boolean(), fc.boolean())
      .map(([v, text, is64, littleEndian, noSectionHeaders]) => inlineGoElf(v, text, { is64, littleEndian, noSectionHeaders })),
    fc
      .tuple(goVersion, modinfoText, fc.boolean(), fc.boolean())
      .map(([v, text, is64, littleEndian]) => pointerGoElf(v, framedModinfo(text), { is64, littleEndian })),
  ),
  { maxMutations: 4 },
);

const auditJson = damagedJson(
  fc.record({
    packages: fc.array(
      fc.record({
        name: packageName,
        version: versionText,
        source: fc.oneof(fc.constantFrom('crates.io', 'local'), fc.record({ Other: packageName })),
        kind: fc.constantFrom('build', 'runtime', undefined),
        root: fc.boolean(),
        dependencies: fc.array(fc.nat(5), { maxLength: 3 }),
      }),
      { maxLength: 5 },
    ),
  }),
);

/** Rust binaries with a cargo-auditable `.dep-v0` section. */
export const rustBinary: fc.Arbitrary<Buffer> = mutatedBytes(
  fc.tuple(auditJson, fc.boolean(), fc.boolean()).map(([text, is64, littleEndian]) =>
    buildElf({
      is64,
      littleEndian,
      sections: [
        { name: '.text', data: Buffer.alloc(16), addr: 0x1000 },
        { name: '.dep-v0', data: deflateSync(text) },
      ],
    }),
  ),
  { maxMutations: 3 },
);

const properties = mutatedText(
  fc
    .record({ group: packageName, artifact: packageName, version: versionText })
    .map((p) => `#Generated by Maven\ngroupId=${p.group}\nartifactId=${p.artifact}\nversion=${p.version}\n`),
  textTokens(['\\', '\\u', '\\uZZZZ', '=', ':', '\n', '\\\n']),
);
const jarManifest = mutatedText(
  fc
    .record({ title: packageName, version: versionText })
    .map(
      (m) => `Manifest-Version: 1.0\r\nImplementation-Title: ${m.title}\r\nImplementation-Version: ${m.version}\r\nBundle-SymbolicName: ${m.title}\r\n \r\n`,
    ),
  textTokens(['\r\n ', ': ', 'Implementation-Version: ']),
);
const jarEntries: fc.Arbitrary<ZipEntrySpec[]> = fc
  .tuple(packageName, packageName, properties, jarManifest, fc.constantFrom<'store' | 'deflate'>('store', 'deflate'))
  .map(([group, artifact, props, manifest, method]) => [
    { name: 'META-INF/MANIFEST.MF', data: manifest, method },
    { name: `META-INF/maven/${group}/${artifact}/pom.properties`, data: props, method },
    { name: 'com/example/A.class', data: '\xca\xfe\xba\xbe' },
  ]);

/** Jars, with jars nested in them (a war's WEB-INF/lib), damaged as bytes. */
export const javaArchive: fc.Arbitrary<Buffer> = mutatedBytes(
  fc.tuple(jarEntries, fc.array(jarEntries, { maxLength: 2 }), fc.boolean(), fc.boolean()).map(([outer, nested, zip64, prefix]) =>
    buildZip([...outer, ...nested.map((entries, i) => ({ name: `WEB-INF/lib/lib${i}-1.0.jar`, data: buildZip(entries), method: 'store' as const }))], {
      zip64,
      ...(prefix ? { prefix: '#!/bin/sh\nexec java -jar "$0"\n' } : {}),
    }),
  ),
  { maxMutations: 4 },
);
