import { dedent } from '../../../test-support/text.js';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bashParses, shellWords } from '../support/test-shell.js';
import { context, digestOf, estate, registry, run, stored } from '../test-evidence.js';
import { staleImagesPruned } from './d05-stale-images-pruned.js';

const fresh = digestOf('fresh');
const stale = digestOf('stale');
const eol = digestOf('eol');

/** Created only if a proposed command ran what a name holds. */
const canaryDir = mkdtempSync(path.join(tmpdir(), 'shipshape-canary-'));
const canary = path.join(canaryDir, 'pwned');
afterAll(() => rmSync(canaryDir, { recursive: true, force: true }));

describe('SS-CTL-D05 stale and end-of-life images pruned', () => {
  it('is unknown without ages or OS facts', () => {
    expect(staleImagesPruned.evaluate(context(estate({ registries: [registry('r.example', [{ name: 'a', images: [stored(fresh, ['1'])] }])] }))).status).toBe(
      'unknown',
    );
  });

  it('flags images older than maxImageAgeDays and on end-of-life OSes; deletes unused ones, rebuilds used ones', () => {
    const reg = registry('r.example', [
      {
        name: 'team/api',
        images: [
          stored(fresh, ['2.0'], { platform: { ageDays: 10 } }),
          stored(stale, ['1.0'], { platform: { ageDays: 400 } }),
          stored(eol, [], { platform: { ageDays: 20, os: { id: 'debian', name: 'Debian GNU/Linux', version: '10', eolDate: '2024-06-30', endOfLife: true } } }),
        ],
      },
    ]);
    const workloads = run(
      dedent`
        apiVersion: v1
        kind: Pod
        metadata:
          name: old-api
          namespace: shop
        spec:
          containers:
            - name: api
              image: r.example/team/api:1.0
      `,
    );
    const outcome = staleImagesPruned.evaluate(context(estate({ registries: [reg], run: workloads })));
    expect(outcome.status).toBe('partial');
    expect(outcome.evidence.filter((e) => !e.ok).map((e) => e.where)).toEqual([`r.example/team/api@${stale}`, `r.example/team/api@${eol}`]);
    expect(outcome.evidence[0]?.text).toContain('built 400 days ago (policy: 180)');
    expect(outcome.changes[0]?.summary).toContain('still run by shop/Pod/old-api');
    expect(outcome.changes[1]?.snippet).toBe(`skopeo delete docker://r.example/team/api@${eol}`);
  });

  it('quotes a repository name a hostile registry returns in the delete command', () => {
    const name = `team/api'; touch ${canary}; '`;
    const reg = registry('r.example', [{ name, images: [stored(stale, ['1'], { platform: { ageDays: 400 } })] }]);
    const command = staleImagesPruned.evaluate(context(estate({ registries: [reg] }))).changes[0]?.snippet ?? '';
    expect(bashParses(command)).toBe(true);
    expect(shellWords(command)).toEqual(['skopeo', 'delete', `docker://r.example/${name}@${stale}`]);
    expect(existsSync(canary)).toBe(false);
  });

  it('uses the policy age', () => {
    const reg = registry('r.example', [{ name: 'a', images: [stored(stale, ['1'], { platform: { ageDays: 400 } })] }]);
    expect(staleImagesPruned.evaluate(context(estate({ registries: [reg] }), { policy: { maxImageAgeDays: 500 } })).status).toBe('met');
  });
});
