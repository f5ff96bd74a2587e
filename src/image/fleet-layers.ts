import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Diagnostics } from '../core/diagnostics.js';
import { messageOf } from '../core/errors.js';
import type { LayerScan } from './layer/entry.js';
import { layerScanSchema, layerScanVersion } from './layer-cache.js';

/**
 * Where the processes of a fleet share layer scans (the server's store): entries by key, and a
 * lease so that one process reads a layer while the others wait for its result.
 */
export interface FleetLayerStore {
  get(key: string): Promise<unknown>;
  put(key: string, scan: unknown): Promise<void>;
  /** Takes the lease on `key` for `owner` until `expiresAt` (ms), unless another holds an unexpired one; true when taken. */
  lease(key: string, owner: string, expiresAt: number): Promise<boolean>;
  /** Extends `owner`'s lease on `key` to `expiresAt` while it still holds it; true when extended. */
  renew(key: string, owner: string, expiresAt: number): Promise<boolean>;
  release(key: string, owner: string): Promise<void>;
}

export interface FleetLayerTimes {
  /** How long a lease holds without renewal (renewed every third of it while the read goes on): a reader that dies frees its layer after it. */
  leaseMs: number;
  /** How often a waiting process looks for the result. */
  pollMs: number;
  /** How long a process waits for another's read before reading the layer itself. */
  maxWaitMs: number;
}

const defaultTimes: FleetLayerTimes = { leaseMs: 120_000, pollMs: 200, maxWaitMs: 600_000 };

/**
 * Layer scans shared fleet-wide, keyed as the disk cache keys them (scan version, analysers, the
 * blob digest and diffID a reader verified): a layer is read by one process at a time; the others
 * wait for its scan. A reader that dies holds the layer only until its lease expires.
 */
export class FleetLayerCache {
  private readonly owner = randomBytes(8).toString('hex');

  constructor(
    private readonly store: FleetLayerStore,
    private readonly diagnostics: Diagnostics,
    private readonly visitors: string,
    private readonly times: FleetLayerTimes = defaultTimes,
  ) {}

  /** The layer's scan from the fleet, or read here (`read`) when no other process is reading it. */
  async once(blobDigest: string, diffId: string, read: () => Promise<LayerScan>): Promise<{ scan: LayerScan; fromFleet: boolean }> {
    const key = createHash('sha256').update(`${layerScanVersion}\0${this.visitors}\0${blobDigest}\0${diffId}`).digest('hex');
    const deadline = Date.now() + this.times.maxWaitMs;
    while (Date.now() < deadline) {
      const known = await this.stored(key, blobDigest, diffId);
      if (known) return { scan: known, fromFleet: true };
      if (await this.store.lease(key, this.owner, Date.now() + this.times.leaseMs)) {
        try {
          // another may have finished between our look and our lease
          const finished = await this.stored(key, blobDigest, diffId);
          if (finished) return { scan: finished, fromFleet: true };
          const scan = await this.renewingWhile(key, read);
          // a scan the store cannot keep (too large, the store away) is still this read's: the others read the layer themselves
          await this.store.put(key, { blobDigest, ...scan }).catch((error: unknown) => {
            this.diagnostics.warn('fleet.layer-not-shared', `the scan of layer ${blobDigest} could not be shared with the fleet: ${messageOf(error)}`);
          });
          return { scan, fromFleet: false };
        } finally {
          await this.store.release(key, this.owner);
        }
      }
      await sleep(this.times.pollMs);
    }
    this.diagnostics.warn('fleet.layer-wait', `waited ${this.times.maxWaitMs / 1000} s for another worker to read layer ${blobDigest}; reading it here`);
    return { scan: await read(), fromFleet: false };
  }

  /** Runs `read` while renewing the lease on `key`, so that a long read (a large layer) is not taken over by a waiting worker. */
  private async renewingWhile(key: string, read: () => Promise<LayerScan>): Promise<LayerScan> {
    const timer = setInterval(() => {
      // a failed renewal only lets another worker read the layer too: the scans are the same
      this.store.renew(key, this.owner, Date.now() + this.times.leaseMs).catch(() => false);
    }, this.times.leaseMs / 3);
    try {
      return await read();
    } finally {
      clearInterval(timer);
    }
  }

  private async stored(key: string, blobDigest: string, diffId: string): Promise<LayerScan | undefined> {
    const value = await this.store.get(key);
    if (value === undefined) return undefined;
    const parsed = layerScanSchema.safeParse(value);
    if (parsed.success && parsed.data.blobDigest === blobDigest && parsed.data.diffId === diffId) {
      const { blobDigest: _holds, ...scan } = parsed.data;
      return scan;
    }
    this.diagnostics.warn('fleet.layer-corrupt', `the fleet's scan of layer ${blobDigest} does not hold that layer; reading it`);
    return undefined;
  }
}
