import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanHistory } from '../distribute/history.js';
import { scanReport } from '../distribute/test-scan-report.js';
import { estateWithoutRegistry, startTestServer } from './test-server.js';

describe('the registry scan history of `registry scan` moves into the server store', () => {
  let cacheDir: string;
  let db: string;
  beforeAll(async () => {
    cacheDir = await mkdtemp(path.join(tmpdir(), 'shipshape-history-import-'));
    db = path.join(cacheDir, 'store.db');
    const history = ScanHistory.open(path.join(cacheDir, 'history.sqlite'));
    history.record(scanReport('2026-11-01T00:00:00Z', { 'team/app': { '1.0': 'a' } }, ['f1']));
    history.record(scanReport('2026-11-02T00:00:00Z', { 'team/app': { '1.0': 'b' } }, ['f1', 'f2']));
    history.close();
  });
  afterAll(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('imports the scans at the first start, and never twice', async () => {
    const config = await estateWithoutRegistry();
    for (const start of [1, 2]) {
      const server = await startTestServer(config, { db, cacheDir });
      try {
        const scans = await server.store.listRegistryScans();
        expect(
          scans.map((s) => [s.scannedAt, s.findings]),
          `start ${start}`,
        ).toEqual([
          ['2026-11-01T00:00:00.000Z', 1],
          ['2026-11-02T00:00:00.000Z', 2],
        ]);
        if (start === 1) expect(server.logs).toContain(`imported 2 registry scans from ${path.join(cacheDir, 'history.sqlite')}`);
        else expect(server.logs.join('\n')).not.toContain('imported');
      } finally {
        await server.close();
      }
    }
  });
});
