import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../store/open.js';
import type { Store } from '../store/model.js';
import { RunQueue } from './run-queue.js';
import { estateWithoutRegistry } from './test-server.js';

describe('RunQueue', () => {
  let dir: string;
  let store: Store;
  let queue: RunQueue;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shipshape-queue-'));
    store = await openStore(path.join(dir, 'store.db'));
    await store.migrate();
    const config = await estateWithoutRegistry();
    queue = new RunQueue({
      store,
      config,
      env: {},
      homedir: dir,
      cacheDir: dir,
      advisories: () => undefined,
      toolVersion: 'test',
      now: () => new Date(),
      log: () => undefined,
    });
  });
  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a burst of pushes to one repository once: they join the run that waits', async () => {
    // stopped: nothing is taken up, so the runs stay queued for the test to see
    await queue.stop();
    const first = await queue.enqueue('push', { registry: 'reg:5000', repository: 'team/app' });
    const again = await queue.enqueue('push', { registry: 'reg:5000', repository: 'team/app' });
    const other = await queue.enqueue('push', { registry: 'reg:5000', repository: 'team/web' });
    const manual = await queue.enqueue('manual');
    expect(again.id).toBe(first.id);
    expect(new Set([first.id, other.id, manual.id]).size).toBe(3);
    expect((await store.listRuns({ limit: 10 })).items.map((r) => r.status)).toEqual(['queued', 'queued', 'queued']);
  });

  it("assesses hosts' reports that arrive while a run for them waits in that run, and nothing else with them", async () => {
    await queue.stop();
    const first = await queue.enqueue('host');
    const again = await queue.enqueue('host');
    const manual = await queue.enqueue('manual');
    const push = await queue.enqueue('push', { registry: 'reg:5000', repository: 'team/host' });
    expect(again.id).toBe(first.id);
    expect(new Set([first.id, manual.id, push.id]).size).toBe(3);
    expect((await store.getRun(first.id))?.trigger).toBe('host');
  });
});
