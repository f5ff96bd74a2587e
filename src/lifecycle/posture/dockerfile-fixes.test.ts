import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { RuleFinding } from '../../rules/rule.js';
import { collectEstate } from '../collect.js';
import { loadShipshapeConfig } from '../config.js';
import { buildLifecycleMap } from '../map.js';
import { applyEdits } from './apply.js';
import type { ControlContext } from './controls/control.js';
import { trustedParentImages } from './controls/b01-trusted-parent-images.js';
import { nonRootImages } from './controls/b04-non-root-images.js';
import { dockerfileRulesClean } from './controls/b08-dockerfile-rules-clean.js';
import type { FileEdit, ProposedChange } from './model.js';
import { defaultPolicy } from './policy.js';

/**
 * Issue 18's closed loop for the Dockerfile patches: each example estate is copied, every B01 (with
 * digests as `fix --resolve` would give them), B04 and B08 change with edits is applied to the copy,
 * all edits of a file at once, and the copy is read and assessed again: the controls are met but for
 * the changes left by hand, no finding is new, every Dockerfile still parses, and a second round
 * proposes no edit.
 */
const examples = fileURLToPath(new URL('../../../examples/', import.meta.url));
const now = new Date('2026-01-03T00:00:00Z');
const controls = [trustedParentImages, nonRootImages, dockerfileRulesClean];
const digest = (seed: string): string => `sha256:${Buffer.from(seed).toString('hex').padEnd(64, '0').slice(0, 64)}`;

interface Assessed {
  root: string;
  context: ControlContext;
  changes: Map<string, ProposedChange[]>;
}

async function assess(dir: string): Promise<Assessed> {
  const config = await loadShipshapeConfig(path.join(dir, 'shipshape.yaml'));
  const evidence = await collectEstate({ sources: config.sources, manifests: config.manifests, registryReports: [] });
  const root = config.sources[0] ?? dir;
  const dockerfileTexts = new Map(evidence.build.dockerfiles.map((d) => [d.file, readFileSync(path.join(root, d.file), 'utf8')]));
  const resolvedDigests = new Map(evidence.build.dockerfiles.flatMap((d) => d.froms.map((f) => [f.resolved, digest(f.resolved)] as const)));
  const context: ControlContext = {
    evidence,
    map: buildLifecycleMap(evidence, now),
    policy: defaultPolicy,
    now,
    advisories: undefined,
    dockerfileTexts,
    resolvedDigests,
  };
  return { root, context, changes: new Map(controls.map((c) => [c.meta.id, c.evaluate(context).changes])) };
}

const withEdits = (estate: Assessed): [string, ProposedChange][] =>
  [...estate.changes].flatMap(([id, changes]) => changes.filter((c) => c.edits.length > 0).map((c): [string, ProposedChange] => [id, c]));

/** `rule message` with line numbers left out, per Dockerfile: what a patch must not add to. */
function findingKeys(estate: Assessed): string[] {
  const key = (file: string, f: RuleFinding): string => `${file} ${f.ruleId} ${f.message.replace(/\bline \d+/g, 'line N').replace(/@sha256:[0-9a-f]+/g, '')}`;
  return estate.context.evidence.build.dockerfiles.flatMap((d) => d.findings.map((f) => key(d.file, f))).sort();
}

const copies: string[] = [];
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

describe.each([
  {
    name: 'estate',
    patches: [
      'SS-CTL-B01 inventory-service/Dockerfile',
      'SS-CTL-B01 payments-api/Dockerfile',
      'SS-CTL-B01 platform-base/Dockerfile',
      'SS-CTL-B01 web-frontend/Dockerfile',
      'SS-CTL-B04 web-frontend/Dockerfile',
    ],
    // platform-base is the parent of the other images: its USER is left by hand
    byHand: { 'SS-CTL-B04': ['platform-base/Dockerfile'], 'SS-CTL-B08': ['platform-base/Dockerfile'] },
  },
  {
    name: 'estate-messy',
    patches: ['SS-CTL-B01 cart/Dockerfile', 'SS-CTL-B01 ledger/Dockerfile', 'SS-CTL-B04 checkout/Dockerfile', 'SS-CTL-B08 checkout/.dockerignore'],
    byHand: { 'SS-CTL-B04': [], 'SS-CTL-B08': [] },
  },
])('the Dockerfile patches of examples/$name', ({ name, patches, byHand }) => {
  it('apply together, close their gaps but for those left by hand, add no finding, and leave nothing to patch', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), `shipshape-df-fix-${name}-`));
    copies.push(dir);
    cpSync(path.join(examples, name), dir, { recursive: true });
    const before = await assess(dir);
    const applied = withEdits(before);
    expect(applied.map(([id, c]) => `${id} ${c.file ?? ''}`).sort()).toEqual(patches);
    const edits = new Map<string, FileEdit[]>();
    for (const [, change] of applied) for (const edit of change.edits) edits.set(edit.file, [...(edits.get(edit.file) ?? []), edit]);
    for (const [file, fileEdits] of edits) {
      const target = path.join(before.root, file);
      const text = existsSync(target) ? readFileSync(target, 'utf8') : '';
      writeFileSync(target, applyEdits(text, file, fileEdits));
    }

    const after = await assess(dir);
    // no new finding; every patched Dockerfile parses
    const old = findingKeys(before);
    expect(findingKeys(after).filter((k) => !old.includes(k))).toEqual([]);
    expect(findingKeys(after).filter((k) => / SS-DF-038 /.test(k))).toEqual([]);
    for (const [id, manual] of Object.entries(byHand)) {
      const outcome = controls.find((c) => c.meta.id === id)?.evaluate(after.context);
      const gaps = outcome?.evidence.filter((e) => !e.ok).map((e) => e.where?.split(':')[0]);
      expect([...new Set(gaps)].sort(), id).toEqual([...manual].sort());
      expect(outcome?.status, id).toBe(manual.length === 0 ? 'met' : 'partial');
    }
    // B01: every FROM written as a reference is pinned (trust is a policy matter, and a FROM built from an ARG, left by hand)
    const unpinned = after.context.evidence.build.dockerfiles.flatMap((d) =>
      d.findings.filter((f) => f.ruleId === 'SS-DF-001').map((f) => d.froms.find((from) => from.line === f.location.startLine)),
    );
    expect(unpinned.filter((from) => from?.raw === from?.resolved)).toEqual([]);
    // idempotent: nothing more to patch
    expect(withEdits(after).map(([id, c]) => `${id} ${c.summary}`)).toEqual([]);
  });
});
