import type { ControlResult, Evidence } from './model.js';
import type { AcceptedRisk } from './policy.js';
import { pushAll } from '../../core/collections.js';
import { escapeRegExp } from '../../core/text.js';

/**
 * Applies the policy's accepted risks to one control's result. A risk with no target covers the
 * whole control; with a target (a node id or a glob), the gaps whose nodes or place match it. When
 * every gap is covered by risks still in force, the control is `accepted`; an expired risk is
 * shown and accepts nothing.
 */
export function applyAcceptedRisks(result: ControlResult, risks: readonly AcceptedRisk[], now: Date): ControlResult {
  if (result.status !== 'gap' && result.status !== 'partial') return result;
  const mine = risks.filter((risk) => risk.control === result.control.id);
  if (mine.length === 0) return result;
  const today = now.toISOString().slice(0, 10);
  const live = mine.filter((risk) => risk.expires >= today);
  const expired = mine.filter((risk) => risk.expires < today);
  const failing = result.evidence.filter((e) => !e.ok);
  const covered = (evidence: Evidence): AcceptedRisk | undefined => live.find((risk) => risk.target === undefined || matches(risk.target, evidence));
  const notes = expired.map((risk) => `the accepted risk${risk.target ? ` for ${risk.target}` : ''} expired on ${risk.expires} (${risk.reason})`);
  const uncovered = failing.filter((e) => covered(e) === undefined);
  const firstLive = failing.map(covered).find((risk) => risk !== undefined) ?? (failing.length === 0 ? live[0] : undefined);
  if (uncovered.length === 0 && firstLive !== undefined) {
    return {
      ...result,
      status: 'accepted',
      summary: `${result.summary}; accepted until ${firstLive.expires}: ${firstLive.reason}${notes.length > 0 ? `; ${notes.join('; ')}` : ''}`,
      acceptance: { reason: firstLive.reason, expires: firstLive.expires },
    };
  }
  const partly = failing.length - uncovered.length;
  const parts = [result.summary];
  if (partly > 0)
    parts.push(
      `${partly} of ${failing.length} gaps are accepted (${[
        ...new Set(
          failing
            .map(covered)
            .filter((r) => r !== undefined)
            .map((r) => `${r.reason}, until ${r.expires}`),
        ),
      ].join('; ')})`,
    );
  pushAll(parts, notes);
  const expiredEvidence: Evidence[] = expired.map((risk) => ({
    text: `accepted risk expired on ${risk.expires}: ${risk.reason}`,
    where: risk.target,
    nodes: [],
    findings: [],
    ok: false,
  }));
  return { ...result, summary: parts.join('; '), evidence: [...result.evidence, ...expiredEvidence] };
}

/** A target matches an evidence item when it equals, or globs (`*`), one of its node ids or its place. */
function matches(target: string, evidence: Evidence): boolean {
  const pattern = new RegExp(`^${target.split('*').map(escapeRegExp).join('.*')}$`);
  return [...evidence.nodes, ...(evidence.where === undefined ? [] : [evidence.where])].some((candidate) => pattern.test(candidate));
}
