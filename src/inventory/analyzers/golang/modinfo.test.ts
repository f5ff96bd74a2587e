import { describe, expect, it } from 'vitest';
import { parseModInfo, unquote } from './modinfo.js';

describe('parseModInfo', () => {
  it('reads path, main module, deps, replacements and build settings (Go 1.19 output)', () => {
    const text = [
      'path\texample.com/app',
      'mod\texample.com/app\t(devel)\t',
      'dep\texample.com/lib\tv1.2.3\th1:abc=',
      'dep\texample.com/old\tv1.0.0',
      '=>\texample.com/new\tv1.1.0\th1:def=',
      'dep\texample.com/local\tv0.0.0-00010101000000-000000000000',
      '=>\t../local\t(devel)\t',
      '',
      'build\t-compiler=gc',
      'build\t-ldflags="-X main.version=1.2.3 -s"',
      'build\tGOOS=linux',
      'build\tvcs.modified=true',
      '',
    ].join('\n');
    expect(parseModInfo(text)).toEqual({
      path: 'example.com/app',
      main: { path: 'example.com/app', version: '(devel)', sum: '' },
      deps: [
        { path: 'example.com/lib', version: 'v1.2.3', sum: 'h1:abc=' },
        { path: 'example.com/old', version: 'v1.0.0', sum: '', replace: { path: 'example.com/new', version: 'v1.1.0', sum: 'h1:def=' } },
        { path: 'example.com/local', version: 'v0.0.0-00010101000000-000000000000', sum: '', replace: { path: '../local', version: '(devel)', sum: '' } },
      ],
      settings: [
        ['-compiler', 'gc'],
        ['-ldflags', '-X main.version=1.2.3 -s'],
        ['GOOS', 'linux'],
        ['vcs.modified', 'true'],
      ],
      notes: [],
    });
  });

  it('skips malformed lines with a note, keeping the rest', () => {
    const text = [
      'dep\tonly-a-path',
      '=>\torphan\tv1\t',
      'dep\tok\tv1.0.0\th1:x',
      'build\tnovalue',
      'build\t=x',
      'build\t"key with space"=`raw value`',
      'future\tline',
      '',
    ].join('\n');
    expect(parseModInfo(text)).toEqual({
      deps: [{ path: 'ok', version: 'v1.0.0', sum: 'h1:x' }],
      settings: [['key with space', 'raw value']],
      notes: [
        'Go module info line 1: expected 2 or 3 columns after "dep", got 1: skipped',
        'Go module info line 2: replacement with no module on the line before: skipped',
        "Go module info line 4: build line missing '=': skipped",
        'Go module info line 5: build line with missing key: skipped',
      ],
    });
  });

  it('caps the notes of a garbage module info', () => {
    const info = parseModInfo('dep\tx\n'.repeat(1000));
    expect(info.notes).toHaveLength(11);
    expect(info.notes[10]).toBe('Go module info: 990 more malformed lines skipped');
  });
});

describe('unquote', () => {
  it.each([
    ['"plain"', 'plain'],
    ['"tab\\there \\"q\\" \\\\"', 'tab\there "q" \\'],
    ['"\\x41\\101\\u00e9\\U0001F600"', 'AAé😀'],
    ['`raw \\n`', 'raw \\n'],
  ])('%s', (quoted, expected) => {
    expect(unquote(quoted)).toBe(expected);
  });

  it.each(['"open', '"bad \\q escape"', '"\\x4"', '"\\777"', '"a"b"', "'c'"])('rejects %s', (quoted) => {
    expect(unquote(quoted)).toBeUndefined();
  });
});
