import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digestOf, registry, stored, testNow } from '../lifecycle/posture/test-evidence.js';
import { diffScans, ScanHistory, type StoredScan } from './history.js';
import type { RegistryScanReport, StoredImage } from './model.js';
import { checkRegistry } from './rules/check.js';
import { withMovedFrom } from './scan.js';

let dir: string;
let history: ScanHistory;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shipshape-stable-history-'));
  history = ScanHistory.open(path.join(dir, 'history.sqlite'));
});
afterEach(async () => {
  history.close();
  await rm(dir, { recursive: true, force: true });
});

const a = digestOf('image-a');
const b = digestOf('image-b');
const day = 86_400_000;

/** An unsigned image, built `ageDays` ago, running as root: findings of several rules. */
const image = (digest: string, tags: string[], ageDays: number): StoredImage => stored(digest, tags, { platform: { ageDays, runsAsRoot: true } });

/** `team/app` as `registry scan` reports it on day `n`: moved tags, the rules, the changes since the previous scan. */
function scanOn(n: number, images: StoredImage[]): RegistryScanReport {
  const report = registry('registry.example', [{ name: 'team/app', images }]);
  const previous = history.previous('registry.example', undefined);
  const now = new Date(testNow.getTime() + n * day);
  report.scannedAt = now.toISOString();
  for (const repository of report.repositories) repository.tags = repository.tags.map((tag) => withMovedFrom(tag, repository.name, previous));
  report.findings = checkRegistry(report, { now, maxImageAgeDays: 180, keysGiven: false, previous });
  if (previous) report.changes = diffScans(previous, report);
  history.record(report);
  return report;
}

const newFindingsOf = (report: RegistryScanReport) => report.findings.filter((f) => report.changes?.newFindings.includes(f.fingerprint));

describe('registry findings and the scan history do not depend on how tags group on digests', () => {
  it('two tags share a digest, then one moves: one moved change, and nothing new on the image that stayed', () => {
    scanOn(0, [image(a, ['1.0', '1.1'], 400)]);
    const second = scanOn(1, [image(a, ['1.0'], 401), image(b, ['1.1'], 1)]);
    expect(second.changes).toEqual({
      previousScanAt: testNow.toISOString(),
      newImages: [{ repository: 'team/app', digest: b, tags: ['1.1'] }],
      movedTags: [{ repository: 'team/app', tag: '1.1', from: a, to: b }],
      removedTags: [],
      newFindings: expect.any(Array) as unknown,
    });
    // the image that stayed has its findings (now named team/app:1.0, a day older), none of them new
    expect(second.findings.filter((f) => f.target.digest === a).map((f) => f.ruleId)).toEqual([
      'SS-REG-006',
      'SS-REG-008',
      'SS-REG-009',
      'SS-REG-012',
      'SS-REG-017',
    ]);
    const fresh = newFindingsOf(second);
    expect(fresh.filter((f) => f.target.digest !== b)).toEqual([]);
    expect(fresh.map((f) => f.ruleId)).toEqual(['SS-REG-006', 'SS-REG-008', 'SS-REG-009', 'SS-REG-010', 'SS-REG-017']);
    // the history gives the same answer from the stored scans
    const [first, latest] = history.scans().map((s) => history.scan(s.id) as StoredScan);
    expect(diffScans(first as StoredScan, latest as StoredScan)).toEqual(second.changes);
  });

  it('tags regrouped on the same images: no new finding', () => {
    scanOn(0, [image(a, ['1.0', '1.1'], 400), image(b, ['2.0'], 10)]);
    const second = scanOn(1, [image(a, ['0.9', '1.0'], 401), image(b, ['2.0'], 11)]);
    expect(second.findings.find((f) => f.ruleId === 'SS-REG-006' && f.target.digest === a)?.message).toContain('team/app:0.9,1.0');
    expect(second.changes).toEqual({
      previousScanAt: testNow.toISOString(),
      newImages: [],
      movedTags: [],
      removedTags: [{ repository: 'team/app', tag: '1.1', digest: a }],
      newFindings: [],
    });
  });

  it('a scan fingerprinted by the older scheme is compared by rule, repository and digest', () => {
    scanOn(0, [image(a, ['1.0', '1.1'], 400)]);
    const [recorded] = history.scans();
    const stored1 = history.scan(recorded?.id ?? 0) as StoredScan;
    const older: StoredScan = { ...stored1, fingerprints: 1, findings: stored1.findings.map((f) => ({ ...f, fingerprint: `v1-${f.fingerprint}` })) };
    const report = registry('registry.example', [{ name: 'team/app', images: [image(a, ['1.0'], 401), image(b, ['1.1'], 1)] }]);
    report.findings = checkRegistry(report, { now: testNow, maxImageAgeDays: 180, keysGiven: false, previous: undefined });
    const fresh = report.findings.filter((f) => diffScans(older, report).newFindings.includes(f.fingerprint));
    expect(fresh.map((f) => f.target.digest)).toEqual(fresh.map(() => b));
    expect(fresh.length).toBeGreaterThan(0);
  });
});
