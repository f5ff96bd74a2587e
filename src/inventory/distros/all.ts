import { majorMinorOf, majorOf, type Distro } from './distro.js';

/*
 * One descriptor per distribution. The ecosystem names are OSV's (https://ossf.github.io/osv-schema/
 * "Defined ecosystems"); where OSV has no feed for a distro the function returns undefined.
 */

export const debian: Distro = {
  id: 'debian',
  name: 'Debian',
  osReleaseIds: ['debian'],
  packageManager: 'dpkg',
  purlNamespace: 'debian',
  versionScheme: 'deb',
  advisoryEcosystem: (version) => (majorOf(version) ? `Debian:${majorOf(version)}` : undefined),
};

export const ubuntu: Distro = {
  id: 'ubuntu',
  name: 'Ubuntu',
  osReleaseIds: ['ubuntu'],
  packageManager: 'dpkg',
  purlNamespace: 'ubuntu',
  versionScheme: 'deb',
  advisoryEcosystem: (version) => (majorMinorOf(version) ? `Ubuntu:${majorMinorOf(version)}` : undefined),
};

export const alpine: Distro = {
  id: 'alpine',
  name: 'Alpine Linux',
  osReleaseIds: ['alpine'],
  packageManager: 'apk',
  purlNamespace: 'alpine',
  versionScheme: 'apk',
  advisoryEcosystem: (version) => (majorMinorOf(version) ? `Alpine:v${majorMinorOf(version)}` : undefined),
};

export const wolfi: Distro = {
  id: 'wolfi',
  name: 'Wolfi',
  osReleaseIds: ['wolfi'],
  packageManager: 'apk',
  purlNamespace: 'wolfi',
  versionScheme: 'apk',
  advisoryEcosystem: () => 'Wolfi',
};

export const chainguard: Distro = {
  id: 'chainguard',
  name: 'Chainguard',
  osReleaseIds: ['chainguard'],
  packageManager: 'apk',
  purlNamespace: 'chainguard',
  versionScheme: 'apk',
  advisoryEcosystem: () => 'Chainguard',
};

const rpmDistro = (
  id: string,
  name: string,
  osReleaseIds: string[],
  purlNamespace: string,
  ecosystem?: (version: string | undefined) => string | undefined,
): Distro => ({
  id,
  name,
  osReleaseIds,
  packageManager: 'rpm',
  purlNamespace,
  versionScheme: 'rpm',
  advisoryEcosystem: ecosystem ?? (() => undefined),
});

export const rhel = rpmDistro('rhel', 'Red Hat Enterprise Linux', ['rhel'], 'redhat', (v) =>
  majorOf(v) ? `Red Hat:enterprise_linux:${majorOf(v)}` : undefined,
);
export const centos = rpmDistro('centos', 'CentOS', ['centos'], 'centos');
export const rocky = rpmDistro('rocky', 'Rocky Linux', ['rocky'], 'rocky-linux', (v) => (majorOf(v) ? `Rocky Linux:${majorOf(v)}` : undefined));
export const alma = rpmDistro('almalinux', 'AlmaLinux', ['almalinux'], 'almalinux', (v) => (majorOf(v) ? `AlmaLinux:${majorOf(v)}` : undefined));
export const oracle = rpmDistro('oracle', 'Oracle Linux', ['ol'], 'oracle');
export const fedora = rpmDistro('fedora', 'Fedora', ['fedora'], 'fedora');
export const amazon = rpmDistro('amazon', 'Amazon Linux', ['amzn'], 'amazon');
export const suse = rpmDistro('suse', 'SUSE Linux Enterprise', ['sles', 'sled', 'sle-micro', 'sles_sap', 'sle_hpc'], 'suse', (v) =>
  v ? `SUSE:Linux Enterprise Server ${majorOf(v)}${v.includes('.') ? ` SP${v.split('.')[1]}` : ''}` : undefined,
);
export const opensuse = rpmDistro('opensuse', 'openSUSE', ['opensuse-leap', 'opensuse-tumbleweed', 'opensuse'], 'opensuse', (v) =>
  v ? `openSUSE:Leap ${v}` : 'openSUSE:Tumbleweed',
);
export const photon = rpmDistro('photon', 'Photon OS', ['photon'], 'photon', (v) => (v ? `Photon OS:${majorMinorOf(v) ?? v}` : undefined));
export const mariner = rpmDistro('cbl-mariner', 'CBL-Mariner', ['mariner'], 'mariner', (v) => (majorMinorOf(v) ? `Mariner:${majorMinorOf(v)}` : undefined));
export const azureLinux = rpmDistro('azurelinux', 'Azure Linux', ['azurelinux'], 'azurelinux', (v) =>
  majorMinorOf(v) ? `Azure Linux:${majorMinorOf(v)}` : undefined,
);
