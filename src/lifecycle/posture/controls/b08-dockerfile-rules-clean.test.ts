import { describe, expect, it } from 'vitest';
import { context, dockerfile, estate, finding } from '../test-evidence.js';
import { dockerfileRulesClean } from './b08-dockerfile-rules-clean.js';

describe('SS-CTL-B08 Dockerfile rules clean', () => {
  it('is unknown without Dockerfiles and met with only low findings', () => {
    expect(dockerfileRulesClean.evaluate(context(estate())).status).toBe('unknown');
    const df = dockerfile('Dockerfile', [[1, 'alpine:3.19']], [finding('SS-DF-023', 1, 'LOW')]);
    expect(dockerfileRulesClean.evaluate(context(estate({ dockerfiles: [df] }))).status).toBe('met');
  });

  it('is partial for HIGH findings, pointing at each with the rule remediation', () => {
    const df = dockerfile('api/Dockerfile', [[1, 'alpine:3.19']], [finding('SS-DF-018', 6, 'HIGH', 'curl piped into sh', 'api/Dockerfile')]);
    const outcome = dockerfileRulesClean.evaluate(context(estate({ dockerfiles: [df] })));
    expect(outcome.status).toBe('partial');
    expect(outcome.evidence[0]).toMatchObject({ where: 'api/Dockerfile:6', findings: ['SS-DF-018'], ok: false });
    expect(outcome.changes[0]).toMatchObject({ file: 'api/Dockerfile', line: 6 });
    expect(outcome.changes[0]?.summary).toContain('curl piped into sh');
  });

  it('is a gap for CRITICAL findings', () => {
    const df = dockerfile('Dockerfile', [[1, 'alpine:3.19']], [finding('SS-DF-040', 2, 'CRITICAL')]);
    expect(dockerfileRulesClean.evaluate(context(estate({ dockerfiles: [df] }))).status).toBe('gap');
  });
});
