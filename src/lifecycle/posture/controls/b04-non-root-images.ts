import { whereSet } from '../../../buildtime/dockerfile/image-config.js';
import type { RuleFinding } from '../../../rules/rule.js';
import type { DockerfileInfo } from '../../estate-model.js';
import type { ProposedChange } from '../model.js';
import { defaultUser, nonRootUserPlan } from '../support/dockerfile-edits.js';
import { nodeId, onMap } from '../support/ids.js';
import { nonRootByRegistry, realImages } from '../support/images.js';
import type { Check, ControlContext, PostureControl } from './control.js';
import { at, change, check, outcomeOf } from './control.js';

/** SS-CTL-B04: images run as an unprivileged user (Dockerfile USER, image config User). */
export const nonRootImages: PostureControl = {
  meta: {
    id: 'SS-CTL-B04',
    phase: 'build',
    title: 'Images run as a non-root user',
    objective: "Every image's final stage sets an unprivileged USER, so a compromised process is not root in the container.",
    evaluation:
      "Per Dockerfile, the user its final image runs as along the FROM chain (its own USER, else the one the estate Dockerfile building its parent image sets, cited by file:line): SS-DF-003 is a gap, unless the user is left to a base image that was not read and the registry scan read the built image's config as non-root. Stored images whose config user is empty, root or 0 are gaps; the others are met.",
    references: [
      { framework: 'CIS Docker Benchmark', id: '4.1', title: 'Ensure that a user for the container has been created' },
      { framework: 'NIST SP 800-190', id: '4.1.2', title: 'Image configuration defects' },
    ],
    weight: 1,
  },
  evaluate(context) {
    const checks: Check[] = [];
    const changes: ProposedChange[] = [];
    for (const dockerfile of context.evidence.build.dockerfiles) {
      // The user along the FROM chain: set in this file, or in the estate Dockerfile of a parent image.
      const user = dockerfile.config?.user;
      const setAt = user?.kind === 'set' ? user : undefined;
      const nodes = onMap(context.map, [nodeId.dockerfile(dockerfile.file), ...(setAt ? [nodeId.dockerfile(setAt.file)] : [])]);
      const finding = dockerfile.findings.find((f) => f.ruleId === 'SS-DF-003');
      if (!finding) {
        const text = setAt
          ? `${dockerfile.file}: runs as \`${setAt.value}\` (USER at ${whereSet(setAt)}${setAt.file === dockerfile.file ? '' : ', the Dockerfile of its parent image'})`
          : `${dockerfile.file}: the final stage sets a non-root USER`;
        checks.push(check('met', text, setAt ? whereSet(setAt) : dockerfile.file, nodes));
        continue;
      }
      const read = nonRootByRegistry(context.map, context.evidence.registries, dockerfile);
      if (read) {
        const places = read.map((r) => r.place);
        checks.push(
          check(
            'met',
            `${dockerfile.file} leaves the user to its base image, and the image it builds runs as a non-root user (config read from the registry: ${places.join(', ')})`,
            places[0],
            [
              ...nodes,
              ...onMap(
                context.map,
                read.map((r) => r.node),
              ),
            ],
          ),
        );
        continue;
      }
      const line = finding.location.startLine;
      checks.push(check('gap', `${dockerfile.file}: ${finding.message}`, at(dockerfile.file, line), nodes, [finding.ruleId, finding.fingerprint]));
      changes.push(userChange(context, dockerfile, finding, nodes));
    }
    for (const report of context.evidence.registries) {
      for (const repository of report.repositories) {
        for (const image of realImages(repository)) {
          for (const platform of image.platforms) {
            if (platform.runsAsRoot === undefined) continue;
            const place = `${report.registry}/${repository.name}@${platform.digest}`;
            const nodes = onMap(context.map, [nodeId.image(report.registry, repository.name)]);
            checks.push(
              check(
                platform.runsAsRoot ? 'gap' : 'met',
                `${place} (${platform.platform}) ${platform.runsAsRoot ? 'runs as root (config User empty, root or 0)' : 'runs as a non-root user'}`,
                place,
                nodes,
              ),
            );
            if (platform.runsAsRoot) {
              changes.push(
                change(
                  `${report.registry}/${repository.name} runs as root: end the Dockerfile that builds it with an unprivileged USER and rebuild (or set runAsUser/runAsNonRoot where it runs)`,
                  { file: undefined, line: undefined, snippet: 'USER 10001:10001', nodes },
                ),
              );
            }
          }
        }
      }
    }
    return outcomeOf(
      checks,
      changes,
      { subject: 'Dockerfiles and images', met: 'run as a non-root user', notMet: 'run as root' },
      'no Dockerfiles were read and no image configuration was read from a registry',
    );
  },
};

/**
 * The change for a Dockerfile whose final stage runs as root: the USER (and the user) to add, as
 * edits where they are proven on its text (see nonRootUserPlan), else by hand with the reason.
 */
function userChange(context: ControlContext, dockerfile: DockerfileInfo, finding: RuleFinding, nodes: string[]): ProposedChange {
  const line = finding.location.startLine;
  const place = at(dockerfile.file, line);
  const what = /last USER/.test(finding.message)
    ? `the final stage switches to root at ${place}: end it with an unprivileged USER, after the steps that need root`
    : `the final stage (FROM at ${place}) sets no USER: end it with an unprivileged one, before its CMD/ENTRYPOINT`;
  const plan = nonRootUserPlan(context, dockerfile);
  const fields = { file: dockerfile.file, line, nodes };
  if (plan.kind === 'manual')
    return {
      ...change(`${what} (create the user first if the base has none) — by hand: ${plan.reason}`, { ...fields, snippet: `USER ${defaultUser}` }),
      rules: ['SS-DF-003'],
    };
  const created =
    plan.created === undefined
      ? plan.user === defaultUser
        ? ' (a numeric id: no account needed)'
        : ' (the user the build creates)'
      : ` (created as \`app\` with ${plan.created === 'debian' ? 'groupadd/useradd' : 'addgroup/adduser'} first)`;
  return {
    ...change(
      `${what}: \`USER ${plan.user}\` inserted at line ${plan.line} of ${dockerfile.file}${created}; check the application can run as that user (files it writes, ports below 1024)`,
      {
        ...fields,
        snippet: plan.snippet,
        edits: plan.edits,
      },
    ),
    rules: ['SS-DF-003'],
  };
}
