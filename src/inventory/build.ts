import { Diagnostics } from '../core/diagnostics.js';
import { SymlinkLoopError } from '../core/errors.js';
import type { ImageModel } from '../image/read-image.js';
import type { LayerAnalysis } from '../image/layer/visitor.js';
import { osFiles } from './analyzers/os/index.js';
import type { Inventory, LayerRef, Package, SuppressedPackage } from './inventory.js';
import type { AnalyzerOutput, FoundPackage, PackageType } from './model.js';
import { detectOs, type OsInfo } from './os.js';
import { purlOf } from './purl.js';

const osPackageTypes: ReadonlySet<PackageType> = new Set(['deb', 'apk', 'rpm']);

/**
 * Turns what the analysers found in each layer into the image's inventory:
 * - only files the final image still shows count (a package database a later layer replaced or
 *   deleted says nothing about the image);
 * - each package is attributed to the layer that introduced it: the first layer of the unbroken
 *   run of layers, ending with the final one, whose version of the file lists it — not merely the
 *   last layer that rewrote the database;
 * - language packages whose files an OS package installed are set aside, not counted twice.
 */
export function buildInventory(model: ImageModel): Inventory {
  const diagnostics = new Diagnostics();
  const history = new FileHistory(model);
  const current = history.currentAnalyses();

  for (const { analysis, layer } of current) {
    const where = `layer ${layer}: ${analysis.path}`;
    if (analysis.error) diagnostics.warn(`inventory.${analysis.analyzer}`, `${analysis.analyzer}: ${analysis.error}`, where);
    for (const note of outputOf(analysis).notes ?? []) diagnostics.warn(`inventory.${analysis.analyzer}`, `${analysis.analyzer}: ${note}`, where);
  }

  const os = detectImageOs(model, current, diagnostics);
  const owners = new Map<string, string>();
  for (const { analysis } of current) {
    for (const owned of outputOf(analysis).ownedFiles ?? []) for (const file of owned.files) owners.set(file, owned.owner);
  }

  const packages: Package[] = [];
  const suppressed: SuppressedPackage[] = [];
  const licensesOf = debianLicenses(model, current);
  for (const { analysis, layer } of current) {
    for (const found of outputOf(analysis).packages ?? []) {
      const introduced = history.introducedIn(analysis, found, layer);
      const licenses = found.licenses ?? (found.type === 'deb' ? licensesOf(found.name) : undefined);
      const pkg: Package = {
        ...found,
        ...(licenses?.length ? { licenses } : {}),
        purl: purlOf(found, os),
        analyzer: analysis.analyzer,
        path: analysis.path,
        layer: layerRef(model, introduced),
      };
      const owner = osPackageTypes.has(found.type) ? undefined : ownerOf(pkg, owners);
      if (owner) suppressed.push({ package: pkg, ownedBy: owner });
      else packages.push(pkg);
    }
  }
  packages.sort(comparePackages);
  return { os, packages, suppressed, diagnostics: diagnostics.items };
}

function outputOf(analysis: LayerAnalysis): AnalyzerOutput {
  return (analysis.output ?? {}) as AnalyzerOutput;
}

/** Files (or folders) of a language package that an OS package manager installed. */
function ownerOf(pkg: Package, owners: ReadonlyMap<string, string>): string | undefined {
  const folder = pkg.path.slice(0, pkg.path.lastIndexOf('/'));
  return owners.get(pkg.path) ?? owners.get(folder) ?? (pkg.location ? owners.get(pkg.location) : undefined);
}

/** Licenses of a Debian package from its `/usr/share/doc/<name>/copyright` (often a symlinked folder). */
function debianLicenses(model: ImageModel, current: readonly CurrentAnalysis[]): (name: string) => string[] | undefined {
  const declared = new Map<string, string[]>();
  for (const { analysis } of current) {
    const licenses = outputOf(analysis).declaredLicenses;
    if (analysis.analyzer === 'dpkg' && licenses?.length) declared.set(analysis.path, licenses);
  }
  return (name) => {
    try {
      const resolved = model.view.resolve(`/usr/share/doc/${name}/copyright`);
      return resolved ? declared.get(resolved.path) : undefined;
    } catch (error) {
      if (error instanceof SymlinkLoopError) return undefined; // a looping doc folder declares nothing
      throw error;
    }
  };
}

function detectImageOs(model: ImageModel, current: readonly CurrentAnalysis[], diagnostics: Diagnostics): OsInfo | undefined {
  const facts = new Map<string, Record<string, string>>();
  const osAnalyses = new Map(current.filter((c) => c.analysis.analyzer === 'os').map((c) => [c.analysis.path, outputOf(c.analysis).osFacts]));
  for (const file of osFiles) {
    let resolved: string | undefined;
    try {
      resolved = model.view.resolve(file)?.path;
    } catch (error) {
      if (!(error instanceof SymlinkLoopError)) throw error;
      diagnostics.warn('inventory.os', `${file} is a symlink loop; not used to identify the OS`, file);
    }
    const found = resolved ? osAnalyses.get(resolved) : undefined;
    if (found) facts.set(file, found);
  }
  const hasStatusD = current.some((c) => c.analysis.analyzer === 'dpkg' && c.analysis.path.startsWith('/var/lib/dpkg/status.d/'));
  const os = detectOs(facts, hasStatusD);
  if (!os) diagnostics.add('info', 'inventory.os', 'no OS identification file (os-release, release files, dpkg status.d): OS unknown');
  return os;
}

function layerRef(model: ImageModel, index: number): LayerRef {
  const layer = model.layers[index];
  return { index, digest: layer?.blob.digest ?? '', diffId: layer?.blob.diffId ?? '', createdBy: layer?.history?.created_by };
}

const typeOrder: PackageType[] = ['deb', 'apk', 'rpm', 'npm', 'pypi', 'gem', 'composer', 'golang', 'cargo', 'maven', 'nuget'];

/** Stable order: OS packages first, then by type, name, version and place. */
function comparePackages(a: Package, b: Package): number {
  return (
    typeOrder.indexOf(a.type) - typeOrder.indexOf(b.type) ||
    compareText(a.name, b.name) ||
    compareText(a.version, b.version) ||
    compareText(a.path, b.path) ||
    compareText(a.location ?? '', b.location ?? '')
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface CurrentAnalysis {
  analysis: LayerAnalysis;
  layer: number;
}

/** When each layer wrote or deleted each analysed file, to tell which analyses are current and when packages arrived. */
class FileHistory {
  private readonly written: Set<string>[];
  /** Per layer: the last analysis of each (analyser, path). */
  private readonly analyses: Map<string, LayerAnalysis>[];
  private readonly listedKeys = new WeakMap<LayerAnalysis, Set<string>>();

  constructor(private readonly model: ImageModel) {
    this.written = model.layers.map((layer) => new Set(layer.scan.entries.map((entry) => entry.path)));
    this.analyses = model.layers.map((layer) => new Map(layer.scan.analyses.map((a) => [`${a.analyzer}\0${a.path}`, a])));
  }

  /** Analyses of files the final image shows, from the layer that last wrote each. */
  currentAnalyses(): CurrentAnalysis[] {
    const result: CurrentAnalysis[] = [];
    this.analyses.forEach((latest, index) => {
      for (const analysis of latest.values()) {
        if (this.model.view.get(analysis.path)?.layer === index) result.push({ analysis, layer: index });
      }
    });
    return result;
  }

  /**
   * The first layer of the run, ending at `last`, in which every version of the file lists the
   * package. A layer that rewrites the file without it, or deletes the file, breaks the run.
   */
  introducedIn(analysis: LayerAnalysis, pkg: FoundPackage, last: number): number {
    const key = packageKey(pkg);
    let since: number | undefined;
    for (let index = 0; index <= last; index++) {
      if (this.written[index]?.has(analysis.path)) {
        const version = this.analyses[index]?.get(`${analysis.analyzer}\0${analysis.path}`);
        const listed = version !== undefined && this.keysOf(version).has(key);
        since = listed ? (since ?? index) : undefined;
      } else if (this.deletes(index, analysis.path)) {
        since = undefined;
      }
    }
    return since ?? last;
  }

  private keysOf(analysis: LayerAnalysis): Set<string> {
    let keys = this.listedKeys.get(analysis);
    if (!keys) {
      keys = new Set((outputOf(analysis).packages ?? []).map(packageKey));
      this.listedKeys.set(analysis, keys);
    }
    return keys;
  }

  private deletes(index: number, path: string): boolean {
    const changes = this.model.layers[index]?.changes;
    if (!changes) return false;
    return (
      changes.deleted.some((deleted) => path === deleted || path.startsWith(`${deleted}/`)) || changes.opaqueDirs.some((dir) => path.startsWith(`${dir}/`))
    );
  }
}

function packageKey(pkg: FoundPackage): string {
  return [pkg.type, pkg.name, pkg.version, pkg.release ?? '', pkg.epoch ?? '', pkg.arch ?? '', pkg.location ?? ''].join('\0');
}
