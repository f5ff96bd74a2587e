import {
  alma,
  alpine,
  amazon,
  azureLinux,
  centos,
  chainguard,
  debian,
  fedora,
  mariner,
  opensuse,
  oracle,
  photon,
  rhel,
  rocky,
  suse,
  ubuntu,
  wolfi,
} from './all.js';
import type { Distro } from './distro.js';

/** Every distribution Shipshape recognises. */
export const distros: readonly Distro[] = [
  debian,
  ubuntu,
  alpine,
  wolfi,
  chainguard,
  rhel,
  centos,
  rocky,
  alma,
  oracle,
  fedora,
  amazon,
  suse,
  opensuse,
  photon,
  mariner,
  azureLinux,
];

export function distroByOsReleaseId(id: string | undefined): Distro | undefined {
  return id === undefined ? undefined : distros.find((d) => d.osReleaseIds.includes(id.toLowerCase()));
}
