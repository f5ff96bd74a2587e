import { BoundedNotes } from '../../notes.js';

/**
 * Debian control-file paragraphs (deb822): `Field: value` lines, continuation lines starting with a
 * space or tab, paragraphs separated by blank lines. Field names are case-insensitive (kept as
 * written in `fields`, looked up lower-cased).
 */
export interface Paragraph {
  /** 1-based line number where the paragraph starts, for notes. */
  line: number;
  fields: Map<string, string>;
}

export function parseParagraphs(text: string): { paragraphs: Paragraph[]; notes: BoundedNotes } {
  const paragraphs: Paragraph[] = [];
  const notes = new BoundedNotes();
  let current: Paragraph | undefined;
  let lastField: string | undefined;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.trim() === '') {
      current = undefined;
      lastField = undefined;
      return;
    }
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (current && lastField) current.fields.set(lastField, `${current.fields.get(lastField) ?? ''}\n${line.trim()}`);
      else notes.add(`line ${index + 1}: continuation line outside a field; ignored`);
      return;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      notes.add(`line ${index + 1}: not a "Field: value" line; ignored`);
      return;
    }
    if (!current) {
      current = { line: index + 1, fields: new Map() };
      paragraphs.push(current);
    }
    lastField = line.slice(0, colon).trim().toLowerCase();
    current.fields.set(lastField, line.slice(colon + 1).trim());
  });
  return { paragraphs, notes };
}
