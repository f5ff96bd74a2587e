import { dedent } from '../../test-support/text.js';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultLimits } from '../../core/limits.js';
import { analyzers } from '../../inventory/analyzers/registry.js';
import { boundedAsync, bounded, checkNoMaskedCrash, checkOutputBound, fuzz, preview, Reach } from '../../test-support/fuzz.js';
import { mutatedBytes } from '../../test-support/fuzz-mutate.js';
import { makeTar, sha256, type TarItem } from '../../test-support/image-builder.js';
import { FileView } from '../filesystem.js';
import { fixTarChecksums, rawTar, rawTarMember } from '../tar/test-tar.js';
import type { LayerScan } from './entry.js';
import { scanLayer } from './scan.js';

// Layers holding what the analysers read, whiteouts, links and long names; damaged, then stored
// plain or gzip-compressed (compressed after the damage, so it reaches the tar parser; or before, for zlib).
const seedItems: TarItem[][] = [
  [
    { name: './var/lib/dpkg/status', content: 'Package: libc6\nStatus: install ok installed\nVersion: 2.36-9\nArchitecture: amd64\nSource: glibc\n\n' },
    {
      name: './lib/apk/db/installed',
      content: dedent`
      P:musl
      V:1.2.4-r2
      A:x86_64
      L:MIT
      o:musl
      F:lib
      R:ld-musl-x86_64.so.1

    `,
    },
    { name: './etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
    { name: './app/node_modules/lodash/package.json', content: '{"name":"lodash","version":"4.17.21","license":"MIT"}' },
  ],
  [
    {
      name: './usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO',
      content: 'Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\nLicense: MIT\n\nbody',
    },
    { name: './usr/bin/tool', content: '\x7fELF\x02\x01\x01' + '\0'.repeat(60), mode: 0o755 },
    { name: './usr/bin/alias', type: 'link', linkname: 'usr/bin/tool' },
    { name: './bin', type: 'symlink', linkname: 'usr/bin' },
  ],
  [
    { name: './etc/.wh.passwd', content: '' },
    { name: './opt/.wh..wh..opq', content: '' },
    { name: './loop', type: 'symlink', linkname: 'loop' },
    { name: `./${'d/'.repeat(70)}f`, content: 'deep' },
  ],
];
let seeds: Buffer[] = [];

beforeAll(async () => {
  seeds = await Promise.all(seedItems.map((items) => makeTar(items)));
});

type Stored = 'plain' | 'gzip-after' | 'gzip-before';

/** A layer blob: a tar (tar-stream's or field by field), damaged, stored as `how` says. */
const layers = (): fc.Arbitrary<{ tar: Buffer; blob: Buffer; how: Stored }> => {
  const written = fc.oneof(
    fc.constantFrom(...seeds),
    fc.array(rawTarMember, { minLength: 1, maxLength: 5 }).map((members) => rawTar(members)),
  );
  return fc
    .tuple(
      mutatedBytes(written, { others: seeds, fixup: fixTarChecksums, maxMutations: 3 }),
      fc.constantFrom<Stored>('plain', 'gzip-after', 'gzip-before'),
      fc.array(fc.nat(), { maxLength: 4 }),
    )
    .map(([tar, how, flips]) => {
      if (how === 'plain') return { tar, blob: tar, how };
      const blob = gzipSync(tar);
      if (how === 'gzip-before') for (const at of flips) blob[at % blob.length] = (blob[at % blob.length] as number) ^ 0x10;
      return { tar, blob, how };
    });
};

const scan = (blob: Buffer, expectedDiffId?: string): Promise<LayerScan> =>
  scanLayer(Readable.from([blob]), { what: 'layer 0', limits: defaultLimits, expectedDiffId, visitors: analyzers });

describe('fuzz: layer scan', () => {
  it('a damaged layer is a scan or a typed error; analysers never fail on its files', async () => {
    const reach = new Reach();
    await fuzz(
      'layer scan',
      layers(),
      async ({ tar, blob, how }) => {
        const result = await boundedAsync('typed-errors', () => scan(blob, how === 'gzip-before' ? undefined : sha256(tar)));
        reach.input(result !== undefined && 'scanned', (result?.analyses.length ?? 0) > 0 && 'analysed');
        if (!result) return;
        checkOutputBound(result, tar.length, 10);
        checkNoMaskedCrash(result.analyses.map((analysis) => analysis.error));
        for (const analysis of result.analyses) expect(analysis.error ?? '').not.toMatch(/^the analyser failed/);
        for (const entry of result.entries) expect(entry.path.startsWith('/') && !entry.path.split('/').includes('..')).toBe(true);
      },
      { describe: ({ blob, how }) => `${how} ${preview(blob)}` },
    );
    reach.expect('scanned', 0.15);
    reach.expect('analysed', 0.05);
  });

  it('squashing damaged layers and resolving paths through them: typed errors only', async () => {
    const reach = new Reach();
    await fuzz(
      'layer squash',
      fc.tuple(
        fc.array(layers(), { minLength: 1, maxLength: 3 }),
        fc.array(fc.constantFrom('/bin/tool', '/loop', '/etc/passwd', '/usr/bin/alias', '/bin', '/', '/opt/x', '/a/../../b'), { maxLength: 4 }),
      ),
      async ([blobs, paths]) => {
        const scans: LayerScan[] = [];
        for (const { tar } of blobs) {
          const result = await boundedAsync('typed-errors', () => scan(tar));
          if (result) scans.push(result);
        }
        const built = bounded('typed-errors', () => FileView.build(scans));
        reach.input(built !== undefined && scans.length > 1 && 'squashed');
        for (const path of paths) bounded('typed-errors', () => built?.view.resolve(path));
      },
      { weight: 0.5, describe: ([blobs, paths]) => `${blobs.map(({ tar }) => preview(tar, 200)).join(' | ')} resolving ${paths.join(', ')}` },
    );
    reach.expect('squashed', 0.03);
  });
});
