import { describe, expect, it } from 'vitest';
import { parseHeader, rpmTag, rpmType, type HeaderResult } from './header.js';
import { encodeHeader, type TagValue } from './test-rpmdb.js';

const str = (tag: number, value: string): TagValue => ({ tag, type: rpmType.string, value });
const basics: TagValue[] = [str(rpmTag.name, 'bash'), str(rpmTag.version, '5.1.8'), str(rpmTag.release, '1.cm2')];

function errorOf(result: HeaderResult): string {
  if (result.ok) throw new Error('expected the header to be rejected');
  return result.error;
}

/** Rewrites field `field` (0 tag, 1 type, 2 offset, 3 count) of index entry `entry`. */
function patchEntry(blob: Buffer, entry: number, field: number, value: number): Buffer {
  const copy = Buffer.from(blob);
  copy.writeUInt32BE(value >>> 0, 8 + entry * 16 + field * 4);
  return copy;
}

describe('parseHeader', () => {
  it('reads the package fields and joins DIRNAMES and BASENAMES', () => {
    const blob = encodeHeader([
      ...basics,
      { tag: rpmTag.epoch, type: rpmType.int32, value: [2] },
      str(rpmTag.arch, 'x86_64'),
      str(rpmTag.sourceRpm, 'bash-5.1.8-1.cm2.src.rpm'),
      { tag: rpmTag.license, type: rpmType.i18nString, value: ['GPLv3+'] },
      str(rpmTag.vendor, 'Microsoft Corporation'),
      str(rpmTag.modularityLabel, 'perl:5.30:8030020200101:1234'),
      { tag: rpmTag.dirNames, type: rpmType.stringArray, value: ['/usr/bin/', '/etc/'] },
      { tag: rpmTag.baseNames, type: rpmType.stringArray, value: ['bash', 'bashrc', 'sh'] },
      { tag: rpmTag.dirIndexes, type: rpmType.int32, value: [0, 1, 0] },
    ]);
    expect(parseHeader(blob)).toEqual({
      ok: true,
      header: {
        name: 'bash',
        version: '5.1.8',
        release: '1.cm2',
        epoch: 2,
        arch: 'x86_64',
        sourceRpm: 'bash-5.1.8-1.cm2.src.rpm',
        license: 'GPLv3+',
        vendor: 'Microsoft Corporation',
        modularityLabel: 'perl:5.30:8030020200101:1234',
        files: ['/usr/bin/bash', '/etc/bashrc', '/usr/bin/sh'],
      },
    });
  });

  it('leaves out what the header does not have; an explicit epoch 0 is kept', () => {
    const result = parseHeader(encodeHeader(basics));
    expect(result).toEqual({ ok: true, header: { name: 'bash', version: '5.1.8', release: '1.cm2', files: [] } });
    const withZero = parseHeader(encodeHeader([...basics, { tag: rpmTag.epoch, type: rpmType.int32, value: [0] }]));
    expect(withZero.ok && withZero.header.epoch).toBe(0);
  });

  // found by the fuzz tests (rpm.fuzz.test.ts): 140 KB of header listed 80 MB of paths
  it('does not list files whose paths would take far more than the header (one long DIRNAME shared by many BASENAMES)', () => {
    const count = 20_000;
    const blob = encodeHeader([
      ...basics,
      { tag: rpmTag.dirNames, type: rpmType.stringArray, value: [`/${'d'.repeat(3999)}/`] },
      { tag: rpmTag.baseNames, type: rpmType.stringArray, value: Array<string>(count).fill('a') },
      { tag: rpmTag.dirIndexes, type: rpmType.int32, value: Array<number>(count).fill(0) },
    ]);
    const result = parseHeader(blob);
    expect(result.ok && result.header.name).toBe('bash');
    expect(result.ok && result.header.files).toEqual([]);
    expect(result.ok && result.header.filesProblem).toBe(
      `its 20000 files' paths take 80040000 characters, more than 4 times its header's ${blob.length} bytes: not listed`,
    );
  });

  it('reads OLDFILENAMES of old headers', () => {
    const blob = encodeHeader([...basics, { tag: rpmTag.oldFilenames, type: rpmType.stringArray, value: ['/bin/bash', '/etc/bashrc'] }]);
    const result = parseHeader(blob);
    expect(result.ok && result.header.files).toEqual(['/bin/bash', '/etc/bashrc']);
  });

  it('lets a later (dribble) entry replace an earlier one of the same tag', () => {
    const result = parseHeader(encodeHeader([...basics, str(rpmTag.release, '2.cm2')]));
    expect(result.ok && result.header.release).toBe('2.cm2');
  });

  it('ignores tags it does not read, of any type', () => {
    const result = parseHeader(
      encodeHeader([{ tag: 1004, type: rpmType.i18nString, value: ['summary', 'résumé'] }, ...basics, { tag: 1006, type: rpmType.int32, value: [1700000000] }]),
    );
    expect(result.ok && result.header.name).toBe('bash');
  });

  it('rejects a data offset outside the data store, naming the entry and tag', () => {
    const blob = encodeHeader(basics);
    expect(errorOf(parseHeader(patchEntry(blob, 1, 2, 10_000)))).toMatch(/index entry 1 \(tag 1001\) has data offset 10000, outside the \d+-byte data store/);
    expect(errorOf(parseHeader(patchEntry(blob, 1, 2, -4)))).toMatch(/data offset -4/);
  });

  it('rejects counts and strings that run past the data store', () => {
    const blob = encodeHeader([...basics, { tag: rpmTag.epoch, type: rpmType.int32, value: [0] }]);
    expect(errorOf(parseHeader(patchEntry(blob, 3, 3, 0x7fffffff)))).toMatch(/count 2147483647/);
    // a count the store holds as bytes, but not as INT32s
    const dataLength = blob.readUInt32BE(4);
    const offset = blob.readUInt32BE(8 + 3 * 16 + 8);
    expect(errorOf(parseHeader(patchEntry(blob, 3, 3, dataLength - offset)))).toMatch(/INT32 values at offset \d+ run past/);
    // the last string loses its terminator
    const cut = encodeHeader(basics);
    cut[cut.length - 1] = 0x41;
    expect(errorOf(parseHeader(cut))).toMatch(/tag 1002: string 0 at offset \d+ has no terminator/);
  });

  it('rejects a preamble that promises more than the blob holds', () => {
    const blob = encodeHeader(basics);
    expect(errorOf(parseHeader(blob.subarray(0, blob.length - 1)))).toMatch(/declares 3 index entries and \d+ data bytes, more than its \d+ bytes hold/);
    const huge = Buffer.from(blob);
    huge.writeUInt32BE(0xffffffff, 0);
    expect(errorOf(parseHeader(huge))).toMatch(/declares 4294967295 index entries/);
    expect(errorOf(parseHeader(Buffer.alloc(4)))).toMatch(/shorter than a header's 8-byte preamble/);
    expect(errorOf(parseHeader(Buffer.alloc(8)))).toBe('header has no index entries');
  });

  it('rejects unknown and unexpected types, and headers without NAME or VERSION', () => {
    const blob = encodeHeader(basics);
    expect(errorOf(parseHeader(patchEntry(blob, 0, 1, 42)))).toMatch(/unknown type 42/);
    expect(errorOf(parseHeader(patchEntry(blob, 0, 1, rpmType.int32)))).toMatch(/tag 1000 has type 4, expected/);
    expect(errorOf(parseHeader(encodeHeader(basics.slice(1))))).toBe('header has no NAME');
    expect(errorOf(parseHeader(encodeHeader([str(rpmTag.name, 'bash')])))).toBe('package "bash" has no VERSION');
  });

  it('rejects file lists whose directory indexes do not fit', () => {
    const files = (indexes: number[]): TagValue[] => [
      ...basics,
      { tag: rpmTag.dirNames, type: rpmType.stringArray, value: ['/usr/bin/'] },
      { tag: rpmTag.baseNames, type: rpmType.stringArray, value: ['bash', 'sh'] },
      { tag: rpmTag.dirIndexes, type: rpmType.int32, value: indexes },
    ];
    expect(errorOf(parseHeader(encodeHeader(files([0, 1]))))).toBe('file 1 ("sh") has directory index 1, but there are 1 DIRNAMES');
    expect(errorOf(parseHeader(encodeHeader(files([0, -1]))))).toMatch(/directory index -1/);
    expect(errorOf(parseHeader(encodeHeader(files([0]))))).toBe('2 BASENAMES but 1 DIRINDEXES');
  });
});
