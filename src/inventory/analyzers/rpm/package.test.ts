import { describe, expect, it } from 'vitest';
import { parseSourceRpm, toFoundPackage, toOwnedFiles } from './package.js';

describe('parseSourceRpm', () => {
  it.each([
    ['util-linux-2.32.1-42.el8_8.src.rpm', { name: 'util-linux', version: '2.32.1-42.el8_8' }],
    ['bash-5.1.8-1.cm2.src.rpm', { name: 'bash', version: '5.1.8-1.cm2' }],
    ['ca-certificates-mozilla-prebuilt-2.44-21.1.src.rpm', { name: 'ca-certificates-mozilla-prebuilt', version: '2.44-21.1' }],
    ['kernel-firmware-20230101-1.nosrc.rpm', { name: 'kernel-firmware', version: '20230101-1' }],
  ])('%s', (file, expected) => {
    expect(parseSourceRpm(file)).toEqual(expected);
  });

  it.each(['', '(none)', 'bash.src.rpm', 'bash-5.1.8.src.rpm', '-5.1.8-1.src.rpm', 'bash--1.src.rpm', 'bash-5.1.8-.src.rpm', 'bash-5.1.8-1.cm2.src'])(
    'rejects %j',
    (file) => {
      expect(parseSourceRpm(file)).toBeUndefined();
    },
  );
});

describe('toFoundPackage', () => {
  it('keeps VERSION and RELEASE apart and leaves out what is missing', () => {
    expect(toFoundPackage({ name: 'gpg-keys', version: '1', files: [], license: '', sourceRpm: 'odd' })).toEqual({
      type: 'rpm',
      name: 'gpg-keys',
      version: '1',
    });
    expect(
      toFoundPackage({
        name: 'libuuid',
        version: '2.32.1',
        release: '42.el8_8',
        epoch: 1,
        arch: 'x86_64',
        sourceRpm: 'util-linux-2.32.1-42.el8_8.src.rpm',
        license: 'BSD',
        vendor: 'Red Hat, Inc.',
        modularityLabel: 'm:1:2:3',
        files: ['/usr/lib64/libuuid.so.1'],
      }),
    ).toEqual({
      type: 'rpm',
      name: 'libuuid',
      version: '2.32.1',
      release: '42.el8_8',
      epoch: 1,
      arch: 'x86_64',
      source: { name: 'util-linux', version: '2.32.1-42.el8_8' },
      licenses: ['BSD'],
      vendor: 'Red Hat, Inc.',
      modularityLabel: 'm:1:2:3',
    });
  });

  it('owns files only when there are some', () => {
    expect(toOwnedFiles({ name: 'a', version: '1', files: [] })).toBeUndefined();
    expect(toOwnedFiles({ name: 'a', version: '1', files: ['/x'] })).toEqual({ owner: 'a', files: ['/x'] });
  });
});
