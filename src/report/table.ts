export interface TableOptions {
  /** Total width available; the last column is truncated to fit. */
  width: number;
  align?: ('left' | 'right')[];
}

/** A plain-text table: a header row, then rows, columns separated by two spaces. */
export function renderTable(headers: readonly string[], rows: readonly string[][], options: TableOptions): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const last = headers.length - 1;
  const fixed = widths.slice(0, last).reduce((sum, w) => sum + w + 2, 0);
  widths[last] = Math.max(10, Math.min(widths[last] ?? 0, options.width - fixed));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        const text = column === last ? truncate(cell, width) : cell;
        return options.align?.[column] === 'right' ? text.padStart(width) : column === last ? text : text.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** Shortens text to `width` characters with an ellipsis; newlines become spaces. */
export function truncate(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length <= width ? flat : `${flat.slice(0, Math.max(0, width - 1))}…`;
}
