import { describe, expect, it } from 'vitest';
import { parseKeyValues } from './analyzers/os/index.js';
import { distros } from './distros/registry.js';
import { detectOs, parseRedHatRelease } from './os.js';

const osRelease = (text: string) => new Map([['/etc/os-release', parseKeyValues(text)]]);

describe('detectOs', () => {
  it.each([
    ['ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm', 'debian', '12', 'Debian:12'],
    ['ID=ubuntu\nVERSION_ID="22.04"\nID_LIKE=debian', 'ubuntu', '22.04', 'Ubuntu:22.04'],
    ['ID=alpine\nVERSION_ID=3.19.1', 'alpine', '3.19.1', 'Alpine:v3.19'],
    ['ID=wolfi\nVERSION_ID=20230201', 'wolfi', '20230201', 'Wolfi'],
    ['ID=chainguard\nVERSION_ID=20230214', 'chainguard', '20230214', 'Chainguard'],
    ['ID="rhel"\nVERSION_ID="9.3"\nID_LIKE="fedora"', 'rhel', '9.3', 'Red Hat:enterprise_linux:9'],
    ['ID="centos"\nVERSION_ID="7"', 'centos', '7', undefined],
    ['ID="rocky"\nVERSION_ID="8.9"', 'rocky', '8.9', 'Rocky Linux:8'],
    ['ID="almalinux"\nVERSION_ID="9.3"', 'almalinux', '9.3', 'AlmaLinux:9'],
    ['ID="ol"\nVERSION_ID="8.9"', 'oracle', '8.9', undefined],
    ['ID=fedora\nVERSION_ID=39', 'fedora', '39', undefined],
    ['ID="amzn"\nVERSION_ID="2023"', 'amazon', '2023', undefined],
    ['ID="sles"\nVERSION_ID="15.5"', 'suse', '15.5', 'SUSE:Linux Enterprise Server 15 SP5'],
    ['ID="opensuse-leap"\nVERSION_ID="15.5"', 'opensuse', '15.5', 'openSUSE:Leap 15.5'],
    ['ID=photon\nVERSION_ID=5.0', 'photon', '5.0', 'Photon OS:5.0'],
    ['ID=mariner\nVERSION_ID="2.0"', 'cbl-mariner', '2.0', 'Mariner:2.0'],
    ['ID=azurelinux\nVERSION_ID="3.0"', 'azurelinux', '3.0', 'Azure Linux:3.0'],
  ])('os-release %j → %s %s', (text, distro, version, ecosystem) => {
    const os = detectOs(osRelease(text), false);
    expect(os?.distro?.id).toBe(distro);
    expect(os?.version).toBe(version);
    expect(os?.distro?.advisoryEcosystem(os.version)).toBe(ecosystem);
  });

  it('takes the Debian point release from debian_version', () => {
    const facts = new Map([
      ['/etc/os-release', parseKeyValues('ID=debian\nVERSION_ID="11"')],
      ['/etc/debian_version', { text: '11.11' }],
    ]);
    expect(detectOs(facts, false)).toMatchObject({ version: '11.11', evidence: '/etc/os-release' });
  });

  it('falls back to an unknown ID_LIKE distribution', () => {
    expect(detectOs(osRelease('ID=linuxmint\nID_LIKE="ubuntu debian"\nVERSION_ID=21'), false)?.distro?.id).toBe('ubuntu');
  });

  it.each([
    ['/etc/alpine-release', '3.18.4', 'alpine', '3.18.4'],
    ['/etc/redhat-release', 'CentOS Linux release 7.9.2009 (Core)', 'centos', '7.9.2009'],
    ['/etc/redhat-release', 'Red Hat Enterprise Linux release 8.4 (Ootpa)', 'rhel', '8.4'],
    ['/etc/centos-release', 'Rocky Linux release 8.5 (Green Obsidian)', 'rocky', '8.5'],
    ['/etc/system-release', 'Amazon Linux release 2 (Karoo)', 'amazon', '2'],
    ['/etc/debian_version', '10.13', 'debian', '10.13'],
  ])('older release file %s: %s', (path, text, distro, version) => {
    expect(detectOs(new Map([[path, { text }]]), false)).toMatchObject({ distro: { id: distro }, version, evidence: path });
  });

  it('reads lsb-release', () => {
    const facts = new Map([
      ['/etc/lsb-release', parseKeyValues('DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=20.04\nDISTRIB_CODENAME=focal\nDISTRIB_DESCRIPTION="Ubuntu 20.04.6 LTS"')],
    ]);
    expect(detectOs(facts, false)).toMatchObject({ distro: { id: 'ubuntu' }, version: '20.04', codename: 'focal', prettyName: 'Ubuntu 20.04.6 LTS' });
  });

  it('recognises Google distroless by dpkg status.d, with or without os-release', () => {
    expect(detectOs(new Map(), true)).toMatchObject({ distro: { id: 'debian' }, distroless: true });
    expect(detectOs(osRelease('PRETTY_NAME="Distroless"\nID=debian\nVERSION_ID="12"'), true)).toMatchObject({ version: '12', distroless: true });
    expect(detectOs(osRelease('ID=debian\nVERSION_ID="12"'), false)?.distroless).toBe(false);
  });

  it('gives undefined with nothing to go on, and a testing Debian its codename', () => {
    expect(detectOs(new Map(), false)).toBeUndefined();
    expect(detectOs(new Map([['/etc/debian_version', { text: 'trixie/sid' }]]), false)).toMatchObject({ version: undefined, codename: 'trixie/sid' });
  });

  it('parses shell quoting in os-release', () => {
    expect(parseKeyValues('# comment\nNAME="Debian \\"GNU\\"/Linux"\nX=\'single\'\nBAD LINE\n')).toEqual({ NAME: 'Debian "GNU"/Linux', X: 'single' });
    expect(parseRedHatRelease('Something else')).toBeUndefined();
  });
});

describe('distro descriptors', () => {
  it('have unique ids and os-release ids', () => {
    expect(new Set(distros.map((d) => d.id)).size).toBe(distros.length);
    const osIds = distros.flatMap((d) => d.osReleaseIds);
    expect(new Set(osIds).size).toBe(osIds.length);
  });
});
