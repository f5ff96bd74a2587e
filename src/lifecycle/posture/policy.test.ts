import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../core/errors.js';
import { postureControlIds } from './controls/registry.js';
import { defaultPolicy, loadPolicy, parsePolicy } from './policy.js';

const full = `failOn: [critical]
ignoreUnfixed: true
allowedRegistries: [registry.example.com, "docker.io/library/*"]
requiredPssLevel: restricted
maxImageAgeDays: 90
requireSignatures: false
trustedKeys: [keys/cosign.pub]
acceptedRisks:
  - control: SS-CTL-R05
    target: "workload:legacy/*"
    reason: legacy namespace is being retired
    expires: 2027-01-31
`;

function problem(text: string): string {
  try {
    parsePolicy(text, 'shipshape-policy.yaml', postureControlIds());
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected the policy to be refused');
}

describe('posture policy', () => {
  it('reads every field', () => {
    expect(parsePolicy(full, 'p.yaml', postureControlIds())).toEqual({
      source: 'p.yaml',
      failOn: ['CRITICAL'],
      ignoreUnfixed: true,
      allowedRegistries: ['registry.example.com', 'docker.io/library/*'],
      requiredPssLevel: 'restricted',
      maxImageAgeDays: 90,
      requireSignatures: false,
      trustedKeys: ['keys/cosign.pub'],
      acceptedRisks: [{ control: 'SS-CTL-R05', target: 'workload:legacy/*', reason: 'legacy namespace is being retired', expires: '2027-01-31' }],
    });
  });

  it('gives the defaults for an empty file', () => {
    expect(parsePolicy('', 'p.yaml')).toEqual({ ...defaultPolicy, source: 'p.yaml' });
  });

  it('names the file and the path of each problem', () => {
    expect(problem('failOn: [severe]\n')).toBe('the policy shipshape-policy.yaml is not valid: failOn.0: one of critical, high, medium, low, unknown');
    expect(problem('requiredPssLevel: privileged\nmaxImageAgeDays: -1\n')).toBe(
      'the policy shipshape-policy.yaml is not valid: requiredPssLevel: baseline or restricted; maxImageAgeDays: a positive number of days',
    );
    expect(problem('allowedRegistry: [x]\n')).toContain('(root): Unrecognized key: "allowedRegistry"');
    expect(problem('acceptedRisks:\n  - control: SS-CTL-R05\n    reason: x\n    expires: 2027-02-30\n')).toBe(
      'the policy shipshape-policy.yaml is not valid: acceptedRisks.0.expires: not a real calendar date',
    );
    expect(problem('acceptedRisks:\n  - control: R05\n    reason: x\n    expires: 2027-02-01\n')).toContain(
      'acceptedRisks.0.control: a control id like SS-CTL-R05',
    );
    expect(problem('acceptedRisks:\n  - control: SS-CTL-R99\n    reason: x\n    expires: 2027-02-01\n')).toBe(
      'the policy shipshape-policy.yaml is not valid: acceptedRisks.0.control: no control SS-CTL-R99',
    );
    expect(problem('acceptedRisks:\n  - control: SS-CTL-R05\n    reason: "  "\n    expires: 2027-02-01\n')).toContain(
      'acceptedRisks.0.reason: say why the risk is accepted',
    );
  });

  it('reports YAML syntax errors with the line', () => {
    expect(problem('failOn: [critical\nmaxImageAgeDays: 3\n')).toBe(
      'the policy shipshape-policy.yaml is not valid YAML: shipshape-policy.yaml:2: Flow sequence in block collection must be sufficiently indented and end with a ]',
    );
  });

  it('loads a file, and says when it cannot be read', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'shipshape-policy-'));
    try {
      const file = path.join(dir, 'policy.yaml');
      writeFileSync(file, full);
      expect((await loadPolicy(file)).maxImageAgeDays).toBe(90);
      await expect(loadPolicy(path.join(dir, 'missing.yaml'))).rejects.toThrow(/cannot read the policy .*missing\.yaml/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
