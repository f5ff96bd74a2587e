import { dockerfileRule } from '../../../buildtime/dockerfile/registry.js';
import type { ProposedChange } from '../model.js';
import { nodeId, onMap } from '../support/ids.js';
import { nonRootByRegistry } from '../support/images.js';
import type { Check, PostureControl } from './control.js';
import { at, change, check, outcomeOf, unknown } from './control.js';

/** SS-CTL-B08: no Dockerfile has a high or critical SS-DF finding. */
export const dockerfileRulesClean: PostureControl = {
  meta: {
    id: 'SS-CTL-B08',
    phase: 'build',
    title: 'Dockerfiles have no high or critical lint findings',
    objective:
      'Dockerfiles follow the build rules that matter for security (no piping remote scripts into a shell, no disabled verification, no root user, no secrets).',
    evaluation: 'Per Dockerfile: no HIGH/CRITICAL SS-DF finding is met, a HIGH one is partial, a CRITICAL one is a gap.',
    references: [
      { framework: 'NIST SP 800-190', id: '4.1.2', title: 'Image configuration defects' },
      { framework: 'CIS Docker Benchmark', id: '4.11', title: 'Ensure only verified packages are installed' },
    ],
    weight: 1,
  },
  evaluate(context) {
    const { dockerfiles } = context.evidence.build;
    if (dockerfiles.length === 0) return unknown('no Dockerfiles were read');
    const checks: Check[] = [];
    const changes: ProposedChange[] = [];
    for (const dockerfile of dockerfiles) {
      const nodes = onMap(context.map, [nodeId.dockerfile(dockerfile.file)]);
      // A user left to an unread base image is settled by the built image's config when a registry scan read it (as in B04).
      const settled =
        nonRootByRegistry(context.map, context.evidence.registries, dockerfile) === undefined
          ? []
          : dockerfile.findings.filter((f) => f.ruleId === 'SS-DF-003');
      const serious = dockerfile.findings.filter((f) => (f.severity === 'HIGH' || f.severity === 'CRITICAL') && !settled.includes(f));
      if (serious.length === 0) {
        const lower = `${dockerfile.findings.length - settled.length} lower${settled.length > 0 ? "; SS-DF-003 settled by the built image's config, read from the registry" : ''}`;
        checks.push(check('met', `${dockerfile.file}: no high or critical finding (${lower})`, dockerfile.file, nodes));
        continue;
      }
      const critical = serious.some((f) => f.severity === 'CRITICAL');
      const first = serious[0];
      const list = serious.map((f) => `${f.ruleId} ${f.title} (line ${f.location.startLine ?? '?'})`).join('; ');
      checks.push(
        check(
          critical ? 'gap' : 'partial',
          `${dockerfile.file}: ${list}`,
          at(dockerfile.file, first?.location.startLine),
          nodes,
          serious.map((f) => f.ruleId),
        ),
      );
      for (const finding of serious) {
        changes.push(
          change(
            `${finding.ruleId} at ${at(dockerfile.file, finding.location.startLine)}: ${finding.message}. ${dockerfileRule(finding.ruleId)?.meta.remediation ?? ''}`.trim(),
            { file: dockerfile.file, line: finding.location.startLine, snippet: undefined, nodes },
          ),
        );
      }
    }
    return outcomeOf(
      checks,
      changes,
      { subject: 'Dockerfiles', met: 'are free of high and critical findings', notMet: 'have high or critical findings' },
      'no Dockerfiles were read',
    );
  },
};
