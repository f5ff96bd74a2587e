import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../core/diagnostics.js';
import { FleetLayerCache, type FleetLayerStore } from './fleet-layers.js';
import type { LayerScan } from './layer/entry.js';

/** A fleet's store in memory: results and leases, as the server's store keeps them. */
function memoryStore(): FleetLayerStore & { leases: Map<string, { owner: string; until: number }> } {
  const results = new Map<string, unknown>();
  const leases = new Map<string, { owner: string; until: number }>();
  return {
    leases,
    get: async (key) => results.get(key),
    put: async (key, scan) => void results.set(key, scan),
    async lease(key, owner, until) {
      const held = leases.get(key);
      if (held && held.until > Date.now()) return false;
      leases.set(key, { owner, until });
      return true;
    },
    async renew(key, owner, until) {
      if (leases.get(key)?.owner !== owner) return false;
      leases.set(key, { owner, until });
      return true;
    },
    async release(key, owner) {
      if (leases.get(key)?.owner === owner) leases.delete(key);
    },
  };
}

const scan = (diffId: string): LayerScan => ({ diffId, uncompressedSize: 1, entries: [], whiteouts: [], opaqueDirs: [], warnings: [], analyses: [] });
const times = { leaseMs: 60_000, pollMs: 5, maxWaitMs: 60_000 };

describe('FleetLayerCache', () => {
  it('reads a layer in one worker while the others wait for its scan', async () => {
    const store = memoryStore();
    const workers = [0, 1, 2].map(() => new FleetLayerCache(store, new Diagnostics(), 'analysers', times));
    let reads = 0;
    let finish: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    const read = async (): Promise<LayerScan> => {
      reads++;
      await gate;
      return scan('sha256:d');
    };
    const results = Promise.all(workers.map((w) => w.once('sha256:b', 'sha256:d', read)));
    await new Promise((resolve) => setTimeout(resolve, 30));
    finish();
    const done = await results;
    expect(reads).toBe(1);
    expect(done.filter((r) => !r.fromFleet)).toHaveLength(1);
    expect(done.every((r) => r.scan.diffId === 'sha256:d')).toBe(true);
  });

  it('reads a layer whose reader died, once its lease has expired', async () => {
    const store = memoryStore();
    const short = { leaseMs: 20, pollMs: 5, maxWaitMs: 60_000 };
    // the first worker takes the layer and never finishes: it died, so it renews its lease no more
    const dead: FleetLayerStore = { ...store, renew: async () => false };
    void new FleetLayerCache(dead, new Diagnostics(), 'analysers', short).once('sha256:b', 'sha256:d', () => new Promise<LayerScan>(() => undefined));
    let reads = 0;
    const result = await new FleetLayerCache(store, new Diagnostics(), 'analysers', short).once('sha256:b', 'sha256:d', async () => {
      reads++;
      return scan('sha256:d');
    });
    expect([reads, result.fromFleet]).toEqual([1, false]);
  });

  it('keeps the layer while a long read goes on: its lease is renewed, the others wait', async () => {
    const store = memoryStore();
    const short = { leaseMs: 30, pollMs: 5, maxWaitMs: 60_000 };
    const workers = [0, 1].map(() => new FleetLayerCache(store, new Diagnostics(), 'analysers', short));
    let reads = 0;
    const slowRead = async (): Promise<LayerScan> => {
      reads++;
      // ten lease lengths: without renewal the other worker would take the layer and read it too
      await new Promise((resolve) => setTimeout(resolve, 300));
      return scan('sha256:d');
    };
    const done = await Promise.all(workers.map((w) => w.once('sha256:b', 'sha256:d', slowRead)));
    expect(reads).toBe(1);
    expect(done.map((r) => r.fromFleet).sort()).toEqual([false, true]);
  });

  it('keeps a scan the store cannot take as this read, with a warning: the layer is not read twice here', async () => {
    const store = memoryStore();
    const diagnostics = new Diagnostics();
    const full: FleetLayerStore = { ...store, put: () => Promise.reject(new Error('the layer result is 70000000 bytes of JSON, more than the store keeps')) };
    const result = await new FleetLayerCache(full, diagnostics, 'analysers', times).once('sha256:b', 'sha256:d', async () => scan('sha256:d'));
    expect([result.fromFleet, result.scan.diffId]).toEqual([false, 'sha256:d']);
    expect(diagnostics.items.map((d) => d.code)).toEqual(['fleet.layer-not-shared']);
    // the lease is given back: another worker reads the layer itself
    expect(store.leases.size).toBe(0);
  });

  it('never takes a stored scan of another layer for this one', async () => {
    const store = memoryStore();
    const diagnostics = new Diagnostics();
    const first = new FleetLayerCache(store, diagnostics, 'analysers', times);
    await first.once('sha256:b', 'sha256:d', async () => scan('sha256:d'));
    // the store's entry replaced by another layer's scan (a corrupt or hostile store)
    const tampered: FleetLayerStore = { ...store, get: async () => ({ blobDigest: 'sha256:other', ...scan('sha256:other') }) };
    let reads = 0;
    const result = await new FleetLayerCache(tampered, diagnostics, 'analysers', times).once('sha256:b', 'sha256:d', async () => {
      reads++;
      return scan('sha256:d');
    });
    expect([reads, result.fromFleet, result.scan.diffId]).toEqual([1, false, 'sha256:d']);
    expect(diagnostics.items.map((d) => d.code)).toContain('fleet.layer-corrupt');
  });
});
