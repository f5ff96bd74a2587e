import { describe, expect, it } from 'vitest';
import { context, estate, mapOf, registry } from '../test-evidence.js';
import { registryPullAuth } from './d01-registry-pull-auth.js';

describe('SS-CTL-D01 registry pull authentication', () => {
  it('is unknown when no registry was scanned, or access was not probed', () => {
    expect(registryPullAuth.evaluate(context(estate())).summary).toBe('no registry was scanned');
    expect(registryPullAuth.evaluate(context(estate({ registries: [registry('r.example', [], { access: { anonymousPull: undefined } })] }))).status).toBe(
      'unknown',
    );
  });

  it('is met when anonymous pulls are refused', () => {
    const outcome = registryPullAuth.evaluate(context(estate({ registries: [registry('r.example', [])] }), { map: mapOf(['registry:r.example']) }));
    expect(outcome.status).toBe('met');
    expect(outcome.evidence[0]).toMatchObject({ where: 'r.example', nodes: ['registry:r.example'], ok: true });
  });

  it('is a gap for anonymous pulls and partial for an open catalog, with the registry config', () => {
    const open = registry('open.example:5000', [], { access: { authScheme: 'none', anonymousPull: true } });
    const catalog = registry('cat.example', [], { access: { anonymousCatalog: true } });
    const outcome = registryPullAuth.evaluate(context(estate({ registries: [open, catalog] })));
    expect(outcome.status).toBe('partial');
    expect(outcome.evidence.map((e) => [e.where, e.ok])).toEqual([
      ['open.example:5000', false],
      ['cat.example', false],
    ]);
    expect(outcome.changes[0]?.snippet).toContain('htpasswd:');
    expect(registryPullAuth.evaluate(context(estate({ registries: [open] }))).status).toBe('gap');
  });
});
