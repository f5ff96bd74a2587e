import { describe, expect, it } from 'vitest';
import { distroByOsReleaseId } from './distros/registry.js';
import type { Inventory } from './inventory.js';
import { fromStoredInventory, toStoredInventory } from './stored.js';

describe('stored inventories', () => {
  const inventory: Inventory = {
    os: {
      distro: distroByOsReleaseId('debian'),
      id: 'debian',
      name: 'Debian',
      version: '11',
      prettyName: undefined,
      codename: 'bullseye',
      distroless: false,
      evidence: 'etc/os-release',
    },
    packages: [],
    suppressed: [],
    diagnostics: [],
  };

  it('survive JSON with their distribution found again by id', () => {
    const back = fromStoredInventory(JSON.parse(JSON.stringify(toStoredInventory(inventory))) as ReturnType<typeof toStoredInventory>);
    expect(back.os?.distro).toBe(inventory.os?.distro);
    expect(back).toEqual(inventory);
  });

  it('leave a distribution this version does not know unknown', () => {
    const stored = toStoredInventory(inventory);
    expect(fromStoredInventory({ ...stored, os: stored.os && { ...stored.os, distro: 'gone' } }).os?.distro).toBeUndefined();
  });
});
