import { pipeline, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { defaultLimits } from '../../core/limits.js';
import { compress, makeTar, sha256, type TarItem } from '../../test-support/image-builder.js';
import { commandMissing, skipWhen } from '../../test-support/skip.js';
import { DigestingStream } from '../digest.js';
import { scanLayer } from './scan.js';
import type { LayerFileVisitor } from './visitor.js';

const scan = (data: Buffer, extra: Partial<Parameters<typeof scanLayer>[1]> = {}) =>
  scanLayer(Readable.from([data]), { what: 'layer 0', limits: defaultLimits, ...extra });

const items: TarItem[] = [
  { name: './' },
  { name: './etc/' },
  { name: './etc/passwd', content: 'root:x:0:0\n' },
  { name: './usr/bin/tool', content: 'binary', mode: 0o4755 },
  { name: './usr/bin/tool2', type: 'link', linkname: 'usr/bin/tool' },
  { name: './bin', type: 'symlink', linkname: 'usr/bin' },
  { name: './var/cache/.wh.old' },
  { name: './opt/.wh..wh..opq', content: '' },
  { name: './.wh.gone', content: '' },
];

describe('scanLayer', () => {
  it('records entries, hard links, symlinks, whiteouts and opaque directories, and the diffID', async () => {
    const tarData = await makeTar(items);
    const result = await scan(compress(tarData, 'gzip'), { expectedDiffId: sha256(tarData) });
    expect(result.diffId).toBe(sha256(tarData));
    expect(result.uncompressedSize).toBe(tarData.length);
    expect(result.entries.map((e) => [e.path, e.type, e.size])).toEqual([
      ['/etc', 'dir', 0],
      ['/etc/passwd', 'file', 11],
      ['/usr/bin/tool', 'file', 6],
      ['/usr/bin/tool2', 'hardlink', 6],
      ['/bin', 'symlink', 0],
    ]);
    expect(result.entries[2]?.mode).toBe(0o4755);
    expect(result.entries[3]?.linkTarget).toBe('/usr/bin/tool');
    expect(result.entries[4]?.linkTarget).toBe('usr/bin');
    expect(result.whiteouts).toEqual(['/var/cache/old', '/gone']);
    expect(result.opaqueDirs).toEqual(['/opt']);
  });

  for (const compression of ['none', 'gzip', 'zstd'] as const) {
    it(
      `sniffs ${compression} compression from the bytes, not the media type`,
      skipWhen(compression === 'zstd' ? commandMissing('zstd') : undefined),
      async () => {
        const tarData = await makeTar(items);
        const result = await scan(compress(tarData, compression));
        expect(result.diffId).toBe(sha256(tarData));
        expect(result.entries).toHaveLength(5);
      },
    );
  }

  it('fails with E_DIGEST_MISMATCH when the content does not hash to the diffID', async () => {
    const tarData = await makeTar(items);
    await expect(scan(tarData, { expectedDiffId: sha256('other') })).rejects.toMatchObject({ code: 'E_DIGEST_MISMATCH' });
  });

  it('fails with E_MANIFEST on an empty diffID: never "nothing to verify"', async () => {
    const tarData = await makeTar(items);
    await expect(scan(tarData, { expectedDiffId: '' })).rejects.toMatchObject({ code: 'E_MANIFEST' });
  });

  // A blob's own check fails at its very end: for a small blob that may be before scanLayer reads on,
  // or (a source that wires its verifier with stream.pipeline, as openVerified does) before it is called.
  for (const [when, wait] of [
    ['while its first bytes are sniffed', async () => undefined],
    ['before the layer is read at all', () => new Promise<void>((resolve) => setImmediate(resolve))],
  ] as const) {
    it(`fails with the blob's own error when the blob fails ${when} (no hang, no uncaught error)`, { timeout: 10_000 }, async () => {
      const tarData = await makeTar(items);
      for (const expected of [{ digest: sha256('another blob') }, { digest: sha256(tarData), size: tarData.length + 1 }]) {
        const blob = pipeline(Readable.from([tarData]), new DigestingStream('blob', expected), () => undefined);
        await wait();
        await expect(scanLayer(blob, { what: 'layer 0', limits: defaultLimits, expectedDiffId: sha256(tarData) })).rejects.toMatchObject({
          code: expected.size === undefined ? 'E_DIGEST_MISMATCH' : 'E_SIZE_MISMATCH',
          message: expect.stringMatching(/^blob: /) as unknown,
        });
      }
    });
  }

  it.each([
    ['an absolute path', '/etc/passwd'],
    ['a .. segment', 'usr/../../etc/passwd'],
    ['a leading ..', '../outside'],
  ])('rejects an entry with %s (E_UNSAFE_PATH)', async (_what, name) => {
    const tarData = await makeTar([{ name, content: 'x' }]);
    await expect(scan(tarData)).rejects.toMatchObject({ code: 'E_UNSAFE_PATH' });
  });

  it('rejects a hard link that points outside the root', async () => {
    const tarData = await makeTar([{ name: 'a', type: 'link', linkname: '../../etc/shadow' }]);
    await expect(scan(tarData)).rejects.toMatchObject({ code: 'E_UNSAFE_PATH' });
  });

  it('fails with E_CORRUPT on a truncated gzip stream', async () => {
    const gz = compress(await makeTar([{ name: 'f', content: Buffer.alloc(100_000, 7) }]), 'gzip');
    await expect(scan(gz.subarray(0, gz.length - 40))).rejects.toMatchObject({ code: 'E_CORRUPT' });
  });

  it('fails with E_CORRUPT on a truncated zstd stream', skipWhen(commandMissing('zstd')), async () => {
    const zst = compress(await makeTar([{ name: 'f', content: Buffer.alloc(100_000, 7) }]), 'zstd');
    await expect(scan(zst.subarray(0, zst.length - 10))).rejects.toMatchObject({ code: 'E_CORRUPT' });
  });

  it('fails with E_CORRUPT on a tar cut inside an entry', async () => {
    const tarData = await makeTar([{ name: 'f', content: Buffer.alloc(10_000, 7) }]);
    await expect(scan(tarData.subarray(0, 3000))).rejects.toMatchObject({ code: 'E_CORRUPT' });
  });

  it('fails with E_CORRUPT on bytes that are not a tar', async () => {
    await expect(scan(Buffer.alloc(4096, 0x41))).rejects.toMatchObject({ code: 'E_CORRUPT' });
  });

  it('stops a decompression bomb past the size limit (E_LIMIT)', async () => {
    const bomb = compress(await makeTar([{ name: 'zeros', content: Buffer.alloc(8 << 20) }]), 'gzip');
    await expect(scan(bomb, { limits: { ...defaultLimits, maxLayerBytes: 1 << 20 } })).rejects.toMatchObject({ code: 'E_LIMIT' });
  });

  it('stops a decompression bomb by its expansion ratio (E_LIMIT)', async () => {
    const bomb = compress(await makeTar([{ name: 'zeros', content: Buffer.alloc(8 << 20) }]), 'gzip');
    const limits = { ...defaultLimits, ratioCheckAfterBytes: 1 << 20, maxCompressionRatio: 100 };
    await expect(scan(bomb, { limits })).rejects.toMatchObject({ code: 'E_LIMIT' });
  });

  it('bounds the number of entries (E_LIMIT)', async () => {
    const many = await makeTar(Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, content: '' })));
    await expect(scan(many, { limits: { ...defaultLimits, maxEntries: 10 } })).rejects.toMatchObject({ code: 'E_LIMIT' });
  });
});

describe('scanLayer with file visitors', () => {
  const visitor = (overrides: Partial<LayerFileVisitor> = {}): LayerFileVisitor => ({
    id: 'test',
    version: 1,
    maxBytes: 1 << 20,
    required: (path) => path.endsWith('.txt') || path.endsWith('.bin'),
    analyze: ({ path, content }) => ({ path, text: content.toString('latin1') }),
    ...overrides,
  });
  const big = Buffer.alloc(300_000, 0x61);
  const layerItems: TarItem[] = [
    { name: 'a.txt', content: 'hello' },
    { name: 'big.txt', content: big },
    { name: 'empty.txt', content: '' },
    { name: 'elf.bin', content: Buffer.concat([Buffer.from('\x7fELF'), Buffer.alloc(70_000, 1)]) },
    { name: 'other.bin', content: 'MZ not elf' },
    { name: 'skip.dat', content: 'not wanted' },
  ];

  it('hands whole files to the visitors that want them, across chunk boundaries', async () => {
    const result = await scan(compress(await makeTar(layerItems), 'gzip'), { visitors: [visitor()] });
    const byPath = new Map(result.analyses.map((a) => [a.path, a.output as { text: string }]));
    expect([...byPath.keys()].sort()).toEqual(['/a.txt', '/big.txt', '/elf.bin', '/empty.txt', '/other.bin']);
    expect(byPath.get('/big.txt')?.text).toBe(big.toString('latin1'));
    expect(byPath.get('/empty.txt')?.text).toBe('');
  });

  it('reads only files that open with the magic bytes', async () => {
    const elf = visitor({ magic: Buffer.from('\x7fELF', 'latin1'), analyze: ({ content }) => ({ size: content.length }) });
    const result = await scan(await makeTar(layerItems), { visitors: [elf] });
    expect(result.analyses).toEqual([{ analyzer: 'test', path: '/elf.bin', output: { size: 70_004 } }]);
  });

  it('records files over the size limit and analyser failures instead of throwing', async () => {
    const small = visitor({ maxBytes: 100 });
    const failing = visitor({
      id: 'failing',
      analyze: () => {
        throw new Error('boom');
      },
    });
    const result = await scan(await makeTar(layerItems.slice(0, 2)), { visitors: [small, failing] });
    expect(result.analyses).toEqual([
      { analyzer: 'test', path: '/a.txt', output: { path: '/a.txt', text: 'hello' } },
      { analyzer: 'failing', path: '/a.txt', error: 'the analyser failed: boom' },
      { analyzer: 'test', path: '/big.txt', error: "300000 bytes, over the analyser's limit of 100; not read" },
      { analyzer: 'failing', path: '/big.txt', error: 'the analyser failed: boom' },
    ]);
  });
});
