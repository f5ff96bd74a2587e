import { describe, expect, it } from 'vitest';
import { parseKeyValues } from '../../inventory/analyzers/os/index.js';
import type { Package } from '../../inventory/inventory.js';
import { detectOs } from '../../inventory/os.js';
import { lookupTarget } from './targets.js';

const os = (text: string) => detectOs(new Map([['/etc/os-release', parseKeyValues(text)]]), false);
const pkg = (fields: Partial<Package>): Package =>
  ({ purl: 'pkg:x/y', analyzer: 'x', path: '/x', layer: { index: 0, digest: '', diffId: '', createdBy: undefined }, ...fields }) as Package;

describe('lookupTarget', () => {
  it('Debian: by source package and source version, in the release ecosystem', () => {
    const target = lookupTarget(
      pkg({ type: 'deb', name: 'libssl1.1', version: '1.1.1n-0+deb11u3+b1', source: { name: 'openssl', version: '1.1.1n-0+deb11u3' } }),
      os('ID=debian\nVERSION_ID=11'),
    );
    expect(target).toEqual({ ecosystems: ['Debian:11'], name: 'openssl', version: '1.1.1n-0+deb11u3' });
  });

  it('Ubuntu: the LTS ecosystem first, then the plain release', () => {
    expect(lookupTarget(pkg({ type: 'deb', name: 'bash', version: '5.1-6ubuntu1' }), os('ID=ubuntu\nVERSION_ID="22.04"'))?.ecosystems).toEqual([
      'Ubuntu:22.04:LTS',
      'Ubuntu:22.04',
    ]);
  });

  it('Alpine: by origin and v3.N', () => {
    expect(
      lookupTarget(
        pkg({ type: 'apk', name: 'libcrypto3', version: '3.1.4-r1', source: { name: 'openssl', version: '3.1.4-r1' } }),
        os('ID=alpine\nVERSION_ID=3.19.1'),
      ),
    ).toEqual({
      ecosystems: ['Alpine:v3.19'],
      name: 'openssl',
      version: '3.1.4-r1',
    });
  });

  it('rpm: epoch:version-release; by binary name, or by source rpm for Azure Linux / CBL-Mariner', () => {
    const rpm = pkg({
      type: 'rpm',
      name: 'openssl-libs',
      version: '3.0.7',
      release: '25.el9_3',
      epoch: 1,
      source: { name: 'openssl', version: '3.0.7-25.el9_3' },
    });
    expect(lookupTarget(rpm, os('ID=rocky\nVERSION_ID=9.3'))).toEqual({ ecosystems: ['Rocky Linux:9'], name: 'openssl-libs', version: '1:3.0.7-25.el9_3' });
    expect(lookupTarget(rpm, os('ID=azurelinux\nVERSION_ID="3.0"'))?.name).toBe('openssl');
  });

  it('OS packages without a known advisory ecosystem, and unknown OSes, are not looked up', () => {
    expect(lookupTarget(pkg({ type: 'rpm', name: 'bash', version: '5' }), os('ID=amzn\nVERSION_ID=2023'))).toBeUndefined();
    expect(lookupTarget(pkg({ type: 'deb', name: 'bash', version: '5' }), undefined)).toBeUndefined();
  });

  it('language packages: by their ecosystem name (maven group:artifact, composer vendor/name)', () => {
    expect(lookupTarget(pkg({ type: 'maven', namespace: 'org.apache.commons', name: 'commons-lang3', version: '3.12.0' }), undefined)).toEqual({
      ecosystems: ['Maven'],
      name: 'org.apache.commons:commons-lang3',
      version: '3.12.0',
    });
    expect(lookupTarget(pkg({ type: 'composer', namespace: 'monolog', name: 'monolog', version: '2.9.1' }), undefined)?.name).toBe('monolog/monolog');
    expect(lookupTarget(pkg({ type: 'golang', name: 'stdlib', version: 'v1.22.3' }), undefined)?.ecosystems).toEqual(['Go']);
  });
});
