import type { ProposedChange } from '../model.js';
import { nodeId, onMap } from '../support/ids.js';
import type { Check, PostureControl } from './control.js';
import { change, check, outcomeOf, unknown } from './control.js';

/** The distribution (docker-registry) configuration that requires a login for every request. */
const htpasswdConfig = [
  'auth:',
  '  htpasswd:',
  '    realm: registry',
  '    path: /etc/docker/registry/htpasswd',
  '# users: htpasswd -Bbn <user> <password> >> /etc/docker/registry/htpasswd',
].join('\n');

/** SS-CTL-D01: pulling from the registry requires credentials. */
export const registryPullAuth: PostureControl = {
  meta: {
    id: 'SS-CTL-D01',
    phase: 'distribute',
    title: 'Registries require authentication to pull',
    objective: "No image can be read from the organisation's registries without credentials.",
    evaluation:
      'Per registry scanned: anonymous pull refused is met (partial when the catalog can still be listed anonymously); anonymous pull allowed, or no authentication at all, is a gap; not probed is left out.',
    references: [{ framework: 'NIST SP 800-190', id: '4.2.3', title: 'Insufficient authentication and authorization restrictions' }],
    weight: 2,
  },
  evaluate(context) {
    const { registries } = context.evidence;
    if (registries.length === 0) return unknown('no registry was scanned');
    const checks: Check[] = [];
    const changes: ProposedChange[] = [];
    for (const report of registries) {
      const { access } = report;
      const nodes = onMap(context.map, [nodeId.registry(report.registry)]);
      if (access.authScheme === 'none' || access.anonymousPull === true) {
        const why = access.authScheme === 'none' ? 'answers /v2/ without any authentication' : 'lets anyone pull without credentials';
        checks.push(check('gap', `${report.registry} ${why}`, report.registry, nodes));
        changes.push(
          change(`require a login on ${report.registry} for every pull (registry config.yml; on a hosted registry, make the repositories private)`, {
            file: undefined,
            line: undefined,
            snippet: htpasswdConfig,
            nodes,
          }),
        );
      } else if (access.anonymousPull === undefined) {
        continue;
      } else if (access.anonymousCatalog === true) {
        checks.push(
          check('partial', `${report.registry} needs credentials to pull (${access.authScheme}) but lists its catalog to anyone`, report.registry, nodes),
        );
        changes.push(
          change(`restrict /v2/_catalog on ${report.registry} to authenticated users`, { file: undefined, line: undefined, snippet: undefined, nodes }),
        );
      } else {
        checks.push(check('met', `${report.registry} refuses anonymous pulls (${access.authScheme} authentication)`, report.registry, nodes));
      }
    }
    return outcomeOf(
      checks,
      changes,
      { subject: 'registries', met: 'require credentials to pull', notMet: 'let anonymous users read images' },
      'anonymous access was not probed on any registry scanned',
    );
  },
};
