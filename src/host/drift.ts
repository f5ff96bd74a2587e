import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Diagnostics } from '../core/diagnostics.js';
import { messageOf } from '../core/errors.js';
import type { Limits } from '../core/limits.js';
import { FileView } from '../image/filesystem.js';
import { scanLayerDirectory, scanTreeChanges } from '../image/layer/directory.js';
import type { FileEntry, LayerScan } from '../image/layer/entry.js';
import type { LayerFileVisitor } from '../image/layer/visitor.js';
import type { ImageLayer, ImageModel } from '../image/read-image.js';
import { ELF_MAGIC } from '../inventory/analyzers/elf/elf.js';
import { analyzers } from '../inventory/analyzers/registry.js';
import { buildInventory } from '../inventory/build.js';
import type { Package } from '../inventory/inventory.js';
import type { RuleFinding } from '../rules/rule.js';
import { secretFindings, secretVisitor } from '../secrets/index.js';
import type { ContainerLayers } from './model.js';
import type { HostRoot } from './root.js';

/** What a container's writable layer changed, relative to its image. Paths are as the container sees them. */
export interface ContainerDrift {
  /**
   * Files, links and devices the container added and changed (a directory is not listed for what changed
   * in it), and the paths it deleted (a deleted directory once), sorted; at most `maxListed` each.
   */
  added: string[];
  modified: string[];
  deleted: string[];
  /** Set when a list was cut at `maxListed`: how many paths each held. */
  counts?: { added: number; modified: number; deleted: number } | undefined;
  /** Executables and shared objects the container added or replaced. */
  executables: { path: string; size: number; change: 'added' | 'modified' }[];
  /** Packages whose database entries the writable layer changed. */
  packages: { installed: PackageChange[]; removed: PackageChange[] };
  /** Secrets written into the writable layer (masked). */
  secrets: RuleFinding[];
  /** Files under /etc added, changed or deleted. */
  etc: { path: string; change: 'added' | 'modified' | 'deleted' }[];
  /** Bytes of file content in the writable layer. */
  bytes: number;
  /** What could not be read (a file unreadable, a package database unparsable): the drift is partial. */
  warnings: string[];
}

interface PackageChange {
  type: string;
  name: string;
  version: string;
  /** The package database that lists it (`/var/lib/dpkg/status`). */
  path: string;
}

/** Most paths listed per kind of change: the counts say how many there were. */
const maxListed = 10_000;
/** Most executables checked for their ELF header per container. */
const maxExecutablesChecked = 50_000;

/** Files the engine itself writes into every container: not the container's drift. */
const engineFiles = new Set(['/etc/hosts', '/etc/hostname', '/etc/resolv.conf', '/run/.containerenv', '/.dockerenv', '/etc/mtab']);

export interface DriftOptions {
  limits: Limits;
  signal?: AbortSignal | undefined;
  /** Image layer scans shared by the containers of one host: an image's layers are read once however many containers run it. */
  imageLayers: Map<string, Promise<LayerScan>>;
  /** The packages of each image (by its layers' directories), shared the same way: built once per image, not per container. */
  imagePackages?: Map<string, Package[]> | undefined;
  secretVisitor?: LayerFileVisitor | undefined;
}

/**
 * Reads a container's writable layer with the image layer machinery — the same entries, whiteouts,
 * analysers and secret scanner as an image layer — over its image's layers, and says what it changed:
 * paths, executables, packages (the package databases as the image has them and as the container
 * does), secrets and /etc.
 */
export async function readDrift(root: HostRoot, layers: ContainerLayers, options: DriftOptions): Promise<ContainerDrift> {
  const dirs = await onDisk(root, layers);
  const visitors = [...analyzers, options.secretVisitor ?? secretVisitor()];
  const what = 'the writable layer';
  // a complete (vfs) tree has no whiteouts: a 0/0 device in it is a device
  const lowerScans = await Promise.all(dirs.lower.map((dir, index) => imageLayer(dir, index, dirs.kind === 'overlay', options)));
  const writable =
    dirs.kind === 'full'
      ? await scanTreeChanges(dirs.container, dirs.lower[0] as string, { what, limits: options.limits, visitors, signal: options.signal })
      : await scanLayerDirectory(dirs.upper, { what, limits: options.limits, visitors, signal: options.signal });
  const imageKey = dirs.lower.join('\0');
  const imagePackages = options.imagePackages?.get(imageKey) ?? buildInventory(modelOf(lowerScans)).packages;
  options.imagePackages?.set(imageKey, imagePackages);
  const container = modelOf([...lowerScans, writable]);
  const changes = container.layers.at(-1)?.changes ?? { added: [], modified: [], deleted: [], opaqueDirs: [] };
  const keep = (paths: string[]): string[] => paths.filter((path) => !engineFiles.has(path)).sort();
  const [added, modified, deleted] = [keep(changes.added), keep(changes.modified), keep(changes.deleted)];
  const warnings = [...writable.warnings];
  const upper = dirs.kind === 'full' ? dirs.container : dirs.upper;
  return {
    added: added.slice(0, maxListed),
    modified: modified.slice(0, maxListed),
    deleted: deleted.slice(0, maxListed),
    counts: [added, modified, deleted].some((list) => list.length > maxListed)
      ? { added: added.length, modified: modified.length, deleted: deleted.length }
      : undefined,
    executables: await executablesOf(upper, writable, new Set(added), new Set(modified), warnings),
    packages: packageChanges(imagePackages, buildInventory(container).packages),
    secrets: secretFindings(container).filter((finding) => finding.location.layer?.index === lowerScans.length),
    etc: [
      ...added.map((path) => ({ path, change: 'added' as const })),
      ...modified.map((path) => ({ path, change: 'modified' as const })),
      ...deleted.map((path) => ({ path, change: 'deleted' as const })),
    ]
      .filter(({ path }) => path.startsWith('/etc/'))
      .sort((a, b) => a.path.localeCompare(b.path))
      .slice(0, maxListed),
    bytes: writable.uncompressedSize,
    warnings,
  };
}

/** The layers' directories on this machine: the image's bottom to top, and the container's. */
async function onDisk(
  root: HostRoot,
  layers: ContainerLayers,
): Promise<{ kind: 'overlay'; lower: string[]; upper: string } | { kind: 'full'; lower: string[]; container: string }> {
  const resolve = async (hostPath: string): Promise<string> => {
    const path = await root.resolve(hostPath);
    if (path === undefined) throw new Error(`${hostPath} does not exist`);
    return path;
  };
  if (layers.kind === 'full') return { kind: 'full', lower: [await resolve(layers.image)], container: await resolve(layers.container) };
  return { kind: 'overlay', lower: await Promise.all(layers.lower.map(resolve)), upper: await resolve(layers.upper) };
}

/** An image layer's scan, read once per host (the package analysers only: secrets in images are the image scan's work). */
function imageLayer(dir: string, index: number, overlayWhiteouts: boolean, options: DriftOptions): Promise<LayerScan> {
  const known = options.imageLayers.get(dir);
  if (known) return known;
  const scan = scanLayerDirectory(dir, {
    what: `image layer ${index} (${dir})`,
    limits: options.limits,
    visitors: analyzers,
    signal: options.signal,
    overlayWhiteouts,
  });
  options.imageLayers.set(dir, scan);
  scan.catch(() => options.imageLayers.delete(dir));
  return scan;
}

/** The layers as an image model, so that the inventory and secret assembly read them as they read an image. */
function modelOf(scans: readonly LayerScan[]): ImageModel {
  const { view, changes } = FileView.build(scans);
  const layers: ImageLayer[] = scans.map((scan, index) => ({
    blob: { index, digest: '', size: scan.uncompressedSize, mediaType: 'application/vnd.oci.image.layer.v1.tar', diffId: scan.diffId, contentAddressed: false },
    history: undefined,
    scan,
    changes: changes[index] as ImageLayer['changes'],
    fromCache: false,
  }));
  return {
    image: {
      source: 'host-storage',
      name: 'container',
      reference: undefined,
      manifestDigest: undefined,
      indexDigest: undefined,
      manifestMediaType: undefined,
      manifest: undefined,
      configDigest: '',
      config: { architecture: '', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } },
      layers: [],
    },
    layers,
    view,
    diagnostics: new Diagnostics().items,
  };
}

function packageChanges(before: readonly Package[], after: readonly Package[]): ContainerDrift['packages'] {
  const key = (pkg: Package): string => `${pkg.type}\0${pkg.name}\0${pkg.version}\0${pkg.path}`;
  const beforeKeys = new Set(before.map(key));
  const afterKeys = new Set(after.map(key));
  const plain = (pkg: Package): PackageChange => ({ type: pkg.type, name: pkg.name, version: pkg.version, path: pkg.path });
  return {
    installed: after.filter((pkg) => !beforeKeys.has(key(pkg))).map(plain),
    removed: before.filter((pkg) => !afterKeys.has(key(pkg))).map(plain),
  };
}

/** Files the writable layer added or changed that can run: an execute bit, an ELF header, or a shared object's name. */
async function executablesOf(
  upper: string,
  writable: LayerScan,
  added: Set<string>,
  modified: Set<string>,
  warnings: string[],
): Promise<ContainerDrift['executables']> {
  const found: ContainerDrift['executables'] = [];
  let checked = 0;
  for (const entry of writable.entries) {
    const change = added.has(entry.path) ? 'added' : modified.has(entry.path) ? 'modified' : undefined;
    if (change === undefined || entry.type !== 'file') continue;
    if (isExecutableByName(entry) || (++checked <= maxExecutablesChecked && (await startsWithElf(join(upper, entry.path), entry.path, warnings)))) {
      found.push({ path: entry.path, size: entry.size, change });
    }
  }
  if (checked > maxExecutablesChecked) warnings.push(`more than ${maxExecutablesChecked} files changed: only the first ones were checked for an ELF header`);
  return found.sort((a, b) => a.path.localeCompare(b.path)).slice(0, maxListed);
}

function isExecutableByName(entry: FileEntry): boolean {
  return (entry.mode & 0o111) !== 0 || /\.so(\.\d+)*$/.test(entry.path);
}

async function startsWithElf(path: string, shownAs: string, warnings: string[]): Promise<boolean> {
  try {
    const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    try {
      const head = Buffer.alloc(ELF_MAGIC.length);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      return bytesRead === head.length && head.equals(ELF_MAGIC);
    } finally {
      await handle.close();
    }
  } catch (error) {
    warnings.push(`${shownAs}: could not be read (${messageOf(error)})`);
    return false;
  }
}
