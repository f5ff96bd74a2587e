import { describe, expect, it } from 'vitest';
import { checkCompose } from '../../../runtime/compose/check.js';
import { loadManifests } from '../../../runtime/manifests/load.js';
import { checkWorkloads } from '../../../runtime/rules/check.js';
import { dedent } from '../../../test-support/text.js';
import { applyEdits } from '../apply.js';
import { context, digestOf, estate, registry, run, stored } from '../test-evidence.js';
import { imagesByDigestFromAllowed } from './r03-images-by-digest-allowed.js';

const digest = digestOf('api');
const pod = (image: string): string =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  containers:\n    - name: api\n      image: ${image}\n`;

describe('SS-CTL-R03 images by digest from allowed registries', () => {
  it('is met by digest from an allowed registry', () => {
    const outcome = imagesByDigestFromAllowed.evaluate(
      context(estate({ run: run(pod(`r.example/team/api@${digest}`)) }), { policy: { allowedRegistries: ['r.example'] } }),
    );
    expect(outcome.status).toBe('met');
    expect(outcome.evidence[0]?.where).toBe('deploy.yaml:9');
  });

  it('is partial by tag from a trusted registry, with the digest the registry scan knows', () => {
    const reg = registry('r.example', [{ name: 'team/api', images: [stored(digest, ['1.0'])] }]);
    const outcome = imagesByDigestFromAllowed.evaluate(context(estate({ registries: [reg], run: run(pod('r.example/team/api:1.0')) })));
    expect(outcome.status).toBe('partial');
    expect(outcome.changes[0]).toMatchObject({ file: 'deploy.yaml', line: 9, snippet: `image: r.example/team/api:1.0@${digest}` });
    // applied to the manifest, the control finds the image pinned
    const pinned = applyEdits(pod('r.example/team/api:1.0'), 'deploy.yaml', outcome.changes[0]?.edits ?? []);
    expect(imagesByDigestFromAllowed.evaluate(context(estate({ registries: [reg], run: run(pinned) }))).status).toBe('met');
  });

  it('is a gap by tag from a registry outside the allow-list', () => {
    const outcome = imagesByDigestFromAllowed.evaluate(context(estate({ run: run(pod('nginx:1.27')) }), { policy: { allowedRegistries: ['r.example'] } }));
    expect(outcome.status).toBe('gap');
    expect(outcome.changes[0]?.snippet).toBe("skopeo inspect docker://nginx:1.27 --format '{{.Digest}}'");
  });

  it('pins the images of every workload kind the registry scan knows, init containers and CronJobs too, naming the rules it clears', () => {
    const manifest = dedent`
      apiVersion: batch/v1
      kind: CronJob
      metadata: { name: report, namespace: shop }
      spec:
        jobTemplate:
          spec:
            template:
              spec:
                initContainers:
                  - { name: fetch, image: "r.example/team/api:1.0" }
                containers:
                  - name: report
                    image: r.example/team/api:latest   # moves every night
                    imagePullPolicy: Always
    `;
    const reg = registry('r.example', [{ name: 'team/api', images: [stored(digest, ['1.0', 'latest'])] }]);
    const outcome = imagesByDigestFromAllowed.evaluate(context(estate({ registries: [reg], run: run(manifest) })));
    expect(outcome.changes.map((c) => c.rules)).toEqual([
      ['SS-K8S-001', 'SS-K8S-014'],
      ['SS-K8S-001', 'SS-K8S-002'],
    ]);
    const pinned = applyEdits(
      manifest,
      'deploy.yaml',
      outcome.changes.flatMap((c) => c.edits),
    );
    expect(pinned).toBe(
      manifest.replace('"r.example/team/api:1.0"', `"r.example/team/api:1.0@${digest}"`).replace('api:latest   #', `api:latest@${digest}   #`),
    );
    expect(imagesByDigestFromAllowed.evaluate(context(estate({ registries: [reg], run: run(pinned) })))).toMatchObject({ status: 'met', changes: [] });
    const fingerprints = (text: string): string[] => checkWorkloads(loadManifests([{ name: 'deploy.yaml', text }]).objects).map((f) => f.fingerprint);
    expect(fingerprints(pinned).filter((f) => !fingerprints(manifest).includes(f))).toEqual([]);
  });

  it('says a digest needs a registry scan first, and that a templated image is pinned where it is filled in', () => {
    const outcome = imagesByDigestFromAllowed.evaluate(context(estate({ run: run(`${pod('r.example/team/api:1.0')}---\n${pod('${IMAGE}')}`) })));
    expect(outcome.changes.every((c) => c.edits.length === 0)).toBe(true);
    expect(outcome.changes[0]?.summary).toContain('its digest needs a registry scan first');
    // with the digests `fix --resolve` asked of the registries, the pin is an edit
    const resolved = imagesByDigestFromAllowed.evaluate({
      ...context(estate({ run: run(pod('r.example/team/api:1.0')) })),
      resolvedDigests: new Map([['r.example/team/api:1.0', digest]]),
    });
    expect(resolved.changes[0]?.edits).toEqual([
      { kind: 'substitute', file: 'deploy.yaml', line: 9, find: 'r.example/team/api:1.0', replace: `r.example/team/api:1.0@${digest}` },
    ]);
    expect(outcome.changes.some((c) => c.summary.includes('${IMAGE} is filled in at deploy time'))).toBe(true);
  });

  it('pins a compose image pulled by latest when the registry scan knows its digest', () => {
    const compose = 'services:\n  db:\n    image: r.example/team/api   # no tag\n';
    const reg = registry('r.example', [{ name: 'team/api', images: [stored(digest, ['latest'])] }]);
    const findings = checkCompose('compose.yaml', compose).findings.filter((f) => f.ruleId === 'SS-CMP-013');
    const outcome = imagesByDigestFromAllowed.evaluate(context(estate({ registries: [reg], run: run('', { findings }) })));
    expect(outcome.changes[0]).toMatchObject({ rules: ['SS-CMP-013'], file: 'compose.yaml', line: 3 });
    const after = applyEdits(compose, 'compose.yaml', outcome.changes[0]?.edits ?? []);
    expect(after).toBe(`services:\n  db:\n    image: r.example/team/api@${digest}   # no tag\n`);
    expect(checkCompose('compose.yaml', after).findings.filter((f) => f.ruleId === 'SS-CMP-013')).toEqual([]);
  });
});
