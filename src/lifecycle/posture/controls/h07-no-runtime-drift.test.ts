import { describe, expect, it } from 'vitest';
import { context, estate, hostReport } from '../test-evidence.js';
import { noRuntimeDrift } from './h07-no-runtime-drift.js';

describe('SS-CTL-H07 no runtime drift', () => {
  const judge = (findings: string[], containers: Record<string, { drift?: boolean }> = { api: {}, web: {} }): string =>
    noRuntimeDrift.evaluate(context(estate({ hosts: [hostReport('h', { containers, findings })] }))).status;

  it('is met when no container changed code, packages, secrets or /etc', () => {
    expect(judge([])).toBe('met');
  });

  it('is a gap for an executable, a package, a secret or a persistence file written at run time', () => {
    expect(judge(['SS-DRIFT-001@api:HIGH'])).toBe('gap');
    expect(judge(['SS-DRIFT-002@web:MEDIUM'])).toBe('gap');
    expect(judge(['SS-SEC-001@web:CRITICAL'])).toBe('gap');
    expect(judge(['SS-DRIFT-003@api:HIGH'])).toBe('gap');
  });

  it('is partial for other /etc changes, and unknown when a writable layer could not be read', () => {
    expect(judge(['SS-DRIFT-003@api:LOW'])).toBe('partial');
    expect(judge(['SS-DRIFT-004@web:UNKNOWN'], { api: {}, web: { drift: false } })).toBe('unknown');
    // what is known to be wrong is not hidden behind what is unknown
    expect(judge(['SS-DRIFT-001@api:HIGH', 'SS-DRIFT-004@web:UNKNOWN'], { api: {}, web: { drift: false } })).toBe('gap');
  });
});
