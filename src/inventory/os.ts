import { distroByOsReleaseId } from './distros/registry.js';
import type { Distro } from './distros/distro.js';

/** The operating system of an image, as its files say. */
export interface OsInfo {
  /** The recognised distribution, undefined when unknown. */
  distro: Distro | undefined;
  /** `ID` as found (`debian`, `alpine`...), or what the release files imply. */
  id: string;
  name: string;
  /** Release version: `11.11`, `3.19.1`, `22.04`, `8.9`. */
  version: string | undefined;
  prettyName: string | undefined;
  codename: string | undefined;
  /** Google distroless: Debian packages in `status.d`, no shell or package manager. */
  distroless: boolean;
  /** The file the answer came from. */
  evidence: string;
}

/** The osFacts of each OS file visible in the image, by path (`/etc/os-release` after symlinks). */
export type OsFactsByPath = ReadonlyMap<string, Record<string, string>>;

/**
 * Decides the OS from its identification files: os-release first (as systemd defines it), then
 * the release files older images have. `hasDpkgStatusD` marks distroless images, which may have
 * no os-release at all.
 */
export function detectOs(facts: OsFactsByPath, hasDpkgStatusD: boolean): OsInfo | undefined {
  const osRelease = facts.get('/etc/os-release') ?? facts.get('/usr/lib/os-release');
  const debianVersion = facts.get('/etc/debian_version')?.text;
  const distroless = hasDpkgStatusD && (!osRelease || /distroless/i.test(osRelease.PRETTY_NAME ?? ''));
  if (osRelease?.ID) {
    const evidence = facts.has('/etc/os-release') ? '/etc/os-release' : '/usr/lib/os-release';
    const likes = (osRelease.ID_LIKE ?? '').split(/\s+/);
    const distro = distroByOsReleaseId(osRelease.ID) ?? likes.map(distroByOsReleaseId).find(Boolean);
    // Debian's os-release gives only the major version; debian_version has the point release.
    const version = distro?.id === 'debian' && debianVersion && /^\d/.test(debianVersion) ? debianVersion : osRelease.VERSION_ID;
    return {
      distro,
      id: osRelease.ID,
      name: osRelease.NAME ?? distro?.name ?? osRelease.ID,
      version,
      prettyName: osRelease.PRETTY_NAME,
      codename: osRelease.VERSION_CODENAME,
      distroless,
      evidence,
    };
  }
  const alpine = facts.get('/etc/alpine-release')?.text;
  if (alpine) return fromRelease('alpine', alpine, '/etc/alpine-release', distroless);
  for (const path of ['/etc/redhat-release', '/etc/centos-release', '/etc/system-release']) {
    const text = facts.get(path)?.text;
    const parsed = text ? parseRedHatRelease(text) : undefined;
    if (parsed) return { ...fromRelease(parsed.id, parsed.version, path, distroless), prettyName: text };
  }
  const lsb = facts.get('/etc/lsb-release');
  if (lsb?.DISTRIB_ID)
    return {
      ...fromRelease(lsb.DISTRIB_ID.toLowerCase(), lsb.DISTRIB_RELEASE, '/etc/lsb-release', distroless),
      prettyName: lsb.DISTRIB_DESCRIPTION,
      codename: lsb.DISTRIB_CODENAME,
    };
  if (debianVersion) {
    const numeric = /^\d/.test(debianVersion);
    return { ...fromRelease('debian', numeric ? debianVersion : undefined, '/etc/debian_version', distroless), codename: numeric ? undefined : debianVersion };
  }
  if (hasDpkgStatusD) return { ...fromRelease('debian', undefined, '/var/lib/dpkg/status.d', true), prettyName: 'Distroless' };
  return undefined;
}

function fromRelease(id: string, version: string | undefined, evidence: string, distroless: boolean): OsInfo {
  const distro = distroByOsReleaseId(id);
  return { distro, id, name: distro?.name ?? id, version, prettyName: undefined, codename: undefined, distroless, evidence };
}

const redHatNames: [RegExp, string][] = [
  [/^Red Hat Enterprise Linux/i, 'rhel'],
  [/^CentOS/i, 'centos'],
  [/^Rocky Linux/i, 'rocky'],
  [/^AlmaLinux/i, 'almalinux'],
  [/^Fedora/i, 'fedora'],
  [/^Oracle Linux/i, 'ol'],
  [/^Amazon Linux/i, 'amzn'],
];

/** `CentOS Linux release 7.9.2009 (Core)` → centos 7.9.2009. */
export function parseRedHatRelease(text: string): { id: string; version: string | undefined } | undefined {
  const id = redHatNames.find(([pattern]) => pattern.test(text))?.[1];
  if (!id) return undefined;
  return { id, version: /release\s+([\d.]+)/i.exec(text)?.[1] };
}
