import { describe, expect, it } from 'vitest';
import { context, estate, hostReport, node, run } from '../test-evidence.js';
import { engineConfiguration } from './h06-engine-configuration.js';

describe('SS-CTL-H06 engine configuration', () => {
  it('is met on a scanned host with no SS-HOST finding, a gap on a CRITICAL or HIGH one, partial on lesser ones', () => {
    const judge = (findings: string[]): string => engineConfiguration.evaluate(context(estate({ hosts: [hostReport('h', { findings })] }))).status;
    expect(judge([])).toBe('met');
    expect(judge(['SS-HOST-001@:CRITICAL'])).toBe('gap');
    expect(judge(['SS-HOST-005@:LOW'])).toBe('partial');
    // container findings are other controls' business
    expect(judge(['SS-CTR-001@:HIGH'])).toBe('met');
  });

  it('is unknown without any host scan, and for each cluster node no scan covers', () => {
    expect(engineConfiguration.evaluate(context(estate())).status).toBe('unknown');
    const outcome = engineConfiguration.evaluate(
      context(estate({ run: run('', { nodes: [node('scanned'), node('other')] }), hosts: [hostReport('scanned')] })),
    );
    expect(outcome.status).toBe('unknown');
    expect(outcome.evidence.map((e) => [e.where, e.ok])).toEqual([
      ['node other', false],
      ['host scanned', true],
    ]);
  });

  it('is unknown, not met, when the configuration could not be read', () => {
    const report = hostReport('h', { problems: ['/etc/docker/daemon.json: not valid JSON (Unexpected token)'] });
    expect(engineConfiguration.evaluate(context(estate({ hosts: [report] }))).status).toBe('unknown');
  });
});
