import type { DockerfileFindingDraft, DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';

/** Looks like a stage name rather than an image reference: no registry, path, tag or digest. */
function stageLike(reference: string): boolean {
  return /^[a-z0-9][a-z0-9_.-]*$/i.test(reference) && !reference.includes('$');
}

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-032',
  title: 'Reference to an undefined build stage',
  severity: 'MEDIUM',
  rationale:
    'A name that is not an earlier stage is pulled as an image from Docker Hub: a typo or a later stage name silently builds from someone else’s image.',
  remediation: 'Define the stage (`FROM … AS name`) before referring to it, or use a full image reference with a tag.',
  references: ['hadolint DL3022'],
  hadolint: 'DL3022',
};

/** SS-DF-032: FROM / COPY --from naming a stage that is not defined before (hadolint DL3022). */
export const undefinedStage: DockerfileRule = {
  meta,
  examples: {
    bad: [
      'FROM golang:1.22 AS build\nFROM alpine:3\nCOPY --from=biuld /out /app\n',
      'FROM app AS base\nFROM alpine:3 AS app\n',
      'FROM alpine:3\nCOPY --from=1 /a /a\n',
    ],
    good: [
      'FROM golang:1.22 AS build\nFROM alpine:3\nCOPY --from=build /out /app\nCOPY --from=0 /x /x\n',
      'FROM alpine:3\nCOPY --from=nginx:1.25 /etc/nginx /etc/nginx\nCOPY --from=docker.io/library/busybox /bin/sh /bin/sh\n',
    ],
  },
  check(dockerfile) {
    const findings: DockerfileFindingDraft[] = [];
    // the first stage of each name (a map, not a search per stage: linear in the stages)
    const first = new Map<string, number>();
    for (const s of dockerfile.stages) if (s.name !== undefined && !first.has(s.name)) first.set(s.name, s.index);
    for (const stage of dockerfile.stages) {
      const image = stage.image.toLowerCase();
      // no parent: no earlier stage has the name, so its first stage, if any, is this one or a later one
      const later = first.get(image) ?? -1;
      if (stage.parent === undefined && later >= 0)
        findings.push(
          findingAt(
            meta,
            dockerfile,
            stage.from,
            `FROM \`${stage.image}\` names stage ${later === stage.index ? 'itself' : 'defined later'}: the image \`${stage.image}\` would be pulled instead`,
          ),
        );
      for (const i of stage.instructions.filter((x) => x.keyword === 'COPY' || x.keyword === 'ADD')) {
        const from = i.flags.find((f) => f.name === 'from')?.value;
        if (from === undefined || !stageLike(from)) continue;
        if (/^\d+$/.test(from)) {
          if (Number(from) >= stage.index) findings.push(findingAt(meta, dockerfile, i, `--from=${from} is not an earlier stage index`));
          continue;
        }
        const at = first.get(from.toLowerCase()) ?? -1;
        if (at < 0) findings.push(findingAt(meta, dockerfile, i, `--from=${from}: no stage is named \`${from}\`, so the image \`${from}\` would be pulled`));
        else if (at > stage.index) findings.push(findingAt(meta, dockerfile, i, `--from=${from} names a stage defined later`));
      }
    }
    return findings;
  },
};
