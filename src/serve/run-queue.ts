import { messageOf } from '../core/errors.js';
import { runEstate, type PushSubject, type RunContext } from '../jobs/run-estate.js';
import type { RunRecord, RunTrigger } from '../store/model.js';

/**
 * The server's runs, one at a time, in this process: a run is recorded as queued in the store
 * (so a crash loses none: the next start finds it), then claimed and carried out. Stopping lets the
 * current run finish; what is still queued stays queued for the next start.
 */
export class RunQueue {
  private draining: Promise<void> | undefined;
  private stopping = false;
  private current: RunRecord | undefined;

  constructor(private readonly context: RunContext) {}

  /**
   * Records a run and starts it as soon as the runs before it are done. A push whose repository
   * already waits in the queue joins that run: a burst of pushes is read once.
   */
  async enqueue(trigger: RunTrigger, push?: PushSubject): Promise<RunRecord> {
    const subject = push ? JSON.stringify({ registry: push.registry, repository: push.repository }) : undefined;
    if (subject !== undefined) {
      const waiting = (await this.context.store.listRuns({ limit: 100 })).items.find(
        (r) => r.status === 'queued' && r.trigger === 'push' && r.subject === subject,
      );
      if (waiting) return waiting;
    }
    const run = await this.context.store.createRun({ trigger, subject, queuedAt: this.context.now().toISOString() });
    this.kick();
    return run;
  }

  /** Takes up queued runs (those left by a stopped or crashed server too). */
  kick(): void {
    if (this.draining || this.stopping) return;
    this.draining = this.drain()
      .catch((error: unknown) => this.context.log(`the run queue stopped: ${messageOf(error)}`))
      .finally(() => {
        this.draining = undefined;
      });
  }

  /** The run being carried out now, if any. */
  get running(): RunRecord | undefined {
    return this.current;
  }

  /** Waits for the current run to end; takes no new one. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.draining;
  }

  /** Resolves when nothing is running or queued (tests, `--once`). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    while (!this.stopping) {
      const run = await this.context.store.claimRun(this.context.now().toISOString());
      if (run === undefined) return;
      this.current = run;
      try {
        await runEstate(this.context, run, pushSubjectOf(run));
      } finally {
        this.current = undefined;
      }
    }
  }
}

function pushSubjectOf(run: RunRecord): PushSubject | undefined {
  if (run.trigger !== 'push' || run.subject === undefined) return undefined;
  const parsed = JSON.parse(run.subject) as PushSubject;
  return { registry: parsed.registry, repository: parsed.repository };
}
