import { describe, expect, it } from 'vitest';
import { Reach } from './fuzz.js';

/** The reach check of the fuzz harness judges a random sample: it must catch generators that stopped reaching, and never fail on chance. */
describe('Reach', () => {
  const reached = (inputs: number, hits: number): Reach => {
    const reach = new Reach();
    for (let i = 0; i < inputs; i++) reach.input(i < hits && 'parsed');
    return reach;
  };

  it('does not fail a short run on chance: none of 60 at 5% happens one run in 22', () => {
    expect(() => reached(60, 0).expect('parsed', 0.05)).not.toThrow();
  });

  it('fails when a long run reaches it far less often than it should, or never', () => {
    expect(() => reached(2000, 0).expect('parsed', 0.05)).toThrow(/only 0 of 2000 inputs reached "parsed"/);
    expect(() => reached(2000, 40).expect('parsed', 0.05)).toThrow(/only 40 of 2000/);
    expect(() => reached(2000, 90).expect('parsed', 0.05)).not.toThrow();
  });
});
