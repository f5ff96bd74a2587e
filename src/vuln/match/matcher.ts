import { createHash } from 'node:crypto';
import { Diagnostics } from '../../core/diagnostics.js';
import type { Inventory, Package } from '../../inventory/inventory.js';
import { ecosystemBase } from '../advisories/osv.js';
import type { AdvisoryCounts } from '../coverage.js';
import type { StoredAdvisory } from '../advisories/store.js';
import type { VulnerabilityFinding } from '../finding.js';
import { compareSeverity } from '../../core/severity.js';
import { severityOf } from '../severity.js';
import { schemeForEcosystem, schemeForRange } from '../versioning/registry.js';
import { compareVersions } from '../versioning/scheme.js';
import { evaluateAffected } from './osv-range.js';
import { lookupTarget } from './targets.js';

/** What matching needs of the advisory database: the advisories of a package, and how many an ecosystem has (its coverage). */
export interface AdvisoryLookup extends AdvisoryCounts {
  lookup(ecosystem: string, name: string): StoredAdvisory[];
}

export interface MatchResult {
  findings: VulnerabilityFinding[];
  diagnostics: Diagnostics;
}

/**
 * Matches every package of an inventory against the advisories of its ecosystem, with OSV's range
 * semantics and the ecosystem's own version scheme. Advisories that name each other (DSA ↔ CVE,
 * GHSA ↔ CVE) are one finding. A version that cannot be compared is a diagnostic, never a guess.
 */
export function matchInventory(inventory: Inventory, store: AdvisoryLookup): MatchResult {
  const diagnostics = new Diagnostics();
  const findings: VulnerabilityFinding[] = [];
  for (const pkg of inventory.packages) {
    const target = lookupTarget(pkg, inventory.os);
    if (!target) continue;
    const hits: { advisory: StoredAdvisory; ecosystem: string; range: string; fixed: string | undefined; how: 'range' | 'versions' }[] = [];
    const seen = new Set<string>();
    for (const ecosystem of target.ecosystems) {
      for (const advisory of store.lookup(ecosystem, target.name)) {
        if (seen.has(`${advisory.id}\0${JSON.stringify(advisory.affected.ranges ?? [])}`)) continue;
        seen.add(`${advisory.id}\0${JSON.stringify(advisory.affected.ranges ?? [])}`);
        const outcome = evaluateAffected(target.version, advisory.affected, (type) => schemeForRange(ecosystemBase(ecosystem), type));
        if (outcome.status === 'indeterminate') {
          diagnostics.warn(
            'match.indeterminate',
            `${advisory.id} vs ${pkg.name} ${target.version}: ${outcome.reason}`,
            `layer ${pkg.layer.index}: ${pkg.path}`,
          );
        } else if (outcome.status === 'affected') {
          hits.push({ advisory, ecosystem, range: outcome.range, fixed: outcome.fixed, how: outcome.how });
        }
      }
    }
    for (const group of groupByAlias(hits))
      findings.push(findingOf(pkg, target.name, target.version, group, highestVersion(ecosystemBase(target.ecosystems[0] ?? ''))));
  }
  findings.sort((a, b) => -compareSeverity(a.severity.level, b.severity.level) || a.package.name.localeCompare(b.package.name) || a.id.localeCompare(b.id));
  return { findings, diagnostics };
}

type Hit = { advisory: StoredAdvisory; ecosystem: string; range: string; fixed: string | undefined; how: 'range' | 'versions' };

/** Advisories whose ids or aliases overlap are one vulnerability (union-find over the ids). */
function groupByAlias(hits: readonly Hit[]): Hit[][] {
  const parent = hits.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i] as number)));
  const owner = new Map<string, number>();
  hits.forEach((hit, i) => {
    for (const id of [hit.advisory.id, ...hit.advisory.aliases]) {
      const other = owner.get(id);
      if (other === undefined) owner.set(id, i);
      else parent[find(i)] = find(other);
    }
  });
  const groups = new Map<number, Hit[]>();
  hits.forEach((hit, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), hit]));
  return [...groups.values()];
}

/** CVE ids first (what people search for), then GHSA, then the advisories' own ids, then other aliases. */
function idRank(id: string, own: ReadonlySet<string>): number {
  return id.startsWith('CVE-') ? 0 : id.startsWith('GHSA-') ? 1 : own.has(id) ? 2 : 3;
}

/** The higher of two versions in an ecosystem's scheme (the first when they cannot be compared). */
function highestVersion(base: string): (a: string, b: string) => string {
  const scheme = schemeForEcosystem(base);
  return (a, b) => (scheme && compareVersions(scheme, b, a).op === '>' ? b : a);
}

function findingOf(pkg: Package, lookupName: string, version: string, group: Hit[], higher: (a: string, b: string) => string): VulnerabilityFinding {
  const own = new Set(group.map((hit) => hit.advisory.id));
  const ids = [...new Set(group.flatMap((hit) => [hit.advisory.id, ...hit.advisory.aliases]))].sort(
    (a, b) => idRank(a, own) - idRank(b, own) || a.localeCompare(b),
  );
  const [id = '', ...aliases] = ids;
  const severities = group.map((hit) =>
    severityOf(
      [...hit.advisory.severity, ...(hit.advisory.affected.severity ?? [])],
      [hit.advisory.affected.database_specific?.severity, hit.advisory.affected.ecosystem_specific?.severity],
    ),
  );
  const severity = severities.reduce((best, s) => (compareSeverity(s.level, best.level) > 0 ? s : best));
  // every advisory of the group must be fixed: the version to upgrade to is the highest of their
  // fixes, and there is none when one of them has no fix
  const fixes = group.map((hit) => hit.fixed);
  const fixedVersion = fixes.some((fix) => fix === undefined) ? undefined : (fixes as string[]).reduce(higher);
  const first = group[0] as Hit;
  return {
    id,
    aliases,
    summary: group.map((hit) => hit.advisory.summary).find(Boolean),
    severity,
    package: pkg,
    ecosystem: first.ecosystem,
    lookupName,
    installedVersion: version,
    affectedRange: [...new Set(group.map((hit) => hit.range))].join('; '),
    fixedVersion,
    how: first.how,
    references: [...new Set(group.flatMap((hit) => hit.advisory.references.map((r) => r.url)))],
    fingerprint: createHash('sha256')
      .update([pkg.purl, pkg.path, pkg.location ?? '', id].join('\0'))
      .digest('hex')
      .slice(0, 32),
  };
}
