import type { BaseImageAdvice, BaseParent, BaseParentUse } from '../../../distribute/base-advice.js';
import { formatReference } from '../../../image/reference.js';
import type { DockerfileInfo } from '../../estate-model.js';
import type { LifecycleMap } from '../../model.js';
import { change } from '../controls/control.js';
import type { ProposedChange } from '../model.js';
import { nodeId, onMap } from './ids.js';
import { parseImage } from './images.js';

/**
 * Base image advice (src/distribute/base-advice.ts) as proposed changes of SS-CTL-B01: each FROM
 * naming a parent the advice moves is rewritten to the recommended tag pinned by digest, keeping
 * its `--platform` and `AS` stage.
 */

/** The control whose changes these are. */
export const baseAdviceControlId = 'SS-CTL-B01';

/**
 * The parent images of the estate's Dockerfiles, each with the FROMs naming it (stage references,
 * `scratch` and FROMs still holding an ARG without a default left out), grouped by the reference
 * as resolved and the platform asked for.
 */
export function baseParentsOf(dockerfiles: readonly DockerfileInfo[]): BaseParent[] {
  const parents = new Map<string, BaseParent>();
  for (const dockerfile of dockerfiles) {
    for (const from of dockerfile.froms) {
      if (from.stageRef !== undefined || from.unknowns.length > 0 || from.resolved.trim().toLowerCase() === 'scratch') continue;
      const ref = parseImage(from.resolved);
      if (ref === undefined) continue;
      const reference = formatReference(ref);
      const platform = from.platform === undefined || from.platform.includes('$') ? undefined : from.platform;
      const key = `${reference} ${platform ?? ''}`;
      const parent = parents.get(key) ?? { reference, platform, uses: [] };
      parent.uses.push({
        file: dockerfile.file,
        line: from.line,
        written: from.raw,
        literal: from.raw === from.resolved,
        platform: from.platform,
        stageName: from.stageName,
      });
      parents.set(key, parent);
    }
  }
  return [...parents.values()];
}

/**
 * One change per FROM the advice moves to another tag: a `substitute` of the reference as written
 * (when it is written literally on the FROM's line; through an ARG the change says what to set),
 * with the fixable counts before and after. Advice that recommends nothing proposes nothing.
 */
export function baseAdviceChanges(advice: readonly BaseImageAdvice[], map: LifecycleMap): ProposedChange[] {
  const changes: ProposedChange[] = [];
  for (const item of advice) {
    const recommendation = item.recommendation;
    if (item.verdict !== 'upgrade' || recommendation === undefined || item.current.state !== 'scanned') continue;
    const before = item.current;
    const after = recommendation.scan;
    const counts =
      `fixable critical/high ${before.fixableCriticalHigh} → ${after.fixableCriticalHigh}, ` +
      `with medium ${before.fixableCriticalHighMedium} → ${after.fixableCriticalHighMedium}`;
    for (const use of item.uses) {
      // as written (a registry left implicit stays so); through ARGs, the whole reference to set
      const replacement = use.literal ? `${writtenName(use.written)}:${recommendation.tag}@${after.digest}` : recommendation.reference;
      const nodes = onMap(map, [nodeId.dockerfile(use.file), nodeId.image(item.registry, item.repository)]);
      const where = `line ${use.line} of ${use.file}`;
      const proposed = change(
        use.literal
          ? `move the parent to ${item.repository}:${recommendation.tag}, pinned by digest (${counts}): replace ${where}`
          : `move the parent to ${item.repository}:${recommendation.tag}, pinned by digest (${counts}): ${where} names it through ARGs, set them so that it reads ${replacement}`,
        {
          file: use.file,
          line: use.line,
          snippet: fromLine(use, replacement),
          edits: use.literal ? [{ kind: 'substitute', file: use.file, line: use.line, find: use.written, replace: replacement }] : [],
          nodes,
        },
      );
      // the rewritten FROM is pinned: the unpinned-parent finding of that line goes
      if (use.literal && !use.written.includes('@')) proposed.rules = ['SS-DF-001'];
      changes.push(proposed);
    }
  }
  return changes;
}

/**
 * SS-CTL-B01's changes with the base image advice merged in: a change that edits a FROM line the
 * advice rewrites (b01's pin of the current tag) gives way to the advice's, since both cannot be
 * applied to the same reference; the others are kept.
 */
export function mergeBaseAdviceChanges(controlChanges: readonly ProposedChange[], adviceChanges: readonly ProposedChange[]): ProposedChange[] {
  const rewritten = new Set(
    adviceChanges.flatMap((c) => c.edits.map((edit) => (edit.kind === 'substitute' ? `${edit.file}:${edit.line}` : ''))).filter(Boolean),
  );
  const kept = controlChanges.filter((c) => !c.edits.some((edit) => edit.kind === 'substitute' && rewritten.has(`${edit.file}:${edit.line}`)));
  return [...kept, ...adviceChanges];
}

/** The FROM line after the change: `FROM [--platform=…] <reference> [AS stage]`. */
function fromLine(use: BaseParentUse, reference: string): string {
  return [
    'FROM',
    use.platform === undefined ? undefined : `--platform=${use.platform}`,
    reference,
    use.stageName === undefined ? undefined : `AS ${use.stageName}`,
  ]
    .filter((part) => part !== undefined)
    .join(' ');
}

/** The repository as written, without tag or digest: `docker.io/library/debian:12@sha256:…` → `docker.io/library/debian`. */
function writtenName(written: string): string {
  const name = written.split('@')[0] ?? written;
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(0, colon) : name;
}
