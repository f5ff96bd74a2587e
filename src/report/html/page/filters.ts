import { byId } from './dom.js';

/** The findings filters (text, minimum severity, phase) and the live counts per table and overall. */
export function wireFilters(): void {
  const text = byId('f-text', HTMLInputElement);
  const severity = byId('f-severity', HTMLSelectElement);
  const phase = byId('f-phase', HTMLSelectElement);
  document.querySelector('form.filters')?.addEventListener('submit', (event) => event.preventDefault());
  const apply = (): void => {
    const query = text ? text.value.trim().toLowerCase() : '';
    const minimum = severity ? Number(severity.value) : 0;
    const wanted = phase ? phase.value : '';
    let shown = 0;
    let total = 0;
    for (const group of document.querySelectorAll('.finding-group')) {
      const rows = group.querySelectorAll<HTMLTableRowElement>('tbody tr:not(.empty)');
      let groupShown = 0;
      for (const row of rows) {
        const match =
          Number(row.getAttribute('data-sev')) >= minimum &&
          (!wanted || row.getAttribute('data-phase') === wanted) &&
          (!query || (row.textContent ?? '').toLowerCase().includes(query));
        row.hidden = !match;
        if (match) groupShown++;
      }
      total += rows.length;
      shown += groupShown;
      const count = group.querySelector('.count');
      if (count) count.textContent = groupShown === rows.length ? `(${rows.length})` : `(${groupShown} of ${rows.length})`;
      const empty = group.querySelector<HTMLTableRowElement>('tr.empty');
      if (empty) empty.hidden = groupShown > 0;
    }
    const summary = document.getElementById('f-count');
    if (summary) summary.textContent = `Showing ${shown} of ${total} ${total === 1 ? 'finding' : 'findings'}`;
  };
  text?.addEventListener('input', apply);
  severity?.addEventListener('change', apply);
  phase?.addEventListener('change', apply);
}
