import type { SeverityLevel } from '../../../vuln/severity.js';
import type { ProposedChange } from '../model.js';
import { nodeId, onMap } from '../support/ids.js';
import { realImages } from '../support/images.js';
import type { Check, PostureControl } from './control.js';
import { change, check, outcomeOf } from './control.js';

/** SS-CTL-D06: no stored image has vulnerabilities of the severities the policy fails on. */
export const vulnerabilitiesWithinPolicy: PostureControl = {
  meta: {
    id: 'SS-CTL-D06',
    phase: 'distribute',
    title: 'Stored images are within the vulnerability policy',
    objective: 'No tagged image has vulnerabilities of the severities the policy fails on (default critical and high).',
    evaluation: 'Per tagged image scanned for vulnerabilities: none of the failOn severities is met, any is a gap; images not scanned are left out.',
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
          const counts = new Map<SeverityLevel, number>();
          for (const platform of scanned) {
            // with ignoreUnfixed only the vulnerabilities that have a fix count (when the scan says which)
            const found = context.policy.ignoreUnfixed ? (platform.fixable ?? platform.vulnerabilities) : platform.vulnerabilities;
            unfixedNote ||= context.policy.ignoreUnfixed && platform.fixable === undefined;
            for (const level of failOn) counts.set(level, Math.max(counts.get(level) ?? 0, found?.[level] ?? 0));
          }
          const over = [...counts].filter(([, n]) => n > 0);
          if (over.length === 0) {
            checks.push(check('met', `${label}: no ${failOn.join('/').toLowerCase()} vulnerabilities`, ref, nodes));
            continue;
          }
          checks.push(check('gap', `${label}: ${over.map(([level, n]) => `${n} ${level.toLowerCase()}`).join(', ')}`, ref, nodes));
          changes.push(change(`rebuild ${label} on an updated base (and update its packages), then scan it again`, { file: undefined, line: undefined, snippet: `trivy image --severity ${failOn.join(',')}${context.policy.ignoreUnfixed ? ' --ignore-unfixed' : ''} ${ref}`, nodes }));
        }
      }
    }
    const outcome = outcomeOf(checks, changes, { subject: 'scanned images', met: 'are within the vulnerability policy', notMet: `have ${failOn.join('/').toLowerCase()} vulnerabilities` }, context.evidence.registries.length === 0 ? 'no registry was scanned' : 'no stored image was scanned for vulnerabilities');
    // reports from before `fixable` existed give counts per severity only: ignoreUnfixed cannot thin them
    if (unfixedNote) outcome.summary += ' (counts include vulnerabilities without a fix: the registry scan does not say which have one)';
    return outcome;
  },
};
