import { describe, expect, it } from 'vitest';
import { context, digestOf, estate, registry, run, stored } from '../test-evidence.js';
import { immutableTags } from './d04-immutable-tags.js';

const old = digestOf('old');
const now = digestOf('now');
const deployment = (image: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: api
          image: ${image}
`;

describe('SS-CTL-D04 immutable tags or pulls by digest', () => {
  it('is met when every workload pulling from the registry uses a digest', () => {
    const reg = registry('r.example', [{ name: 'team/api', images: [stored(now, ['1.0'])] }]);
    expect(immutableTags.evaluate(context(estate({ registries: [reg], run: run(deployment(`r.example/team/api:1.0@${now}`)) }))).status).toBe('met');
  });

  it('is a gap for a moved tag, pinning the workload that pulls it to the new digest', () => {
    const reg = registry('r.example', [{ name: 'team/api', images: [stored(now, ['1.0'])] }], {
      changes: {
        previousScanAt: '2026-11-01T00:00:00Z',
        newImages: [],
        movedTags: [{ repository: 'team/api', tag: '1.0', from: old, to: now }],
        removedTags: [],
        newFindings: [],
      },
    });
    const outcome = immutableTags.evaluate(context(estate({ registries: [reg], run: run(deployment('r.example/team/api:1.0')) })));
    expect(outcome.status).toBe('gap');
    expect(outcome.evidence[0]?.where).toBe('r.example/team/api:1.0');
    expect(outcome.changes[0]).toMatchObject({ file: 'deploy.yaml', line: 11, snippet: `image: r.example/team/api:1.0@${now}` });
  });

  it('is met when no tag moved since the previous scan, partial on a first scan', () => {
    const quiet = registry('r.example', [], {
      changes: { previousScanAt: '2026-11-01T00:00:00Z', newImages: [], movedTags: [], removedTags: [], newFindings: [] },
    });
    expect(immutableTags.evaluate(context(estate({ registries: [quiet] }))).status).toBe('met');
    expect(immutableTags.evaluate(context(estate({ registries: [registry('r.example', [])] }))).status).toBe('partial');
  });

  it('on a first scan, pins workloads pulled by tag to the digest the tag has now', () => {
    const reg = registry('r.example', [{ name: 'team/api', images: [stored(now, ['1.0'])] }]);
    const outcome = immutableTags.evaluate(context(estate({ registries: [reg], run: run(deployment('r.example/team/api:1.0')) })));
    expect(outcome.status).toBe('partial');
    expect(outcome.evidence[0]?.text).toBe('r.example: first scan, so tag movement is not known yet, and 1 workload images from it are pulled by tag');
    expect(outcome.changes[0]).toMatchObject({ file: 'deploy.yaml', line: 11, snippet: `image: r.example/team/api:1.0@${now}` });
  });
});
