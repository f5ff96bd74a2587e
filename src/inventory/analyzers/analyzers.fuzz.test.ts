import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnalyzerOutput } from '../model.js';
import { analyzeContent } from '../../test-support/analyze.js';
import { bounded, checkNoMaskedCrash, checkOutputBound, fuzz, preview, Reach } from '../../test-support/fuzz.js';
import { mutatedBytes } from '../../test-support/fuzz-mutate.js';
import { analyzers } from './registry.js';
import {
  apkInstalled,
  composerInstalled,
  dotnetDeps,
  dpkgFiles,
  dpkgStatus,
  gemspec,
  goBinary,
  javaArchive,
  npmManifest,
  osRelease,
  pythonMetadata,
  rustBinary,
} from './test-fuzz-seeds.js';

/** Where each analyser's files live, and what goes in them (valid by the format's grammar, then damaged). */
interface Case {
  paths: string[];
  content: fc.Arbitrary<Buffer | string>;
  mode?: number;
  /** Output per input byte allowed: compressed formats (jars, cargo-auditable's zlib) legitimately expand up to deflate's 1032:1. */
  ratio?: number;
}

const cases: Record<string, Case | 'rpm/rpm.fuzz.test.ts'> = {
  os: { paths: ['/etc/os-release', '/usr/lib/os-release', '/etc/lsb-release', '/etc/alpine-release', '/etc/redhat-release'], content: osRelease },
  dpkg: {
    paths: ['/var/lib/dpkg/status', '/var/lib/dpkg/status.d/base', '/var/lib/dpkg/info/libc6:amd64.list', '/usr/share/doc/libc6/copyright'],
    content: fc.oneof(dpkgStatus, dpkgFiles),
  },
  apk: { paths: ['/lib/apk/db/installed'], content: apkInstalled },
  rpm: 'rpm/rpm.fuzz.test.ts',
  npm: { paths: ['/app/node_modules/lodash/package.json', '/app/node_modules/@scope/x/package.json'], content: npmManifest },
  python: {
    paths: ['/usr/lib/python3/dist-packages/six-1.16.0.egg-info', '/usr/lib/python3.11/site-packages/PyYAML-6.0.dist-info/METADATA'],
    content: pythonMetadata,
  },
  gem: {
    paths: ['/usr/local/bundle/specifications/rack-2.2.8.gemspec', '/usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec'],
    content: gemspec,
  },
  composer: { paths: ['/app/vendor/composer/installed.json'], content: composerInstalled },
  dotnet: { paths: ['/app/Shop.deps.json'], content: dotnetDeps },
  golang: { paths: ['/usr/local/bin/app'], content: fc.oneof(goBinary, mutatedBytes(fc.constant(Buffer.from('\x7fELF')))), mode: 0o755 },
  cargo: { paths: ['/usr/local/bin/app'], content: rustBinary, mode: 0o755, ratio: 1100 },
  java: { paths: ['/app/app.jar', '/opt/app.war'], content: javaArchive, ratio: 1100 },
};

describe('fuzz: package analysers', () => {
  it('every analyser in the registry is fuzzed', () => {
    expect(Object.keys(cases).sort()).toEqual(analyzers.map((a) => a.id).sort());
  });

  for (const analyzer of analyzers) {
    const fuzzCase = cases[analyzer.id];
    if (fuzzCase === undefined || typeof fuzzCase === 'string') continue;
    it(`${analyzer.id}: damaged files give packages and notes, never a throw, a crash caught as a note, or output out of proportion`, async () => {
      const reach = new Reach();
      await fuzz(
        `analyser ${analyzer.id}`,
        fc.tuple(fc.constantFrom(...fuzzCase.paths), fuzzCase.content),
        ([path, content]) => {
          const data = Buffer.from(content);
          expect(analyzer.required(path, { path, type: 'file', size: data.length, mode: fuzzCase.mode ?? 0o644, uid: 0, gid: 0 })).toBe(true);
          const output: AnalyzerOutput | undefined = bounded('never-throws', () => analyzeContent(analyzer, path, data, fuzzCase.mode));
          reach.input((output?.packages?.length ?? 0) > 0 && 'packages', (output?.notes?.length ?? 0) > 0 && 'notes');
          if (output === undefined) return;
          checkOutputBound(output, data.length, fuzzCase.ratio ?? 10);
          checkNoMaskedCrash(output.notes ?? []);
          // outputs are cached per layer as JSON: they must survive the trip
          expect(JSON.parse(JSON.stringify(output))).toEqual(output);
          for (const found of output.packages ?? []) {
            expect(typeof found.name === 'string' && typeof found.version === 'string').toBe(true);
          }
        },
        { describe: ([path, content]) => `${path}: ${preview(Buffer.isBuffer(content) ? content : content)}` },
      );
      reach.expect('packages', analyzer.id === 'os' ? 0 : 0.1);
    });
  }
});
