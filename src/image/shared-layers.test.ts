import { describe, expect, it } from 'vitest';
import type { LayerScan } from './layer/entry.js';
import { mapConcurrently, SharedLayerScans } from './read-image.js';

const scan = (name: string): LayerScan => ({ name }) as unknown as LayerScan;

describe('SharedLayerScans', () => {
  it('joins reads of the same layer: the second image waits for the first read', async () => {
    const shared = new SharedLayerScans();
    let reads = 0;
    const read = async (): Promise<{ scan: LayerScan; fromCache: boolean; fromFleet: boolean }> => {
      reads++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return { scan: scan('a'), fromCache: false, fromFleet: false };
    };
    const [first, second] = await Promise.all([shared.once('a', read), shared.once('a', read)]);
    expect(reads).toBe(1);
    expect([first.shared, second.shared]).toEqual([false, true]);
    expect(second.scan).toBe(first.scan);
    expect(shared.counts).toEqual({ read: 1, fromDiskCache: 0, shared: 1, fromFleet: 0 });
  });

  it('keeps at most maxEntries finished scans; a failed read is not remembered', async () => {
    const shared = new SharedLayerScans(2);
    let reads = 0;
    const read = (name: string) => async (): Promise<{ scan: LayerScan; fromCache: boolean; fromFleet: boolean }> => {
      reads++;
      return { scan: scan(name), fromCache: name === 'c', fromFleet: false };
    };
    for (const name of ['a', 'b', 'c']) await shared.once(name, read(name));
    await shared.once('a', read('a')); // evicted by c: read again
    expect(reads).toBe(4);
    expect(shared.counts).toEqual({ read: 3, fromDiskCache: 1, shared: 0, fromFleet: 0 });
    await expect(shared.once('x', () => Promise.reject(new Error('network')))).rejects.toThrow('network');
    await expect(shared.once('x', read('x'))).resolves.toMatchObject({ shared: false });
  });
});

describe('mapConcurrently', () => {
  it('keeps the order of the items, and starts no more of them after one failed', async () => {
    const delays = [30, 10, 20, 0];
    expect(await mapConcurrently(delays, 2, async (ms) => new Promise((resolve) => setTimeout(() => resolve(ms * 2), ms)))).toEqual([60, 20, 40, 0]);
    const started: number[] = [];
    const items = Array.from({ length: 10 }, (_, i) => i);
    await expect(
      mapConcurrently(items, 2, async (item) => {
        started.push(item);
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (item === 0) throw new Error('bad image');
        return item;
      }),
    ).rejects.toThrow('bad image');
    // the one running beside the failure finishes; nothing after it is started (a bad image's other layers are not read on)
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(started).toEqual([0, 1]);
  });
});
