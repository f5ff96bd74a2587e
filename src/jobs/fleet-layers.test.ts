import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../store/open.js';
import type { Store } from '../store/model.js';
import { storeFleetLayers } from './fleet-layers.js';

describe('the store as the fleet layer cache', () => {
  let dir: string;
  let store: Store;
  let now = 1_000_000;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shipshape-fleet-layers-'));
    store = await openStore(path.join(dir, 'store.db'));
    await store.migrate();
  });
  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('leases a layer to one worker until it gives it back or the lease expires, and keeps scans', async () => {
    const layers = storeFleetLayers(store, () => now);
    expect(await layers.lease('k', 'a', now + 100)).toBe(true);
    expect(await layers.lease('k', 'b', now + 100)).toBe(false);
    // another worker's release does not free it
    await layers.release('k', 'b');
    expect(await layers.lease('k', 'b', now + 100)).toBe(false);
    await layers.release('k', 'a');
    expect(await store.getSetting('layer-lease:k')).toBeUndefined();
    expect(await layers.lease('k', 'b', now + 100)).toBe(true);
    // b renews its lease while it reads; a cannot renew what it does not hold
    expect(await layers.renew('k', 'b', now + 500)).toBe(true);
    expect(await layers.renew('k', 'a', now + 500)).toBe(false);
    now += 101;
    expect(await layers.lease('k', 'a', now + 100)).toBe(false);
    // b dies: once its lease has expired, a takes the layer, and b's renewal no longer holds it
    now += 400;
    expect(await layers.lease('k', 'a', now + 100)).toBe(true);
    expect(await layers.renew('k', 'b', now + 500)).toBe(false);

    await layers.put('k', { scan: 1 });
    expect(await layers.get('k')).toEqual({ scan: 1 });
    expect(await layers.get('other')).toBeUndefined();
  });
});
