import type { ProposedChange } from '../model.js';
import { nodeId, onMap } from '../support/ids.js';
import { realImages } from '../support/images.js';
import { shellCommand } from '../support/quote.js';
import type { Check, PostureControl } from './control.js';
import { at, change, check, outcomeOf } from './control.js';

/** Dockerfile rules that put or may put a secret into an image. */
const secretRules: Record<string, 'gap' | 'partial'> = { 'SS-DF-020': 'gap', 'SS-DF-021': 'partial' };

/** SS-CTL-B03: no secret in any Dockerfile's ARG/ENV, nor in any stored image's layers or config. */
export const noSecretsInImages: PostureControl = {
  meta: {
    id: 'SS-CTL-B03',
    phase: 'build',
    title: 'No secrets in images',
    objective: 'Credentials are injected at run time or mounted at build time, never written into a layer or the image config.',
    evaluation:
      'Dockerfiles with a secret in ARG/ENV (SS-DF-020) are gaps, a whole context copied without .dockerignore (SS-DF-021) partial; images whose registry scan found secrets are gaps.',
    references: [
      { framework: 'NIST SP 800-190', id: '4.1.4', title: 'Embedded clear-text secrets' },
      { framework: 'CIS Docker Benchmark', id: '4.10', title: 'Ensure secrets are not stored in Dockerfiles' },
    ],
    weight: 2,
  },
  evaluate(context) {
    const checks: Check[] = [];
    const changes: ProposedChange[] = [];
    for (const dockerfile of context.evidence.build.dockerfiles) {
      const nodes = onMap(context.map, [nodeId.dockerfile(dockerfile.file)]);
      const hits = dockerfile.findings.filter((f) => Object.hasOwn(secretRules, f.ruleId));
      if (hits.length === 0) {
        checks.push(check('met', `${dockerfile.file}: no secret in ARG/ENV`, dockerfile.file, nodes));
        continue;
      }
      for (const finding of hits) {
        const place = at(dockerfile.file, finding.location.startLine);
        checks.push(check(secretRules[finding.ruleId] ?? 'gap', `${finding.title}: ${finding.message}`, place, nodes, [finding.ruleId, finding.fingerprint]));
        changes.push(
          finding.ruleId === 'SS-DF-020'
            ? change(
                `take the secret out of ${place}: pass it as a build secret and read it only in the RUN that needs it (then rotate it: it is in the image history)`,
                {
                  file: dockerfile.file,
                  line: finding.location.startLine,
                  snippet: 'RUN --mount=type=secret,id=token,env=TOKEN <command that needs it>\n# build with: docker build --secret id=token,env=TOKEN .',
                  nodes,
                },
              )
            : change(`add a .dockerignore next to ${dockerfile.file} so keys, .env files and .git stay out of the image`, {
                file: `${dockerfile.file.replace(/[^/]*$/, '')}.dockerignore`,
                line: 0,
                snippet: '.git\n.env*\n*.pem\n*.key\nid_rsa*\n.npmrc\n.aws/\n',
                nodes,
              }),
        );
      }
    }
    for (const report of context.evidence.registries) {
      for (const repository of report.repositories) {
        for (const image of realImages(repository)) {
          for (const platform of image.platforms) {
            if (platform.secrets === undefined) continue;
            const place = `${report.registry}/${repository.name}@${platform.digest}`;
            const nodes = onMap(context.map, [nodeId.image(report.registry, repository.name)]);
            if (platform.secrets.length === 0) {
              checks.push(check('met', `${place} (${platform.platform}): no secret found in its layers or config`, place, nodes));
              continue;
            }
            const list = platform.secrets.map((s) => `${s.title}${s.path ? ` at ${s.path}` : ''}${s.layer !== undefined ? ` (layer ${s.layer})` : ''}`);
            checks.push(
              check(
                'gap',
                `${place} (${platform.platform}) holds ${list.join('; ')}`,
                place,
                nodes,
                platform.secrets.map((s) => s.ruleId),
              ),
            );
            changes.push(
              change(`rotate the secrets found in ${place}, rebuild the image without them, and delete this image: every layer keeps them`, {
                file: undefined,
                line: undefined,
                snippet: shellCommand(['skopeo', 'delete', `docker://${report.registry}/${repository.name}@${image.digest}`]),
                nodes,
              }),
            );
          }
        }
      }
    }
    return outcomeOf(
      checks,
      changes,
      { subject: 'Dockerfiles and images', met: 'are free of secrets', notMet: 'hold or may leak secrets' },
      'no Dockerfiles were read and no image was scanned for secrets',
    );
  },
};
