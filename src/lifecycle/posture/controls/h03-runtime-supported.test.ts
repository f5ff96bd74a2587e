import { describe, expect, it } from 'vitest';
import { context, estate, node, run } from '../test-evidence.js';
import { runtimeSupported } from './h03-runtime-supported.js';

describe('SS-CTL-H03 container runtime supported', () => {
  it('is met for a containerd branch before its end of life', () => {
    const outcome = runtimeSupported.evaluate(
      context(estate({ run: run('', { nodes: [node('a', { containerRuntimeVersion: 'containerd://1.7.20' })] }) }), { now: new Date('2026-01-15T00:00:00Z') }),
    );
    expect(outcome.status).toBe('met');
  });

  it('is a gap past the end of life, and leaves runtimes without a table out', () => {
    const nodes = [node('old', { containerRuntimeVersion: 'containerd://1.6.19' }), node('docker', { containerRuntimeVersion: 'docker://24.0.7' })];
    const outcome = runtimeSupported.evaluate(context(estate({ run: run('', { nodes }) })));
    expect(outcome.status).toBe('gap');
    expect(outcome.evidence[0]?.text).toContain('branch 1.6 reached end of life on 2025-07-23');
    expect(outcome.summary).toContain('not known for docker (docker://24.0.7)');
  });

  it('judges CRI-O by the Kubernetes table', () => {
    const outcome = runtimeSupported.evaluate(context(estate({ run: run('', { nodes: [node('c', { containerRuntimeVersion: 'cri-o://1.36.1' })] }) })));
    expect(outcome.status).toBe('met');
  });
});
