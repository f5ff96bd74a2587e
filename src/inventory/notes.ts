/** Notes kept per analysed file; the rest are counted in one closing note. */
const maxNotesPerFile = 50;

/**
 * The notes of one analysed file, bounded: a damaged database of a million bad lines gives fifty
 * notes and a count, not a million notes (a note per line can outweigh the file itself).
 */
export class BoundedNotes {
  private readonly items: string[] = [];
  private dropped = 0;

  constructor(private readonly max = maxNotesPerFile) {}

  add(note: string): void {
    if (this.items.length < this.max) this.items.push(note);
    else this.dropped++;
  }

  /** The notes kept, then how many were left out. */
  list(): string[] {
    return this.dropped === 0 ? [...this.items] : [...this.items, `${this.dropped} more problems not listed`];
  }
}
