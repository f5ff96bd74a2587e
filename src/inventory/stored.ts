import { distros } from './distros/registry.js';
import type { Inventory } from './inventory.js';

/** An inventory as kept in a store: plain JSON, its distribution named by id. */
export interface StoredInventory extends Omit<Inventory, 'os'> {
  os: (Omit<NonNullable<Inventory['os']>, 'distro'> & { distro: string | undefined }) | undefined;
}

/** The inventory without behaviour (a distribution is a module with functions): safe to serialise. */
export function toStoredInventory(inventory: Inventory): StoredInventory {
  return { ...inventory, os: inventory.os && { ...inventory.os, distro: inventory.os.distro?.id } };
}

/** Back from the store: the distribution found again by id (one this version no longer knows is left unknown). */
export function fromStoredInventory(stored: StoredInventory): Inventory {
  return { ...stored, os: stored.os && { ...stored.os, distro: distros.find((d) => d.id === stored.os?.distro) } };
}
