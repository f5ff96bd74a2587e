import type { FoundPackage, OwnedFiles } from '../../model.js';
import type { RpmHeader } from './header.js';

/**
 * Splits a source rpm file name into package name and `version-release`:
 * `util-linux-2.32.1-42.el8_8.src.rpm` → `{ name: 'util-linux', version: '2.32.1-42.el8_8' }`.
 * Names may contain dashes, versions and releases may not, so the split is from the right.
 * Undefined when the name does not have that shape.
 */
export function parseSourceRpm(fileName: string): { name: string; version: string } | undefined {
  if (!fileName.endsWith('.rpm')) return undefined;
  const withArch = fileName.slice(0, -'.rpm'.length);
  const dot = withArch.lastIndexOf('.'); // `.src` or `.nosrc`
  if (dot <= 0) return undefined;
  const nvr = withArch.slice(0, dot);
  const releaseDash = nvr.lastIndexOf('-');
  const versionDash = releaseDash > 0 ? nvr.lastIndexOf('-', releaseDash - 1) : -1;
  if (versionDash <= 0 || releaseDash === versionDash + 1 || releaseDash === nvr.length - 1) return undefined;
  return { name: nvr.slice(0, versionDash), version: nvr.slice(versionDash + 1) };
}

/** The inventory's view of one installed rpm. */
export function toFoundPackage(header: RpmHeader): FoundPackage {
  const pkg: FoundPackage = { type: 'rpm', name: header.name, version: header.version };
  if (header.release !== undefined) pkg.release = header.release;
  if (header.epoch !== undefined) pkg.epoch = header.epoch;
  if (header.arch !== undefined) pkg.arch = header.arch;
  const source = header.sourceRpm === undefined ? undefined : parseSourceRpm(header.sourceRpm);
  if (source !== undefined) pkg.source = source;
  if (header.license !== undefined && header.license !== '') pkg.licenses = [header.license];
  if (header.vendor !== undefined && header.vendor !== '') pkg.vendor = header.vendor;
  if (header.modularityLabel !== undefined && header.modularityLabel !== '') pkg.modularityLabel = header.modularityLabel;
  return pkg;
}

/** The files the package owns, or undefined when it owns none. */
export function toOwnedFiles(header: RpmHeader): OwnedFiles | undefined {
  return header.files.length === 0 ? undefined : { owner: header.name, files: header.files };
}
