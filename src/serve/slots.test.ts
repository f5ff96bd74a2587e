import { describe, expect, it } from 'vitest';
import { Slots } from './slots.js';

describe('Slots', () => {
  it('lets `size` holders in at once, then each in turn as one leaves, first come first served', async () => {
    const slots = new Slots(2);
    const order: string[] = [];
    const a = await slots.take();
    const b = await slots.take();
    const c = slots.take().then((release) => (order.push('c'), release));
    const d = slots.take().then((release) => (order.push('d'), release));
    expect(slots.state).toEqual({ held: 2, waiting: 2 });
    a();
    a(); // a second release of the same slot frees nothing more
    const releaseC = await c;
    expect(order).toEqual(['c']);
    expect(slots.state).toEqual({ held: 2, waiting: 1 });
    b();
    const releaseD = await d;
    expect(order).toEqual(['c', 'd']);
    releaseC();
    releaseD();
    expect(slots.state).toEqual({ held: 0, waiting: 0 });
    const again = await slots.take();
    expect(slots.state).toEqual({ held: 1, waiting: 0 });
    again();
  });
});
