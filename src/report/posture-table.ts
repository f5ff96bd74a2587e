import type { ControlStatus, PostureReport } from '../lifecycle/posture/model.js';
import { printable, renderTable } from './table.js';
import { pushAll } from '../core/collections.js';

const statusWords: Record<ControlStatus, string> = { met: 'MET', partial: 'PARTIAL', gap: 'GAP', unknown: 'UNKNOWN', accepted: 'ACCEPTED' };

/** `shipshape posture` for a terminal: the summary, scores per phase, every control, then the changes to make. */
export function renderPostureTable(posture: PostureReport, width: number, color = false): string {
  const lines: string[] = [printable(posture.summary), ''];
  lines.push(
    renderTable(
      ['PHASE', 'SCORE', 'MET', 'PARTIAL', 'GAP', 'UNKNOWN', 'ACCEPTED'],
      [
        ...posture.phases.map((p) => [
          p.phase,
          p.score === null ? 'not assessed' : String(p.score),
          ...(['met', 'partial', 'gap', 'unknown', 'accepted'] as const).map((s) => String(p.counts[s])),
        ]),
        ['overall', posture.overall === null ? 'not assessed' : String(posture.overall), '', '', '', '', ''],
      ],
      { width, align: ['left', 'right', 'right', 'right', 'right', 'right', 'right'], kinds: ['id', 'id', 'id', 'id', 'id', 'id', 'id'] },
    ),
  );
  lines.push(
    '',
    renderTable(
      ['CONTROL', 'PHASE', 'STATUS', 'TITLE', 'WHY'],
      posture.controls.map((c) => [c.control.id, c.control.phase, statusWords[c.status], c.control.title, c.summary]),
      { width, kinds: ['id', 'id', 'id', 'text', 'text'], color },
    ),
  );
  const withChanges = posture.controls.filter((c) => (c.status === 'gap' || c.status === 'partial') && c.changes.length > 0);
  if (withChanges.length > 0) lines.push('', '== Proposed changes ==');
  for (const control of withChanges) {
    lines.push('', `${control.control.id} ${control.control.title}`);
    for (const change of control.changes) {
      lines.push(`  - ${printable(`${change.summary}${change.file ? ` (${change.file}${change.line !== undefined ? `:${change.line}` : ''})` : ''}`)}`);
      // a snippet's lines are its own; what is inside them is shown escaped
      if (change.snippet)
        pushAll(
          lines,
          change.snippet.split('\n').map((l) => `      ${printable(l, 'id')}`),
        );
    }
  }
  return `${lines.join('\n')}\n`;
}
