import { sameRegistry } from '../../../image/registry-hosts.js';
import type { WorkloadImage } from '../../../runtime/manifests/images.js';
import type { ProposedChange } from '../model.js';
import { nodeId, onMap } from '../support/ids.js';
import { pinEdits } from '../support/k8s.js';
import { yamlScalar } from '../support/quote.js';
import type { Check, PostureControl } from './control.js';
import { at, change, check, outcomeOf, unknown } from './control.js';

/** SS-CTL-D04: a tag means one image: tags do not move, or what runs is pulled by digest. */
export const immutableTags: PostureControl = {
  meta: {
    id: 'SS-CTL-D04',
    phase: 'distribute',
    title: 'Tags are immutable, or images are pulled by digest',
    objective: 'What a workload runs cannot change under it: tags never move, or workloads name images by digest.',
    evaluation:
      'Per registry: when every workload pulling from it uses a digest, met; otherwise a tag that moved since the previous scan is a gap (and each workload pulling it by tag), no moved tag since a previous scan is met, and a first scan cannot tell (partial).',
    references: [
      { framework: 'NIST SP 800-190', id: '4.2.2', title: 'Stale images in registries' },
      { framework: 'CIS Docker Benchmark', id: '4.2', title: 'Ensure that containers use only trusted base images' },
    ],
    weight: 1,
  },
  evaluate(context) {
    const { registries, run } = context.evidence;
    if (registries.length === 0) return unknown('no registry was scanned');
    const checks: Check[] = [];
    const changes: ProposedChange[] = [];
    for (const report of registries) {
      const nodes = onMap(context.map, [nodeId.registry(report.registry)]);
      const pulling = (run?.images ?? []).filter((image) => image.registry !== undefined && sameRegistry(image.registry, report.registry));
      if (pulling.length > 0 && pulling.every((image) => image.digest !== undefined)) {
        checks.push(check('met', `every workload pulling from ${report.registry} (${pulling.length}) names its image by digest`, report.registry, nodes));
        continue;
      }
      if (report.changes === undefined) {
        const byTag = pulling.filter((i) => !i.digest);
        checks.push(
          check(
            'partial',
            `${report.registry}: first scan, so tag movement is not known yet${byTag.length > 0 ? `, and ${byTag.length} workload images from it are pulled by tag` : ''}`,
            report.registry,
            nodes,
          ),
        );
        for (const image of byTag) {
          const current = report.repositories.find((r) => r.name === image.repository)?.tags.find((t) => t.tag === image.tag)?.digest;
          if (current !== undefined) changes.push(pinWorkload(context.map, image, current));
        }
        if (byTag.length === 0)
          changes.push(
            change(`scan ${report.registry} again later: tags that moved in between show up then`, {
              file: undefined,
              line: undefined,
              snippet: undefined,
              nodes,
            }),
          );
        continue;
      }
      const moved = report.changes.movedTags;
      if (moved.length === 0) {
        checks.push(
          check('met', `${report.registry}: no tag moved since the previous scan (${report.changes.previousScanAt.slice(0, 10)})`, report.registry, nodes),
        );
        continue;
      }
      for (const tag of moved) {
        const place = `${report.registry}/${tag.repository}:${tag.tag}`;
        const imageNodes = onMap(context.map, [nodeId.image(report.registry, tag.repository)]);
        checks.push(check('gap', `${place} moved from ${tag.from} to ${tag.to} since ${report.changes.previousScanAt.slice(0, 10)}`, place, imageNodes));
        for (const image of pulling.filter((i) => i.repository === tag.repository && i.tag === tag.tag && i.digest === undefined)) {
          changes.push(pinWorkload(context.map, image, tag.to));
        }
      }
      changes.push(
        change(
          `turn on tag immutability for ${report.registry} (Harbor: project → Tag Immutability; ECR: imageTagMutability IMMUTABLE; ACR: az acr repository update --write-enabled false), and deploy by digest`,
          { file: undefined, line: undefined, snippet: undefined, nodes },
        ),
      );
    }
    return outcomeOf(checks, changes, { subject: 'registries and tags', met: 'are stable', notMet: 'have moving tags' }, 'no registry was scanned');
  },
};

function pinWorkload(map: Parameters<typeof onMap>[0], image: WorkloadImage, digest: string): ProposedChange {
  const name = `${image.namespace ?? 'default'}/${image.kind}/${image.workload ?? '(unnamed)'}`;
  return change(`${name} pulls the moving tag ${image.image}: pin it to the digest the tag points at now (${at(image.file, image.line)})`, {
    file: image.file,
    line: image.line,
    snippet: `image: ${yamlScalar(`${image.image.split('@')[0] ?? image.image}@${digest}`)}`,
    edits: pinEdits(image, digest),
    nodes: onMap(map, [nodeId.workload(image.namespace ?? 'default', image.kind, image.workload ?? '(unnamed)')]),
  });
}
