import { describe, expect, it } from 'vitest';
import { context, estate, hostReport } from '../test-evidence.js';
import { containersConfined } from './h08-containers-confined.js';

describe('SS-CTL-H08 containers confined', () => {
  const judge = (findings: string[]): string =>
    containersConfined.evaluate(context(estate({ hosts: [hostReport('h', { containers: { agent: {} }, findings })] }))).status;

  it('is a gap for a privileged container, an engine socket or a host system directory mounted', () => {
    expect(judge(['SS-CTR-001@agent:HIGH'])).toBe('gap');
    expect(judge(['SS-CTR-002@agent:CRITICAL'])).toBe('gap');
    expect(judge(['SS-CTR-004@agent:HIGH'])).toBe('gap');
  });

  it('is met otherwise (running as root or on the host network are other controls)', () => {
    expect(judge([])).toBe('met');
    expect(judge(['SS-CTR-006@agent:MEDIUM', 'SS-CTR-003@agent:MEDIUM'])).toBe('met');
  });

  it('is unknown when no host was scanned', () => {
    expect(containersConfined.evaluate(context(estate())).status).toBe('unknown');
  });
});
