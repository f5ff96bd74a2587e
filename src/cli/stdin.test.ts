import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LimitExceededError } from '../core/errors.js';
import { readBoundedText } from './stdin.js';

describe('readBoundedText (standard input)', () => {
  it('stops an endless input at the limit, naming it', async () => {
    let produced = 0;
    const endless = new Readable({
      read() {
        produced += 65_536;
        this.push(Buffer.alloc(65_536, 0x61));
      },
    });
    const failure = readBoundedText(endless, 1_000_000);
    await expect(failure).rejects.toThrow(LimitExceededError);
    await expect(failure).rejects.toThrow('standard input is larger than 1000000 bytes (the maxStdinBytes limit)');
    // it read no further than the limit (and what was already buffered)
    expect(produced).toBeLessThan(1_000_000 + 20 * 65_536);
    expect(endless.destroyed).toBe(true);
  }, 20_000);

  it('reads input up to the limit as UTF-8 text', async () => {
    expect(await readBoundedText(Readable.from([Buffer.from('kind: '), Buffer.from('Pod \u00e9\n')]), 16)).toBe('kind: Pod \u00e9\n');
    await expect(readBoundedText(Readable.from([Buffer.from('kind: Pod \u00e9\n!')]), 12)).rejects.toThrow(LimitExceededError);
  });
});
