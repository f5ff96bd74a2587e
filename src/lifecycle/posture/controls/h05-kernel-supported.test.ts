import { describe, expect, it } from 'vitest';
import { context, estate, node, run } from '../test-evidence.js';
import { kernelSupported } from './h05-kernel-supported.js';

describe('SS-CTL-H05 kernel supported', () => {
  it('is met on a longterm branch before its end of life', () => {
    expect(kernelSupported.evaluate(context(estate({ run: run('', { nodes: [node('a', { kernelVersion: '6.1.119' })] }) }))).status).toBe('met');
  });

  it('is a gap on an ended upstream branch, partial for a distribution build of it', () => {
    const nodes = [node('plain', { kernelVersion: '5.4.280' }), node('ubuntu', { kernelVersion: '5.4.0-1103-aws' })];
    const outcome = kernelSupported.evaluate(context(estate({ run: run('', { nodes }) })));
    expect(outcome.status).toBe('partial');
    expect(outcome.evidence.map((e) => [e.where, e.ok])).toEqual([
      ['node plain', false],
      ['node ubuntu', false],
    ]);
    expect(outcome.evidence[0]?.text).toContain('longterm 5.4 ended on 2025-12-31');
    expect(outcome.evidence[1]?.text).toContain('the distribution may still patch its build');
  });

  it('leaves distribution kernels of other branches to the OS', () => {
    const outcome = kernelSupported.evaluate(context(estate({ run: run('', { nodes: [node('rhel', { kernelVersion: '5.14.0-427.13.1.el9_4.x86_64' })] }) })));
    expect(outcome.status).toBe('unknown');
  });
});
