import { existsSync } from 'node:fs';
import { importOsv } from '../vuln/advisories/import.js';
import { AdvisoryStore } from '../vuln/advisories/store.js';

/**
 * The server's advisory database: read-only between updates, reopened after each, so a run always
 * matches against one consistent state. Undefined while no database exists (runs then say that
 * images were not checked: unknown, never clean).
 */
export class AdvisoryDatabase {
  private store: AdvisoryStore | undefined;

  constructor(readonly file: string) {
    this.reopen();
  }

  get current(): AdvisoryStore | undefined {
    return this.store;
  }

  /** Imports OSV files or folders (`server.advisories`) in one transaction, then reads the new state; returns the records imported. */
  async update(sources: readonly string[], now: Date): Promise<number> {
    const writer = AdvisoryStore.open(this.file, { create: true });
    try {
      return (await importOsv(writer, sources, { now })).records;
    } finally {
      writer.close();
      this.reopen();
    }
  }

  close(): void {
    this.store?.close();
    this.store = undefined;
  }

  private reopen(): void {
    this.close();
    this.store = existsSync(this.file) ? AdvisoryStore.open(this.file, { create: false, readonly: true }) : undefined;
  }
}
