import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { TarStreamParser } from './stream-parser.js';
import { base256, octal, paxRecords, rawTar, type RawTarHeader } from './test-tar.js';

const header = (name: string, typeflag: string, size: Buffer): RawTarHeader => ({
  name,
  mode: octal(0o644, 8),
  uid: octal(0, 8),
  gid: octal(0, 8),
  size,
  typeflag: typeflag.charCodeAt(0),
  linkname: '',
  magic: Buffer.from('ustar\x0000', 'latin1'),
  prefix: '',
});

const parse = (data: Buffer, capture: boolean): Promise<void> =>
  pipeline(Readable.from([data]), new TarStreamParser({ what: 'layer 0', maxExtensionBytes: 16384, onEntry: () => (capture ? {} : undefined) }));

// Inputs found by the fuzz tests (tar.fuzz.test.ts), minimised.
describe('TarStreamParser on hostile sizes', () => {
  it('refuses to capture an entry declaring more bytes than a buffer holds, with a typed error (was a RangeError)', async () => {
    const tar = rawTar([{ header: header('big', '0', base256(8n * 1024n ** 3n, 12)), data: Buffer.alloc(512, 1) }], false);
    await expect(parse(tar, true)).rejects.toMatchObject({ code: 'E_LIMIT', message: expect.stringContaining('"big" declares 8589934592 bytes') });
    await expect(parse(tar, false)).rejects.toMatchObject({ code: 'E_CORRUPT' }); // not captured: skipped, then truncated
  });

  it('refuses a PAX size record past 2^53, which cannot be skipped exactly', async () => {
    const pax = paxRecords([{ key: 'size', value: '99999999999999999999' }]);
    const tar = rawTar([
      { header: header('PaxHeaders/x', 'x', octal(pax.length, 12)), data: pax },
      { header: header('x', '0', octal(1, 12)), data: Buffer.from('x') },
    ]);
    await expect(parse(tar, false)).rejects.toMatchObject({ code: 'E_CORRUPT', message: expect.stringContaining('PAX size record 99999999999999999999') });
  });
});
