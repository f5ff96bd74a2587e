import type { RegistryScanReport } from './model.js';

/**
 * A registry's last full scan with some repositories read again (a push event): those
 * repositories, their findings and what could not be read of them come from `fresh`; every other
 * repository stays as `base` saw it, and so do registry-wide findings (access, TLS). The result
 * keeps `base`'s time for what it did not read again: `scannedAt` is the older of the two.
 */
export function mergeRepositoryScan(base: RegistryScanReport, fresh: RegistryScanReport, repositories: readonly string[]): RegistryScanReport {
  const reread = new Set(repositories);
  const inReread = (where: string | undefined): boolean => where !== undefined && reread.has(where.replace(/[:@].*$/, ''));
  const kept = base.repositories.filter((r) => !reread.has(r.name));
  const merged = [...kept, ...fresh.repositories.filter((r) => reread.has(r.name))].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const unread = [...(base.unread ?? []).filter((u) => !inReread(u.where)), ...(fresh.unread ?? []).filter((u) => inReread(u.where))];
  return {
    ...base,
    scannedAt: base.scannedAt < fresh.scannedAt ? base.scannedAt : fresh.scannedAt,
    repositories: merged,
    findings: [...base.findings.filter((f) => !inReread(f.target.repository)), ...fresh.findings.filter((f) => inReread(f.target.repository))],
    diagnostics: [...base.diagnostics, ...fresh.diagnostics],
    ...(unread.length > 0 ? { unread } : { unread: undefined }),
    stats: {
      ...base.stats,
      repositories: merged.length,
      tags: merged.reduce((n, r) => n + r.tags.length, 0),
      images: merged.reduce((n, r) => n + r.images.length, 0),
    },
  };
}
