import type { FleetLayerStore } from '../image/fleet-layers.js';
import type { Store } from '../store/model.js';

/** The `analysers` column of the layer results a fleet shares: the key itself names the scan version and analysers. */
const fleetScans = 'fleet-scan';
/**
 * Layer scans shared through the server's store: results in `layer_results`, and per layer a lease
 * (`<owner> <expires ms>`) taken by compare-and-set, so one worker reads a layer at a time.
 */
export function storeFleetLayers(store: Store, now: () => number = Date.now): FleetLayerStore {
  const leaseKey = (key: string): string => `layer-lease:${key}`;
  return {
    get: (key) => store.getLayerResult(key, fleetScans),
    put: (key, scan) => store.putLayerResult(key, fleetScans, scan, new Date(now()).toISOString()),
    async lease(key, owner, expiresAt) {
      const current = await store.getSetting(leaseKey(key));
      const until = Number(current?.split(' ')[1] ?? 0);
      if (current !== undefined && until > now()) return false;
      return store.casSetting(leaseKey(key), current, `${owner} ${expiresAt}`);
    },
    async renew(key, owner, expiresAt) {
      const current = await store.getSetting(leaseKey(key));
      return current?.startsWith(`${owner} `) === true && store.casSetting(leaseKey(key), current, `${owner} ${expiresAt}`);
    },
    async release(key, owner) {
      const current = await store.getSetting(leaseKey(key));
      // given back by removing it: a lease leaves no row behind once its layer is read
      if (current?.startsWith(`${owner} `)) await store.deleteSetting(leaseKey(key), current);
    },
  };
}
