/**
 * At most `size` holders at once; the others wait, first come first served. `take` resolves to
 * the holder's release, which may be called more than once (only the first call counts).
 */
export class Slots {
  private held = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async take(): Promise<() => void> {
    if (this.held < this.size) this.held++;
    // the slot passes straight from a releasing holder to the first waiting: `held` stays as it is
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.held--;
    };
  }

  /** Holders now, and how many wait (for tests and metrics). */
  get state(): { held: number; waiting: number } {
    return { held: this.held, waiting: this.waiting.length };
  }
}
