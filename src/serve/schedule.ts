import { Cron } from 'croner';
import { UsageError, messageOf } from '../core/errors.js';
import type { Store } from '../store/model.js';

/** A cron expression checked now, so a typo fails at start and not silently at the first tick. */
export function checkSchedule(expression: string, what: string): void {
  try {
    new Cron(expression, { paused: true, timezone: 'UTC' }).stop();
  } catch (error) {
    throw new UsageError(`${what}: invalid cron expression ${JSON.stringify(expression)} (${messageOf(error)})`, {
      hint: 'five fields, UTC: minute hour day-of-month month day-of-week, e.g. "0 */6 * * *"',
    });
  }
}

/**
 * Calls `task` on each tick of `expression` (UTC) — once per tick across every server sharing the
 * store: a tick is taken by setting `key` from the previous tick to this one, which only one
 * server can do.
 */
export function schedule(store: Store, key: string, expression: string, task: () => Promise<void>, log: (message: string) => void): Cron {
  const job: Cron = new Cron(expression, { timezone: 'UTC', protect: true }, async () => {
    const slot = (job.currentRun() ?? new Date()).toISOString();
    try {
      const last = await store.getSetting(key);
      if (last !== undefined && last >= slot) return;
      if (!(await store.casSetting(key, last, slot))) return;
      await task();
    } catch (error) {
      log(`the scheduled ${key} at ${slot} failed: ${messageOf(error)}`);
    }
  });
  return job;
}
