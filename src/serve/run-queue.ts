import { messageOf } from '../core/errors.js';
import type { FleetQueue } from '../jobs/fleet.js';
import { pushSubjectOf, runEstate, type PushSubject, type RunContext } from '../jobs/run-estate.js';
import type { RunRecord, RunTrigger } from '../store/model.js';

/**
 * The server's runs. A run is recorded as queued in the store (so a crash loses none: the next
 * start finds it), then either carried out here, one at a time, or — with a fleet — put on the
 * Redis queue for the workers. Stopping lets the current run here finish; what is still queued
 * stays queued for the next start.
 */
export class RunQueue {
  private draining: Promise<void> | undefined;
  private stopping = false;
  private current: RunRecord | undefined;

  constructor(
    private readonly context: RunContext,
    private readonly fleet?: FleetQueue | undefined,
  ) {}

  /**
   * Records a run and starts it as soon as the runs before it are done. A push whose repository
   * already waits in the queue joins that run: a burst of pushes is read once; so does a host's
   * report while a run for hosts' reports waits: a DaemonSet's nodes reporting at once are assessed
   * together.
   */
  async enqueue(trigger: RunTrigger, push?: PushSubject): Promise<RunRecord> {
    const subject = push ? JSON.stringify({ registry: push.registry, repository: push.repository }) : undefined;
    if (subject !== undefined || trigger === 'host') {
      const waiting = (await this.context.store.listRuns({ limit: 100 })).items.find(
        (r) => r.status === 'queued' && r.trigger === trigger && r.subject === subject,
      );
      if (waiting) return waiting;
    }
    const run = await this.context.store.createRun({ trigger, subject, queuedAt: this.context.now().toISOString() });
    if (this.fleet) await this.fleet.submit(run);
    else this.kick();
    return run;
  }

  /** Takes up queued runs (those left by a stopped or crashed server too); with a fleet, the workers do. */
  kick(): void {
    if (this.draining || this.stopping || this.fleet) return;
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

  /** Resolves when nothing is running or queued here (tests); with a fleet, when the store has no run left queued or running. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
    if (!this.fleet) return;
    // polled: the runs are the workers'; a fleet that takes longer than this is not idle
    for (let polls = 0; polls < 24_000; polls++) {
      const { items } = await this.context.store.listRuns({ limit: 100 });
      if (!items.some((r) => r.status === 'queued' || r.status === 'running')) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the fleet still has runs queued or running after 20 minutes');
  }

  /** Jobs waiting for and taken by the fleet's workers (undefined without a fleet). */
  async fleetDepth(): Promise<{ waiting: number; active: number } | undefined> {
    return this.fleet?.depth();
  }

  /** Puts the runs the store holds as queued on the fleet's queue (a server that stopped between recording and queueing). */
  async resubmitQueued(): Promise<string[]> {
    if (!this.fleet) return [];
    const queued = (await this.context.store.listRuns({ limit: 500 })).items.filter((r) => r.status === 'queued');
    for (const run of queued) await this.fleet.submit(run);
    return queued.map((r) => r.id);
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
