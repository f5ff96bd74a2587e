import { plural } from '../../core/text.js';
import type { ControlResult, PhaseScore } from './model.js';

/** How much a control drags the score down: its weight times what it misses. */
function shortfall(result: ControlResult): number {
  const missing = result.status === 'gap' ? 1 : result.status === 'partial' ? 0.5 : 0;
  return result.control.weight * missing;
}

/** The biggest gaps first: by weight × shortfall, then by how many places fail, then by id. */
function biggestGaps(results: readonly ControlResult[], count = 3): ControlResult[] {
  return results
    .filter((r) => shortfall(r) > 0)
    .sort((a, b) => shortfall(b) - shortfall(a) || failing(b) - failing(a) || a.control.id.localeCompare(b.control.id))
    .slice(0, count);
}

function failing(result: ControlResult): number {
  return result.evidence.filter((e) => !e.ok).length;
}

/** A few plain sentences for a manager: the score, the three biggest gaps and where, what to do first. */
export function managerSummary(results: readonly ControlResult[], phases: readonly PhaseScore[], overall: number | undefined): string {
  const assessed = phases.filter((p) => p.counts.met + p.counts.partial + p.counts.gap + p.counts.accepted > 0);
  const notAssessed = phases.filter((p) => !assessed.includes(p)).map((p) => p.phase);
  if (overall === undefined) {
    return 'Nothing could be assessed: no pipelines, Dockerfiles, registries, workloads or nodes were read. Point Shipshape at the source repositories, registries and cluster, then run it again.';
  }
  const sentences: string[] = [];
  const perPhase = assessed.map((p) => `${p.phase} ${p.score}`).join(', ');
  sentences.push(
    `The container estate scores ${overall} out of 100 (${perPhase}${notAssessed.length > 0 ? `; not assessed: ${notAssessed.join(', ')}` : ''}).`,
  );
  const gaps = biggestGaps(results);
  if (gaps.length === 0) {
    const accepted = results.filter((r) => r.status === 'accepted').length;
    sentences.push(`Every control that could be checked is met${accepted > 0 ? `, ${accepted} of them through accepted risks` : ''}.`);
  } else {
    sentences.push(`The biggest gaps: ${gaps.map((gap, index) => `(${index + 1}) ${gap.summary} (${gap.control.id}${where(gap)})`).join('; ')}.`);
    const first = gaps.find((g) => g.changes.length > 0);
    if (first)
      sentences.push(
        `Do first: ${(first.changes[0]?.summary ?? '').replace(/\.$/, '')}${first.changes.length > 1 ? ` (and ${first.changes.length - 1} more ${first.changes.length === 2 ? 'change' : 'changes'} listed under ${first.control.id})` : ''}.`,
      );
  }
  const unknowns = results.filter((r) => r.status === 'unknown').length;
  if (unknowns > 0)
    sentences.push(`${plural(unknowns, 'control')} could not be checked with what was read; ${unknowns === 1 ? 'it is' : 'they are'} left out of the score.`);
  return sentences.join(' ');
}

/** Where a gap is, in a few words: the first failing place, and how many more. */
function where(result: ControlResult): string {
  const places = [
    ...new Set(
      result.evidence
        .filter((e) => !e.ok)
        .map((e) => e.where)
        .filter((w): w is string => w !== undefined),
    ),
  ];
  if (places.length === 0) return '';
  return `: ${places[0] ?? ''}${places.length > 1 ? ` and ${places.length - 1} more` : ''}`;
}
