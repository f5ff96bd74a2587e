import { sameRegistry } from '../../../image/registry-hosts.js';
import type { ProposedChange } from '../model.js';
import { nodeId, onMap } from '../support/ids.js';
import { realImages } from '../support/images.js';
import { shellCommand } from '../support/quote.js';
import type { Check, PostureControl } from './control.js';
import { change, check, outcomeOf } from './control.js';

/** SS-CTL-D05: no image older than maxImageAgeDays, none on an end-of-life OS, stays in the registries. */
export const staleImagesPruned: PostureControl = {
  meta: {
    id: 'SS-CTL-D05',
    phase: 'distribute',
    title: 'Stale and end-of-life images are pruned',
    objective: 'Registries hold no image older than the policy allows and none built on an operating system past its end of life.',
    evaluation:
      'Per stored image: built within maxImageAgeDays on a supported OS is met; older, or on an end-of-life OS, is a gap (rebuild it when a workload runs it, else delete it).',
    references: [
      { framework: 'NIST SP 800-190', id: '4.2.2', title: 'Stale images in registries' },
      { framework: 'CIS Docker Benchmark', id: '4.4', title: 'Ensure images are scanned and rebuilt to include security patches' },
    ],
    weight: 1,
  },
  evaluate(context) {
    const maxAge = context.policy.maxImageAgeDays;
    const checks: Check[] = [];
    const changes: ProposedChange[] = [];
    const running = context.evidence.run?.images ?? [];
    for (const report of context.evidence.registries) {
      for (const repository of report.repositories) {
        for (const image of realImages(repository)) {
          const label = `${report.registry}/${repository.name}${image.tags.length > 0 ? `:${image.tags.join(', ')}` : ` (untagged)`}`;
          const ref = `${report.registry}/${repository.name}@${image.digest}`;
          const nodes = onMap(context.map, [nodeId.image(report.registry, repository.name)]);
          const problems: string[] = [];
          let known = false;
          for (const platform of image.platforms) {
            if (platform.ageDays !== undefined) {
              known = true;
              if (platform.ageDays > maxAge) problems.push(`${platform.platform} built ${platform.ageDays} days ago (policy: ${maxAge})`);
            }
            if (platform.os?.endOfLife !== undefined) {
              known = true;
              if (platform.os.endOfLife)
                problems.push(
                  `${platform.platform} runs ${platform.os.name} ${platform.os.version ?? ''}, end of life since ${platform.os.eolDate ?? 'an unknown date'}`.replace(
                    /\s+,/,
                    ',',
                  ),
                );
            }
          }
          if (!known) continue;
          if (problems.length === 0) {
            checks.push(check('met', `${label}: recent, on a supported OS`, ref, nodes));
            continue;
          }
          checks.push(check('gap', `${label}: ${problems.join('; ')}`, ref, nodes));
          const inUse = running.filter(
            (w) =>
              w.registry !== undefined &&
              sameRegistry(w.registry, report.registry) &&
              w.repository === repository.name &&
              (w.digest === image.digest || (w.tag !== undefined && image.tags.includes(w.tag))),
          );
          changes.push(
            inUse.length > 0
              ? change(
                  `${label} is still run by ${inUse.map((w) => `${w.namespace ?? 'default'}/${w.kind}/${w.workload ?? '?'}`).join(', ')}: rebuild it on a current, supported base and redeploy`,
                  { file: undefined, line: undefined, snippet: undefined, nodes },
                )
              : change(`delete ${label}: nothing that was read runs it`, {
                  file: undefined,
                  line: undefined,
                  snippet: shellCommand(['skopeo', 'delete', `docker://${ref}`]),
                  nodes,
                }),
          );
        }
      }
    }
    return outcomeOf(
      checks,
      changes,
      { subject: 'stored images', met: 'are recent and on supported OSes', notMet: 'are stale or on an end-of-life OS' },
      context.evidence.registries.length === 0 ? 'no registry was scanned' : 'the registry scans recorded no image ages or OS releases',
    );
  },
};
