import type { PlatformImage } from '../../../distribute/model.js';
import type { SeverityLevel } from '../../../core/severity.js';
import type { ProposedChange } from '../model.js';
import { nodeId, onMap } from '../support/ids.js';
import { realImages } from '../support/images.js';
import { shellQuote } from '../support/quote.js';
import type { Check, PostureControl } from './control.js';
import { change, check, outcomeOf } from './control.js';

/** SS-CTL-D06: no stored image has vulnerabilities of the severities the policy fails on. */
export const vulnerabilitiesWithinPolicy: PostureControl = {
  meta: {
    id: 'SS-CTL-D06',
    phase: 'distribute',
    title: 'Stored images are within the vulnerability policy',
    objective: 'No tagged image has vulnerabilities of the severities the policy fails on (default critical and high).',
    evaluation:
      'Per tagged image scanned for vulnerabilities: none of the failOn severities is met, any is a gap; an image whose packages the advisory database did not all cover is not known (never met); images not scanned are left out.',
    references: [
      { framework: 'NIST SP 800-190', id: '4.1.1', title: 'Image vulnerabilities' },
      { framework: 'NIST SP 800-190', id: '4.2.2', title: 'Stale images in registries' },
    ],
    weight: 2,
  },
  evaluate(context) {
    const failOn = context.policy.failOn;
    const checks: Check[] = [];
    const changes: ProposedChange[] = [];
    let unfixedNote = false;
    for (const report of context.evidence.registries) {
      for (const repository of report.repositories) {
        for (const image of realImages(repository).filter((i) => i.tags.length > 0)) {
          const scanned = image.platforms.filter((p) => p.vulnerabilities !== undefined);
          if (scanned.length === 0) continue;
          const label = `${report.registry}/${repository.name}:${image.tags.join(', ')}`;
          const ref = `${report.registry}/${repository.name}@${image.digest}`;
          const nodes = onMap(context.map, [nodeId.image(report.registry, repository.name)]);
          const notChecked = uncheckedOf(scanned);
          if (notChecked) {
            // no finding in packages that were not checked means nothing: the image is not known to be within the policy
            checks.push(check('unknown', `${label}: ${notChecked.text}`, ref, nodes));
            for (const fix of notChecked.fixes)
              changes.push(change(`fetch the advisories the scan lacked, then scan ${report.registry} again`, { snippet: fix, nodes }));
          }
          const counts = new Map<SeverityLevel, number>();
          for (const platform of scanned) {
            // with ignoreUnfixed only the vulnerabilities that have a fix count (when the scan says which)
            const found = context.policy.ignoreUnfixed ? (platform.fixable ?? platform.vulnerabilities) : platform.vulnerabilities;
            unfixedNote ||= context.policy.ignoreUnfixed && platform.fixable === undefined;
            for (const level of failOn) counts.set(level, Math.max(counts.get(level) ?? 0, found?.[level] ?? 0));
          }
          const over = [...counts].filter(([, n]) => n > 0);
          if (notChecked && over.length === 0) continue;
          if (over.length === 0) {
            checks.push(check('met', `${label}: no ${failOn.join('/').toLowerCase()} vulnerabilities`, ref, nodes));
            continue;
          }
          checks.push(check('gap', `${label}: ${over.map(([level, n]) => `${n} ${level.toLowerCase()}`).join(', ')}`, ref, nodes));
          changes.push(
            change(`rebuild ${label} on an updated base (and update its packages), then scan it again`, {
              file: undefined,
              line: undefined,
              snippet: `trivy image --severity ${failOn.join(',')}${context.policy.ignoreUnfixed ? ' --ignore-unfixed' : ''} ${shellQuote(ref)}`,
              nodes,
            }),
          );
        }
      }
    }
    const outcome = outcomeOf(
      checks,
      changes,
      { subject: 'scanned images', met: 'are within the vulnerability policy', notMet: `have ${failOn.join('/').toLowerCase()} vulnerabilities` },
      context.evidence.registries.length === 0 ? 'no registry was scanned' : 'no stored image was scanned for vulnerabilities',
    );
    // reports from before `fixable` existed give counts per severity only: ignoreUnfixed cannot thin them
    if (unfixedNote) outcome.summary += ' (counts include vulnerabilities without a fix: the registry scan does not say which have one)';
    outcome.changes = dedupeChanges(outcome.changes);
    return outcome;
  },
};

/** Why some packages of an image were not checked, and the commands that fetch what was missing; undefined when all were. */
function uncheckedOf(platforms: readonly PlatformImage[]): { text: string; fixes: string[] } | undefined {
  if (platforms.some((p) => p.coverage === undefined)) {
    return {
      text: 'the registry scan does not record which packages its advisory database covered (a report from an older Shipshape): scan the registry again',
      fixes: [],
    };
  }
  const gaps = platforms.flatMap((p) => p.coverage?.ecosystems.filter((e) => !e.covered) ?? []);
  if (gaps.length === 0) return undefined;
  const text = [...new Set(gaps.map((e) => `${e.packages} packages of ${e.ecosystem} not checked (${e.reason})`))].join('; ');
  return { text, fixes: [...new Set(gaps.flatMap((e) => (e.fix ? [e.fix] : [])))] };
}

function dedupeChanges(changes: readonly ProposedChange[]): ProposedChange[] {
  const seen = new Map<string, ProposedChange>();
  for (const c of changes) {
    const key = `${c.summary}\0${c.snippet ?? ''}`;
    const earlier = seen.get(key);
    if (earlier) earlier.nodes = [...new Set([...earlier.nodes, ...c.nodes])];
    else seen.set(key, { ...c, nodes: [...c.nodes] });
  }
  return [...seen.values()];
}
