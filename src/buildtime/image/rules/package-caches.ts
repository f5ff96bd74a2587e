import { formatBytes } from '../../../core/format.js';
import { plural } from '../../../core/text.js';
import type { FileEntry } from '../../../image/layer/entry.js';
import type { ImageFinding, ImageRule } from '../rule.js';
import { describeLayer, finding, isBaseLayer, isUnder, layerLocation } from '../support.js';

const meta: ImageRule['meta'] = {
  id: 'SS-IMG-006',
  title: 'Package manager cache left in a layer',
  severity: 'LOW',
  rationale: 'Downloaded packages and package indexes are of no use at run time: they make every pull bigger and slower, and stale indexes ship in the image.',
  remediation:
    'Clean in the same RUN that installs: `rm -rf /var/lib/apt/lists/*` (apt), `apk add --no-cache`, `pip install --no-cache-dir`, `npm cache clean --force`, `dnf clean all` / `yum clean all`, or use a cache mount (`RUN --mount=type=cache`).',
  references: ['dockle DKL-DI-0005', 'dockle DKL-DI-0004', 'hadolint DL3009', 'hadolint DL3019', 'hadolint DL3042', 'hadolint DL3060'],
  dockle: 'DKL-DI-0005',
};

interface CacheKind {
  name: string;
  /** Directory reported as the finding's path. */
  dir: string;
  matches(path: string): boolean;
}

const caches: readonly CacheKind[] = [
  { name: 'apt downloaded packages', dir: '/var/cache/apt/archives', matches: (p) => /^\/var\/cache\/apt\/archives\/[^/]+\.deb$/.test(p) },
  { name: 'apt package cache', dir: '/var/cache/apt', matches: (p) => /^\/var\/cache\/apt\/[^/]+\.bin$/.test(p) },
  // `lock` and `partial/` are there even after a clean
  {
    name: 'apt package lists',
    dir: '/var/lib/apt/lists',
    matches: (p) => isUnder(p, '/var/lib/apt/lists') && p !== '/var/lib/apt/lists/lock' && !isUnder(p, '/var/lib/apt/lists/partial'),
  },
  { name: 'apk cache', dir: '/var/cache/apk', matches: (p) => isUnder(p, '/var/cache/apk') && p !== '/var/cache/apk' },
  { name: 'pip cache', dir: '/root/.cache/pip', matches: (p) => isUnder(p, '/root/.cache/pip') },
  { name: 'npm cache', dir: '/root/.npm/_cacache', matches: (p) => isUnder(p, '/root/.npm/_cacache') },
  { name: 'yum cache', dir: '/var/cache/yum', matches: (p) => isUnder(p, '/var/cache/yum') },
  { name: 'dnf cache', dir: '/var/cache/dnf', matches: (p) => isUnder(p, '/var/cache/dnf') },
  { name: 'dnf5/libdnf5 cache', dir: '/var/cache/libdnf5', matches: (p) => isUnder(p, '/var/cache/libdnf5') },
];

const isContent = (entry: FileEntry): boolean => entry.type === 'file' && entry.size > 0;

/**
 * SS-IMG-006: for each layer and cache, the non-empty regular files the layer wrote there, with
 * their count and total size. Counted where they were written: a later `rm` hides them from the
 * final image but their bytes still ship in the layer (the message says so).
 */
export const packageCaches: ImageRule = {
  meta,
  check(model, { baseLayers }) {
    const findings: ImageFinding[] = [];
    for (const [index, layer] of model.layers.entries()) {
      for (const cache of caches) {
        const files = layer.scan.entries.filter((entry) => isContent(entry) && cache.matches(entry.path));
        if (files.length === 0) continue;
        const bytes = files.reduce((sum, entry) => sum + entry.size, 0);
        const gone = files.filter((entry) => model.view.get(entry.path)?.entry !== entry).length;
        const deleted =
          gone === 0
            ? ''
            : gone === files.length
              ? '; a later layer deletes them, but the bytes still ship in this layer'
              : `; a later layer deletes ${gone} of them`;
        const inBase = isBaseLayer(index, baseLayers) ? ' of the base image' : '';
        const message = `${cache.name} in ${cache.dir}: ${plural(files.length, 'file')}, ${formatBytes(bytes)}, left by ${describeLayer(model, index)}${inBase}${deleted}`;
        findings.push(finding(meta, message, { layer: layerLocation(model, index), path: cache.dir }));
      }
    }
    return findings;
  },
};
