import type { Store } from '../store/model.js';
import type { RunQueue } from './run-queue.js';

/** A label value as Prometheus' text format wants it. */
const label = (value: string): string => JSON.stringify(value).slice(1, -1);

/**
 * /metrics in Prometheus' text format: runs by status, the last finished run's duration and
 * phase scores, open findings and gaps by kind, severity and phase, and the queue's depth.
 */
export async function renderMetrics(store: Store, queue: RunQueue): Promise<string> {
  const runs = await store.listRuns({ limit: 500 });
  const lines: string[] = [];
  const metric = (name: string, type: 'gauge' | 'counter', help: string, samples: [labels: string, value: number][]): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}${labels ? `{${labels}}` : ''} ${value}`);
  };
  const byStatus = new Map<string, number>();
  for (const run of runs.items) byStatus.set(run.status, (byStatus.get(run.status) ?? 0) + 1);
  metric(
    'shipshape_runs',
    'gauge',
    'Runs among the last 500, by status.',
    ['queued', 'running', 'done', 'failed'].map((status) => [`status="${status}"`, byStatus.get(status) ?? 0]),
  );
  metric('shipshape_queue_depth', 'gauge', 'Runs waiting to start.', [['', byStatus.get('queued') ?? 0]]);
  const fleet = await queue.fleetDepth();
  if (fleet)
    metric('shipshape_fleet_jobs', 'gauge', "Jobs on the fleet's Redis queue: waiting for a worker, and taken.", [
      ['state="waiting"', fleet.waiting],
      ['state="active"', fleet.active],
    ]);
  metric('shipshape_run_active', 'gauge', 'Whether this server is carrying out a run.', [['', queue.running ? 1 : 0]]);
  const last = runs.items.find((run) => run.status === 'done');
  if (last) {
    metric('shipshape_last_run_duration_seconds', 'gauge', 'How long the last finished run took.', [['', (last.stats.durationMs ?? 0) / 1000]]);
    metric('shipshape_last_run_timestamp_seconds', 'gauge', 'When the last finished run ended.', [['', Date.parse(last.finishedAt ?? '') / 1000]]);
  }
  const scores = (await store.phaseScores(1)).filter((s) => s.score !== null);
  metric(
    'shipshape_phase_score',
    'gauge',
    'Posture score per lifecycle phase (0-100) of the last finished run; a phase not assessed has none.',
    scores.map((s) => [`phase="${label(s.phase)}"`, s.score ?? 0]),
  );
  const open = await store.countOpenItems();
  metric(
    'shipshape_open_items',
    'gauge',
    'Open findings and gaps by kind, severity and phase.',
    open.map((o) => [`kind="${label(o.kind)}",severity="${label(o.severity)}",phase="${label(o.phase)}"`, o.count]),
  );
  return `${lines.join('\n')}\n`;
}
