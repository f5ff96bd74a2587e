import type { ShipshapeConfig } from '../lifecycle/config.js';
import type { Store } from '../store/model.js';
import type { AdvisoryLookup } from '../vuln/match/matcher.js';
import type { AdvisoryDatabase } from './advisories.js';

/** Where the server says when it last updated its advisories (`server.advisories`): workers follow it. */
const advisoriesGenerationKey = 'advisories:generation';

/** Tells the fleet that the server's advisories changed (the time of the update and what it imported). */
export async function announceAdvisories(store: Store, updatedAt: Date, records: number): Promise<void> {
  await store.setSetting(advisoriesGenerationKey, JSON.stringify({ updatedAt: updatedAt.toISOString(), records }));
}

/**
 * A worker's advisory database, kept in step with the server's: when the server has updated its
 * advisories since this worker last looked, the worker imports the same `server.advisories`
 * sources into its own database before its next job, so every worker matches against what the
 * server does (the sources must be readable on the workers too: the same files or folders mounted).
 */
export class FleetAdvisories {
  private known: string | undefined;
  private updating: Promise<void> | undefined;

  constructor(
    private readonly database: AdvisoryDatabase,
    private readonly store: Store,
    private readonly log: (message: string) => void,
  ) {}

  current(): AdvisoryLookup | undefined {
    return this.database.current;
  }

  /** Imports the server's advisory sources again when the server updated them since this worker did. */
  async follow(config: ShipshapeConfig): Promise<void> {
    const generation = await this.store.getSetting(advisoriesGenerationKey);
    if (generation === undefined || generation === this.known || config.server.advisories.length === 0) return;
    this.updating ??= (async () => {
      const records = await this.database.update(config.server.advisories, new Date());
      this.known = generation;
      this.log(`advisories updated as the server's: ${records} records imported from ${config.server.advisories.join(', ')}`);
    })().finally(() => {
      this.updating = undefined;
    });
    await this.updating;
  }

  close(): void {
    this.database.close();
  }
}
