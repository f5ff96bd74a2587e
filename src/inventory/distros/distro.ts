/**
 * What Shipshape knows of one Linux distribution: how to recognise it, how its packages are named
 * in purls, which version scheme orders them, and where its advisories are published.
 */
export interface Distro {
  /** Stable id, also the purl `distro` qualifier prefix: `debian`, `rhel`, `alpine`. */
  id: string;
  name: string;
  /** `ID=` values of os-release that mean this distro. */
  osReleaseIds: readonly string[];
  packageManager: 'dpkg' | 'apk' | 'rpm';
  /** purl namespace of its packages: `pkg:deb/debian/...`, `pkg:rpm/redhat/...`. */
  purlNamespace: string;
  versionScheme: 'deb' | 'rpm' | 'apk';
  /**
   * The OSV ecosystem of this release's advisories (`Debian:11`, `Alpine:v3.19`), or undefined when
   * OSV publishes none for it.
   */
  advisoryEcosystem(version: string | undefined): string | undefined;
}

/** `11.11` → `11`; `8.10` → `8`. */
export function majorOf(version: string | undefined): string | undefined {
  return version?.split('.')[0] || undefined;
}

/** `3.19.1` → `3.19`. */
export function majorMinorOf(version: string | undefined): string | undefined {
  const match = version ? /^(\d+)\.(\d+)/.exec(version) : null;
  return match ? `${match[1]}.${match[2]}` : undefined;
}
