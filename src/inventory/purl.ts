import { PackageURL } from 'packageurl-js';
import type { FoundPackage } from './model.js';
import type { OsInfo } from './os.js';

/**
 * The package URL (https://github.com/package-url/purl-spec) of a package. OS packages carry the
 * distro namespace and `arch`/`distro` qualifiers (`distro=debian-11.11`), rpm its `epoch`.
 */
export function purlOf(pkg: FoundPackage, os: OsInfo | undefined): string {
  const qualifiers: Record<string, string> = {};
  let namespace: string | undefined = pkg.namespace;
  let name = pkg.name;
  let version = pkg.version;
  switch (pkg.type) {
    case 'deb':
    case 'apk':
    case 'rpm':
      namespace = os?.distro?.purlNamespace ?? os?.id ?? defaultNamespace[pkg.type];
      if (pkg.arch) qualifiers.arch = pkg.arch;
      if (os) qualifiers.distro = os.version ? `${os.distro?.id ?? os.id}-${os.version}` : (os.distro?.id ?? os.id);
      if (pkg.type === 'rpm') {
        if (pkg.release) version = `${pkg.version}-${pkg.release}`;
        if (pkg.epoch) qualifiers.epoch = String(pkg.epoch);
      }
      break;
    case 'npm':
      if (name.startsWith('@') && name.includes('/')) [namespace, name] = splitLast(name);
      break;
    case 'golang':
      if (name.includes('/')) [namespace, name] = splitLast(name);
      break;
    default:
      break;
  }
  try {
    return new PackageURL(pkg.type, namespace ?? null, name, version || null, Object.keys(qualifiers).length > 0 ? qualifiers : null, null).toString();
  } catch {
    // The purl spec rejects what a type cannot name, e.g. a maven artifact whose groupId the jar does
    // not say: such a package is still reported, under the spec's catch-all `generic` type.
    return new PackageURL('generic', null, name, version || null, null, null).toString();
  }
}

const defaultNamespace = { deb: 'debian', apk: 'alpine', rpm: 'redhat' } as const;

function splitLast(name: string): [string, string] {
  const slash = name.lastIndexOf('/');
  return [name.slice(0, slash), name.slice(slash + 1)];
}
