import { describe, expect, it } from 'vitest';
import { context, estate, mapOf, node, run } from '../test-evidence.js';
import { containerOptimisedOs } from './h01-container-optimised-os.js';

describe('SS-CTL-H01 container-optimised node OS', () => {
  it('is unknown without nodes', () => {
    expect(containerOptimisedOs.evaluate(context(estate({ run: run('') }))).status).toBe('unknown');
  });

  it('is met for Bottlerocket, Flatcar, COS, Talos', () => {
    const nodes = [
      'Bottlerocket OS 1.20.0 (aws-k8s-1.35)',
      'Flatcar Container Linux by Kinvolk 4081.2.0 (Oklo)',
      'Container-Optimized OS from Google',
      'Talos (v1.9.0)',
    ].map((osImage, i) => node(`n${i}`, { osImage }));
    const outcome = containerOptimisedOs.evaluate(context(estate({ run: run('', { nodes }) }), { map: mapOf(['node:n0']) }));
    expect(outcome.status).toBe('met');
    expect(outcome.evidence[0]).toMatchObject({ where: 'node n0', nodes: ['node:n0'] });
  });

  it('is partial for a supported general-purpose OS and a gap past its end of life', () => {
    const nodes = [node('ubuntu', { osImage: 'Ubuntu 22.04.4 LTS' }), node('old', { osImage: 'Ubuntu 20.04.6 LTS' }), node('br')];
    const outcome = containerOptimisedOs.evaluate(context(estate({ run: run('', { nodes }) })));
    expect(outcome.status).toBe('partial');
    expect(outcome.evidence.map((e) => [e.where, e.ok])).toEqual([
      ['node old', false],
      ['node ubuntu', false],
      ['node br', true],
    ]);
    expect(outcome.evidence[0]?.text).toContain('end of life on 2025-05-31');
    expect(outcome.changes[0]?.summary).toContain('ubuntu, old');
  });
});
