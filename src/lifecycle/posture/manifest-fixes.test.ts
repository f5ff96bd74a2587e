import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { RegistryScanReport } from '../../distribute/model.js';
import type { RuleFinding } from '../../rules/rule.js';
import { checkCompose } from '../../runtime/compose/check.js';
import { loadCompose } from '../../runtime/compose/load.js';
import { loadManifests } from '../../runtime/manifests/load.js';
import { checkPodSecurity } from '../../runtime/pod-security.js';
import { collectEstate } from '../collect.js';
import { loadShipshapeConfig } from '../config.js';
import type { EstateEvidence } from '../estate-model.js';
import { buildLifecycleMap } from '../map.js';
import { applyEdits } from './apply.js';
import { assessPosture } from './assess.js';
import type { ControlResult, FileEdit, PostureReport, ProposedChange } from './model.js';
import { defaultPolicy } from './policy.js';
import { digestOf, registry, stored } from './test-evidence.js';

/**
 * Issue 18's closed loop for the run phase: every R01/R02/R03/R05/R06 change with edits of an
 * example estate is applied to a copy of its manifests (all edits of a file together, an edit two
 * changes share applied once, as `shipshape fix` applies them), and the estate is assessed again.
 * Each patched file still parses (`yaml` with unique keys, the project's manifest loader); each
 * control that had a patch is met, or partial only where it listed a change to make by hand; no
 * finding (k8s check rules, Pod Security checks) appears that was not there; and the controls
 * propose no further edit, so a second `fix` writes nothing.
 */
const examples = fileURLToPath(new URL('../../../examples/', import.meta.url));
const now = new Date('2026-01-03T00:00:00Z');
const runControls = ['SS-CTL-R01', 'SS-CTL-R02', 'SS-CTL-R03', 'SS-CTL-R05', 'SS-CTL-R06'];
const work = mkdtempSync(path.join(tmpdir(), 'shipshape-manifest-fixes-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** What registry scans of the estates would say: some tags with their digests, redis running as root. */
const scans: Record<string, RegistryScanReport[]> = {
  estate: [
    registry('registry.shop.internal', [
      { name: 'shop/web-frontend', images: [stored(digestOf('web-frontend'), ['latest'], { platform: { runsAsRoot: false } })] },
      { name: 'shop/legacy-report', images: [stored(digestOf('legacy-report'), ['0.9'])] },
      { name: 'shop/payments-api', images: [stored(digestOf('payments-api'), ['142'], { platform: { runsAsRoot: false } })] },
    ]),
    registry('docker.io', [{ name: 'library/redis', images: [stored(digestOf('redis'), ['7'], { platform: { runsAsRoot: true } })] }]),
  ],
  'estate-messy': [registry('registry.shop.internal', [{ name: 'shop/cart', images: [stored(digestOf('cart'), ['9f3c2e1'])] }])],
};

async function assess(name: string, manifests: string, extraFindings: RuleFinding[] = []): Promise<{ evidence: EstateEvidence; report: PostureReport }> {
  const config = await loadShipshapeConfig(path.join(examples, name, 'shipshape.yaml'));
  const evidence = await collectEstate({ sources: config.sources, manifests: [manifests], registryReports: scans[name] ?? [] });
  // the manifests alone (a copy of them is patched): compose files of the sources are the compose test's, given as extraFindings
  if (evidence.run) evidence.run.findings = [...evidence.run.findings.filter((f) => !f.ruleId.startsWith('SS-CMP-')), ...extraFindings];
  const map = buildLifecycleMap(evidence, now);
  return { evidence, report: assessPosture(evidence, map, { policy: defaultPolicy, now }) };
}

const runResults = (report: PostureReport): ControlResult[] => report.controls.filter((c) => runControls.includes(c.control.id));

/** Every edit of the changes, by file, each distinct edit once. */
function editsByFile(changes: readonly ProposedChange[]): Map<string, FileEdit[]> {
  const files = new Map<string, FileEdit[]>();
  for (const edit of changes.flatMap((c) => c.edits)) {
    const list = files.get(edit.file) ?? [];
    if (!list.some((e) => JSON.stringify(e) === JSON.stringify(edit))) list.push(edit);
    files.set(edit.file, list);
  }
  return files;
}

/** Writes the edits; returns the files written. */
function applyAll(changes: readonly ProposedChange[]): string[] {
  const written: string[] = [];
  for (const [file, edits] of editsByFile(changes)) {
    const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
    writeFileSync(file, applyEdits(before, file, edits));
    written.push(file);
  }
  return written;
}

/** A finding as the same finding of the same object, whatever pins or a declared namespace changed in its message. */
const findingKey = (f: RuleFinding): string => `${f.ruleId} ${f.message.replace(/@sha256:[0-9a-f]{64}/g, '').replace(/ \(used by [^)]*\)/, '')}`;

/** `namespace x`, or the `ns/Kind/name` an evidence line or a change is about. */
function subjectOf(text: string): string {
  const namespace = /namespace (\S+)/.exec(text);
  return namespace ? `namespace ${namespace[1] ?? ''}` : (text.split(/[\s:]/)[0] ?? text);
}

function parseProblems(file: string, text: string): string[] {
  const docs = parseAllDocuments(text, { uniqueKeys: true });
  const yamlErrors = (Array.isArray(docs) ? docs : []).flatMap((d) => d.errors.map((e) => `${file}: ${e.message.split('\n')[0] ?? ''}`));
  const loaded = loadManifests([{ name: file, text }])
    .diagnostics.filter((d) => d.level === 'error')
    .map((d) => `${file}: ${d.message}`);
  return [...yamlErrors, ...loaded];
}

describe.each([
  // left by hand: runAsNonRoot for redis (a registry scan says its image runs as root), busybox's digest (no scan read it)
  ['estate', { 'SS-CTL-R01': 'met', 'SS-CTL-R02': 'partial', 'SS-CTL-R03': 'partial', 'SS-CTL-R05': 'met', 'SS-CTL-R06': 'met' }],
  // left by hand: the digests no scan read, and ${IMAGE}, filled in at deploy time; nothing was privileged
  ['estate-messy', { 'SS-CTL-R01': 'met', 'SS-CTL-R02': 'met', 'SS-CTL-R03': 'partial', 'SS-CTL-R05': 'met' }],
  // left by hand: the scanner agent's USB devices (privileged, a hostPath under /dev), so its namespace is not labelled yet either
  ['estate-mixed', { 'SS-CTL-R02': 'partial', 'SS-CTL-R05': 'met' }],
])('the run-phase changes of examples/%s, applied to a copy of its manifests', (name, statuses) => {
  it('parse, close their gaps or leave only what they listed by hand, add no finding, and leave nothing more to patch', async () => {
    const manifests = path.join(work, name);
    cpSync(path.join(examples, name, 'k8s'), manifests, { recursive: true });
    const before = await assess(name, manifests);
    const patches = runResults(before.report).flatMap((c) => c.changes.filter((ch) => ch.edits.length > 0).map((ch) => ({ id: c.control.id, change: ch })));
    expect([...new Set(patches.map((p) => p.id))]).toEqual(Object.keys(statuses));
    const written = applyAll(patches.map((p) => p.change));
    const problems = written.flatMap((file) => parseProblems(file, readFileSync(file, 'utf8')));
    const after = await assess(name, manifests);

    expect(Object.fromEntries(runResults(after.report).flatMap((c) => (c.control.id in statuses ? [[c.control.id, c.status]] : [])))).toEqual(statuses);
    for (const control of runResults(after.report)) {
      if (!patches.some((p) => p.id === control.control.id)) continue;
      const manual = (runResults(before.report).find((c) => c.control.id === control.control.id)?.changes ?? []).filter((c) => c.edits.length === 0);
      if (control.status !== 'met' && control.status !== 'partial') problems.push(`${control.control.id} is ${control.status} after its patches`);
      for (const evidence of control.evidence.filter((e) => !e.ok)) {
        const subject = subjectOf(evidence.text);
        if (!manual.some((c) => c.summary.includes(subject)))
          problems.push(`${control.control.id}: ${evidence.text} (no change by hand was listed for ${subject})`);
      }
      for (const change of control.changes.filter((c) => c.edits.length > 0)) problems.push(`${control.control.id} still proposes: ${change.summary}`);
    }
    const known = new Set((before.evidence.run?.findings ?? []).map(findingKey));
    for (const finding of after.evidence.run?.findings ?? [])
      if (!known.has(findingKey(finding))) problems.push(`new finding: ${finding.ruleId} ${finding.message}`);
    const violations = (evidence: EstateEvidence): Map<string, Set<string>> =>
      new Map(
        checkPodSecurity(evidence.run?.objects ?? [], { level: 'restricted', version: 'latest', explicit: true }).map((r) => [
          `${r.namespace}/${r.kind}/${r.name}`,
          new Set(r.violations.map((v) => v.check)),
        ]),
      );
    const was = violations(before.evidence);
    for (const [workload, checks] of violations(after.evidence))
      for (const check of checks) if (!was.get(workload)?.has(check)) problems.push(`${workload} now breaks ${check}`);
    expect(problems).toEqual([]);
  });
});

describe('the compose changes (R02, R03, R06)', () => {
  it('set privileged: false, no-new-privileges and a pinned image on the service, and clear those findings only', async () => {
    const dir = path.join(work, 'compose');
    cpSync(path.join(examples, 'estate', 'k8s'), dir, { recursive: true });
    const compose = path.join(work, 'compose.yaml');
    // comments, 4-space indentation, a flow list, an anchor shared by two services
    const text = [
      '# the shop, locally',
      'x-logging: &logging',
      '    driver: json-file',
      'services:',
      '    proxy:',
      '        image: registry.shop.internal/shop/web-frontend   # the storefront',
      '        privileged: true',
      '        logging: *logging',
      '        ports: ["8080:80"]',
      '    worker:',
      '        image: redis:7',
      '        security_opt:',
      '            - label=disable',
      '        logging: *logging',
      '',
    ].join('\n');
    writeFileSync(compose, text);
    const findings = checkCompose(compose, text).findings;
    const before = await assess('estate', dir, findings);
    const patches = before.report.controls
      .filter((c) => ['SS-CTL-R02', 'SS-CTL-R03', 'SS-CTL-R06'].includes(c.control.id))
      .flatMap((c) => c.changes)
      .filter((c) => c.edits.some((e) => e.file === compose));
    expect(patches.flatMap((c) => c.rules ?? []).sort()).toEqual(['SS-CMP-001', 'SS-CMP-009', 'SS-CMP-009', 'SS-CMP-013']);
    const after = applyEdits(text, compose, [...editsByFile(patches).get(compose)!]);
    expect(after).toBe(
      [
        '# the shop, locally',
        'x-logging: &logging',
        '    driver: json-file',
        'services:',
        '    proxy:',
        `        image: registry.shop.internal/shop/web-frontend@${digestOf('web-frontend')}   # the storefront`,
        '        privileged: false',
        '        logging: *logging',
        '        ports: ["8080:80"]',
        '        security_opt: ["no-new-privileges:true"]',
        '    worker:',
        '        image: redis:7',
        '        security_opt:',
        '            - label=disable',
        '            - "no-new-privileges:true"',
        '        logging: *logging',
        '',
      ].join('\n'),
    );
    expect(loadCompose(compose, after).diagnostics).toEqual([]);
    const rechecked = checkCompose(compose, after).findings;
    const cleared = findings.filter((f) => !rechecked.some((r) => r.fingerprint === f.fingerprint)).map((f) => f.ruleId);
    expect(cleared.sort()).toEqual(['SS-CMP-001', 'SS-CMP-009', 'SS-CMP-009', 'SS-CMP-013']);
    expect(rechecked.filter((r) => !findings.some((f) => f.fingerprint === r.fingerprint))).toEqual([]);
  });
});
