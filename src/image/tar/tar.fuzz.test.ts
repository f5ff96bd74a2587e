import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShipshapeError } from '../../core/errors.js';
import { defaultLimits } from '../../core/limits.js';
import { bounded, boundedAsync, checkOutputBound, fuzz, preview, Reach } from '../../test-support/fuzz.js';
import { mutatedBytes } from '../../test-support/fuzz-mutate.js';
import { makeTar, type TarItem } from '../../test-support/image-builder.js';
import { TarIndex } from '../sources/tar-index.js';
import { BLOCK, checksumValid, decodeHeader, isZeroBlock, parsePax } from './header.js';
import { TarStreamParser } from './stream-parser.js';
import { fixTarChecksums, rawTar, rawTarMember } from './test-tar.js';

// Seeds written by tar-stream (what image builders write), and archives written field by field.
const seedItems: TarItem[][] = [
  [{ name: './' }, { name: './etc/' }, { name: './etc/os-release', content: 'ID=debian\n' }, { name: './bin', type: 'symlink', linkname: 'usr/bin' }],
  [
    { name: `./${'deep/'.repeat(30)}file.txt`, content: 'long name: PAX' },
    { name: './usr/bin/tool', content: '\x7fELF' + 'x'.repeat(700), mode: 0o4755 },
  ],
  [
    { name: './a', content: 'a' },
    { name: './b', type: 'link', linkname: 'a' },
    { name: './var/.wh.gone', content: '' },
    { name: './opt/.wh..wh..opq', content: '' },
  ],
  [
    { name: './var/lib/dpkg/status', content: 'Package: a\nVersion: 1\nStatus: install ok installed\n' },
    { name: `./${'x'.repeat(120)}`, type: 'symlink', linkname: `${'y'.repeat(150)}` },
  ],
];
let seeds: Buffer[] = [];
let dir: string;

beforeAll(async () => {
  seeds = await Promise.all(seedItems.map((items) => makeTar(items)));
  dir = await mkdtemp(path.join(tmpdir(), 'shipshape-tar-fuzz-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Archives: written by tar-stream or field by field, then damaged (checksums recomputed half of the time). */
const archives = (): fc.Arbitrary<Buffer> => {
  const written = fc.oneof(
    fc.constantFrom(...seeds),
    fc.tuple(fc.array(rawTarMember, { minLength: 1, maxLength: 6 }), fc.boolean()).map(([members, end]) => rawTar(members, end)),
  );
  return fc.oneof(mutatedBytes(written, { others: seeds, fixup: fixTarChecksums }), mutatedBytes(written, { others: seeds }));
};

interface Parsed {
  entries: { name: string; typeflag: string; size: number; linkname: string }[];
  contents: string[];
  error: string | undefined;
}

/** Streams `data` through the parser in pieces cut at `cuts`; what it reports, and how it failed. */
async function parse(data: Buffer, cuts: readonly number[]): Promise<Parsed> {
  const result: Parsed = { entries: [], contents: [], error: undefined };
  const points = [...new Set(cuts.map((cut) => cut % (data.length + 1)))].sort((a, b) => a - b);
  const pieces = [0, ...points, data.length]
    .flatMap((start, i, all) => (i + 1 < all.length ? [data.subarray(start, all[i + 1])] : []))
    .filter((piece) => piece.length > 0);
  const parser = new TarStreamParser({
    what: 'fuzzed tar',
    maxExtensionBytes: defaultLimits.maxPathBytes * 4,
    onEntry(header) {
      result.entries.push({ name: header.name, typeflag: header.typeflag, size: header.size, linkname: header.linkname });
      // ask for some contents, some behind a magic, as the analysers do
      const pick = header.name.length % 3;
      return pick === 0 ? undefined : { magic: pick === 2 ? Buffer.from('\x7fELF', 'latin1') : undefined };
    },
    onContent: (header, content) => result.contents.push(`${header.name}:${content.toString('hex')}`),
  });
  try {
    await pipeline(Readable.from(pieces), parser);
  } catch (error) {
    if (!(error instanceof ShipshapeError)) throw error;
    result.error = `${error.code}: ${error.message}`;
  }
  return result;
}

describe('fuzz: tar headers', () => {
  it('decoding any header block: undefined or sane fields, never a throw', async () => {
    const blocks = mutatedBytes(
      fc.oneof(
        fc.constantFrom(...seeds).map((tar) => tar.subarray(0, BLOCK)),
        rawTarMember.map((member) => rawTar([member], false).subarray(0, BLOCK)),
      ),
      { fixup: (block) => fixTarChecksums(Buffer.concat([block, Buffer.alloc(BLOCK)]).subarray(0, BLOCK)) },
    );
    const reach = new Reach();
    await fuzz('tar header decode', blocks, (block) => {
      const header = bounded('never-throws', () => (isZeroBlock(block) || !checksumValid(block) ? undefined : decodeHeader(block)));
      reach.input(header !== undefined && 'decoded');
      if (header === undefined) return;
      for (const field of [header.size, header.mode, header.uid, header.gid]) expect(Number.isSafeInteger(field) && field >= 0).toBe(true);
    });
    reach.expect('decoded', 0.3);
  });

  it('PAX records: any bytes parse to a map, never a throw', async () => {
    await fuzz(
      'tar pax records',
      mutatedBytes(fc.string().map((text) => Buffer.from(`${text.length + 9} path=${text}\n30 linkpath=${'a'.repeat(18)}\n`))),
      (data) => {
        const records = bounded('never-throws', () => parsePax(data));
        checkOutputBound([...(records ?? [])], data.length, 2);
      },
    );
  });
});

describe('fuzz: streaming tar parser', () => {
  it('fails only with typed errors, and reads the same however the stream is cut', async () => {
    const reach = new Reach();
    await fuzz(
      'tar stream',
      fc.tuple(archives(), fc.array(fc.nat(), { maxLength: 12 })),
      async ([data, cuts]) => {
        const whole = await boundedAsync('typed-errors', () => parse(data, []));
        const cut = await boundedAsync('typed-errors', () => parse(data, cuts));
        expect(cut).toEqual(whole);
        checkOutputBound(whole, data.length, 4);
        for (const entry of whole?.entries ?? []) expect(Number.isSafeInteger(entry.size) && entry.size >= 0).toBe(true);
        reach.input(
          whole && whole.entries.length > 1 && 'entries',
          whole?.contents.length !== 0 && 'contents',
          whole?.error === undefined && 'clean',
          whole?.error !== undefined && 'failed',
        );
      },
      { describe: ([data, cuts]) => `${preview(data)} cut at ${cuts.join(',')}` },
    );
    reach.expect('entries', 0.2);
    reach.expect('contents', 0.2);
    reach.expect('clean', 0.1);
    reach.expect('failed', 0.1);
  });
});

describe('fuzz: tar archive index', () => {
  it('indexes or fails with a typed error; every member lies inside the file', async () => {
    const reach = new Reach();
    let n = 0;
    await fuzz(
      'tar index',
      archives(),
      async (data) => {
        const file = path.join(dir, `archive-${n++}.tar`);
        await writeFile(file, data);
        try {
          const index = await boundedAsync('typed-errors', () => TarIndex.build(file, defaultLimits));
          reach.input((index?.names().length ?? 0) > 0 && 'members');
          for (const name of index?.names() ?? []) {
            const size = index?.memberSize(name) ?? 0;
            const member = index ? await boundedAsync('typed-errors', () => index.readMember(name, 1 << 20)) : undefined;
            if (member !== undefined) expect(member.length).toBe(size);
          }
        } finally {
          await rm(file, { force: true });
        }
      },
      { weight: 0.5 },
    );
    reach.expect('members', 0.1);
  });
});
