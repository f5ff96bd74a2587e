import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanHistory } from '../../distribute/history.js';
import { checkRegistry } from '../../distribute/rules/check.js';
import { digestOf, platform, registry, stored, testNow } from '../../lifecycle/posture/test-evidence.js';
import { renderRegistryScan } from './table.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shipshape-registry-table-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('renderRegistryScan', () => {
  it('prints the counts the scan history records: stored images (not platform rows), every finding (not only those shown)', () => {
    const index = digestOf('index');
    const secret = { ruleId: 'SS-SEC-001', title: 'AWS access key id', path: '/app/.env', layer: 2 };
    const multi = { ...stored(index, ['1.0', 'latest']), mediaType: 'application/vnd.oci.image.index.v1+json' };
    // two platforms; the same secret found twice in one file is one finding
    multi.platforms = [
      platform(digestOf('amd64'), { platform: 'linux/amd64', runsAsRoot: true, secrets: [secret, secret] }),
      platform(digestOf('arm64'), { platform: 'linux/arm64', runsAsRoot: true }),
    ];
    const report = registry('registry.example', [{ name: 'team/app', images: [multi] }]);
    report.findings = checkRegistry(report, { now: testNow, maxImageAgeDays: 180, keysGiven: false, previous: undefined });
    const history = ScanHistory.open(path.join(dir, 'history.sqlite'));
    try {
      history.record(report);
      const [recorded] = history.scans();
      const text = renderRegistryScan(report, Number.POSITIVE_INFINITY, ['CRITICAL']);
      expect(text).toContain(`== Images: ${recorded?.images} (2 platform images) ==`);
      expect(text).toContain(`== Findings: ${recorded?.findings} (1 shown: CRITICAL) ==`);
      expect(recorded).toMatchObject({ images: 1, findings: report.findings.length });
      expect(text.match(/^CRITICAL +SS-REG-016 /gm)).toHaveLength(1);
    } finally {
      history.close();
    }
  });
});
