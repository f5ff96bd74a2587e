import { createHash } from 'node:crypto';
import parseSpdxExpression from 'spdx-expression-parse';
import type { Inventory, Package } from '../../inventory/inventory.js';
import type { ResolvedImage } from '../../image/source.js';

/** What an SBOM is written from: the image, its inventory, and how to stamp the document. */
export interface SbomInput {
  image: ResolvedImage;
  inventory: Inventory;
  toolVersion: string;
  /** The time to write into the document; `--reproducible` passes the image's creation time. */
  timestamp: Date;
  /** Derive the serial number / namespace from the image digest instead of at random. */
  reproducible: boolean;
  /** A random UUID, used unless `reproducible`. */
  randomUuid: string;
}

/** The image's identity: manifest digest when it has one, else its config digest. */
export function imageDigest(image: ResolvedImage): string {
  return image.manifestDigest ?? image.configDigest;
}

/** A UUID derived from text (version-5 style: sha-1 based, RFC 4122 variant bits). */
function uuidFrom(text: string): string {
  const hex = createHash('sha1').update(text).digest('hex').slice(0, 32).split('');
  hex[12] = '5';
  hex[16] = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The UUID a document gets: stable for the same image and tool when reproducible. */
export function documentUuid(input: SbomInput): string {
  return input.reproducible ? uuidFrom(`shipshape ${input.toolVersion} ${imageDigest(input.image)}`) : input.randomUuid;
}

/** Properties every format records about a package: where it was found and which layer brought it. */
export function packageProperties(pkg: Package): [string, string][] {
  const properties: [string, string][] = [
    ['shipshape:analyzer', pkg.analyzer],
    ['shipshape:path', pkg.path],
    ['shipshape:layer:index', String(pkg.layer.index)],
    ['shipshape:layer:digest', pkg.layer.digest],
    ['shipshape:layer:diffID', pkg.layer.diffId],
  ];
  if (pkg.layer.createdBy) properties.push(['shipshape:layer:createdBy', pkg.layer.createdBy]);
  if (pkg.location) properties.push(['shipshape:location', pkg.location]);
  if (pkg.source) {
    properties.push(['shipshape:source:name', pkg.source.name]);
    if (pkg.source.version) properties.push(['shipshape:source:version', pkg.source.version]);
  }
  if (pkg.arch) properties.push(['shipshape:arch', pkg.arch]);
  if (pkg.modularityLabel) properties.push(['shipshape:rpm:modularityLabel', pkg.modularityLabel]);
  for (const [key, value] of Object.entries(pkg.properties ?? {}).sort()) properties.push([`shipshape:${pkg.type}:${key}`, value]);
  return properties;
}

/** The version an SBOM shows: rpm's epoch:version-release, the found version otherwise. */
export function displayVersion(pkg: Package): string {
  if (pkg.type !== 'rpm') return pkg.version;
  const evr = pkg.release ? `${pkg.version}-${pkg.release}` : pkg.version;
  return pkg.epoch ? `${pkg.epoch}:${evr}` : evr;
}

/** A purl for the image itself (`pkg:oci/name@sha256:...`), per the purl spec's oci type. */
export function imagePurl(image: ResolvedImage): string {
  const reference = image.reference ?? image.name;
  const repository = reference.replace(/@.*$/, '').replace(/:[^:/]*$/, '');
  const name = repository.slice(repository.lastIndexOf('/') + 1).toLowerCase();
  const qualifiers = repository.includes('/') ? `?repository_url=${encodeURIComponent(repository)}` : '';
  return `pkg:oci/${encodeURIComponent(name)}@${encodeURIComponent(imageDigest(image))}${qualifiers}`;
}

/** Whether a license string is an SPDX license id or expression (`MIT`, `GPL-2.0-only OR MIT`). */
export function isSpdxExpression(text: string): boolean {
  try {
    parseSpdxExpression(text);
    return true;
  } catch {
    return false;
  }
}
