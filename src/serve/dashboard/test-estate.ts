import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadShipshapeConfig } from '../../lifecycle/config.js';
import type { ObservedItem, TrackedItem } from '../../store/model.js';
import { hostReportOf } from '../../store/test-backends.js';
import { startTestServer, type TestServer } from '../test-server.js';

const exampleEstate = fileURLToPath(new URL('../../../examples/estate/', import.meta.url));

/** Text a hostile manifest or registry could hold: it must show as text and never run. */
export const hostileName = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">';

/** Images the store holds for the images views (the estate is read with no registry, so none come from a scan). */
export const seededImages = [
  { digest: `sha256:${'1c'.repeat(32)}`, reference: 'registry.shop.internal/shop/payments-api:142', running: true, counts: { CRITICAL: 1, HIGH: 3, LOW: 2 } },
  { digest: `sha256:${'2d'.repeat(32)}`, reference: 'registry.shop.internal/shop/legacy-report:0.9', running: false, counts: { MEDIUM: 4 } },
  { digest: `sha256:${'3e'.repeat(32)}`, reference: `registry.shop.internal/shop/web${hostileName}:1`, running: false, counts: {} },
] as const;

/** The host whose report the store holds (see `hostReportOf`). */
export const seededHost = 'ip-10-20-1-17.eu-west-1.compute.internal';

/** The finding the third run opens on the first seeded image. */
export const imageFinding: ObservedItem = {
  fingerprint: 'f'.repeat(32),
  kind: 'finding',
  ruleId: 'CVE-2024-6387',
  severity: 'CRITICAL',
  phase: 'distribute',
  category: 'vulnerability',
  title: `openssh: regreSSHion ${hostileName}`,
  where: `registry.shop.internal/shop/payments-api@${seededImages[0].digest}`,
  detail: 'openssh-server 1:9.2p1-2 (fixed in 1:9.2p1-2+deb12u3)',
};

export interface DashboardEstate {
  server: TestServer;
  readToken: string;
  /** The temporary copy of the example estate: no path under it may show in the dashboard. */
  estateDir: string;
}

/**
 * A real server (the team's test server: SQLite store in a temp dir) over a temporary copy of
 * examples/estate with no registry: run 1 reads the estate as it is; then a workload gets a hostile
 * container name and the web Dockerfile a USER line, and run 2 reads it again; images are
 * recorded, a host's report kept, and a third run (made here, with run 2's document) adds a
 * vulnerability on an image and shows the registry as stale.
 */
export async function startDashboardEstate(dir: string): Promise<DashboardEstate> {
  const estateDir = join(dir, 'estate');
  await cp(exampleEstate, estateDir, { recursive: true });
  const server = await startTestServer({ ...(await loadShipshapeConfig(join(estateDir, 'shipshape.yaml'))), registries: [] });
  const { store } = server;
  const readToken = await server.token('read');

  await server.queue.enqueue('manual');
  await server.queue.idle();
  const firstRun = (await store.listRuns({ limit: 1 })).items[0];
  await edit(join(estateDir, 'k8s', 'shop-prod.yaml'), (text) =>
    text.replace('        - name: redis\n', `        - name: ${JSON.stringify(`redis${hostileName}`)}\n`),
  );
  await edit(join(estateDir, 'repos', 'web-frontend', 'Dockerfile'), (text) => `${text.trimEnd()}\nUSER nginx\n`);
  await server.queue.enqueue('manual');
  await server.queue.idle();

  const seenAt = new Date().toISOString();
  // a host's report, received after the runs (the hosts list reads the store, not a run); its OS named by a hostile host
  const host = hostReportOf('worker-7', ['/etc/docker/daemon.json: unreadable']);
  if (host.host.os) host.host.os.prettyName = `Debian ${hostileName}`;
  await store.putHostReport(seededHost, host, seenAt);
  await store.upsertImages(seededImages.map((i) => ({ digest: i.digest, reference: i.reference, platform: 'linux/amd64', running: i.running, seenAt })));
  for (const image of seededImages) await store.setVulnerabilityCounts(image.digest, image.counts, seenAt);

  const latest = await store.getDocument();
  const open = await store.listItems({ state: 'open' }, { limit: 500 });
  const run = await store.createRun({ trigger: 'manual', queuedAt: new Date().toISOString() });
  await store.claimRun(new Date().toISOString());
  // the third run's posture: run 2's, with the build phase 10 points better
  const document = structuredClone(latest?.document) as { posture: { phases: { phase: string; score: number | null }[]; overall: number | null } };
  for (const phase of document.posture.phases) if (phase.phase === 'build' && phase.score !== null) phase.score += 10;
  const phases = document.posture.phases;
  await store.finishRun(run.id, {
    status: 'done',
    finishedAt: new Date().toISOString(),
    parts: [
      { name: 'registry:registry.shop.internal', status: 'stale', reason: 'connect ECONNREFUSED 10.0.0.9:443', durationMs: 30, readAt: firstRun?.finishedAt },
      { name: 'sources', status: 'ok', durationMs: 40 },
      { name: 'manifests', status: 'ok', durationMs: 40 },
    ],
    stats: { durationMs: 120, findings: open.total + 1 },
    document,
    scores: [...phases.map((p) => ({ phase: p.phase, score: p.score })), { phase: 'overall', score: document.posture.overall }],
    observed: [...open.items.map(observed), imageFinding],
  });
  return { server, readToken, estateDir };
}

async function edit(file: string, change: (text: string) => string): Promise<void> {
  const before = await readFile(file, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`${file}: the edit the test needs did not apply`);
  await writeFile(file, after);
}

function observed(item: TrackedItem): ObservedItem {
  const { fingerprint, kind, ruleId, severity, phase, category, title, where, detail } = item;
  return { fingerprint, kind, ruleId, severity, phase, category, title, where, detail };
}
