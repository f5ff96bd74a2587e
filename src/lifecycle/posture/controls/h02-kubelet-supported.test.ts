import { describe, expect, it } from 'vitest';
import { context, estate, hostReport, node, run } from '../test-evidence.js';
import { kubeletSupported } from './h02-kubelet-supported.js';

describe('SS-CTL-H02 kubelet supported', () => {
  it('is met for a maintained minor (1.35 on 2026-11-29)', () => {
    expect(kubeletSupported.evaluate(context(estate({ run: run('', { nodes: [node('a', { kubeletVersion: 'v1.35.2-eks-1234' })] }) }))).status).toBe('met');
  });

  it('is partial within the skew of a maintained control plane and a gap beyond', () => {
    // maintained on 2026-11-29: 1.35, 1.36, 1.37; a 1.35 API server accepts kubelets down to 1.32
    const nodes = [node('skewed', { kubeletVersion: 'v1.33.4' }), node('old', { kubeletVersion: 'v1.29.0' })];
    const outcome = kubeletSupported.evaluate(context(estate({ run: run('', { nodes }) })));
    expect(outcome.status).toBe('partial');
    expect(outcome.evidence.map((e) => e.where)).toEqual(['node old', 'node skewed']);
    expect(outcome.evidence[1]?.text).toContain('end of life on 2026-06-28, though a 1.35 control plane still accepts it');
    expect(outcome.changes[0]?.summary).toContain('towards Kubernetes 1.37');
  });

  it('does not guess about releases newer than its table', () => {
    const outcome = kubeletSupported.evaluate(context(estate({ run: run('', { nodes: [node('new', { kubeletVersion: 'v1.40.0' })] }) })));
    expect(outcome.status).toBe('unknown');
    expect(outcome.summary).toContain('newer than the support table of 2026-09-15');
  });

  it('leaves a host scanned outside any cluster alone: it runs no kubelet', () => {
    expect(kubeletSupported.evaluate(context(estate({ hosts: [hostReport('ci-runner')] }))).status).toBe('unknown');
    const both = kubeletSupported.evaluate(
      context(estate({ run: run('', { nodes: [node('n', { kubeletVersion: 'v1.33.1' })] }), hosts: [hostReport('ci-runner')] })),
    );
    expect(both.evidence.map((e) => e.where)).toEqual(['node n']);
  });
});
