/** The text with every regular-expression metacharacter escaped, to match it literally inside a `RegExp`. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `word` for one, `words` (default `word` + `s`) for any other count: `pluralWord(2, 'layer')` → `layers`. */
export function pluralWord(count: number, word: string, words = `${word}s`): string {
  return count === 1 ? word : words;
}

/** The count and its noun: `plural(1, 'file')` → `1 file`, `plural(3, 'entry', 'entries')` → `3 entries`. */
export function plural(count: number, word: string, words = `${word}s`): string {
  return `${count} ${pluralWord(count, word, words)}`;
}
