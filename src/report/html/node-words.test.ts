import { describe, expect, it } from 'vitest';
import { factRows, fullNameOf, shortLabel } from './node-words.js';

describe('node words', () => {
  it('cuts a long label keeping what tells it apart: the tail of a path or image name, the head of a host name', () => {
    expect(shortLabel('registry.shop.internal/shop/payments-api:142', 36)).toBe('…/shop/payments-api:142');
    expect(shortLabel('registry.shop.internal/shop/inventory-service', 22)).toBe('…/inventory-service');
    expect(shortLabel('ip-10-20-1-17.eu-west-1.compute.internal', 20)).toBe('ip-10-20-1-17.eu-we…');
    expect(shortLabel('registry.example.com/team/api', 36)).toBe('registry.example.com/team/api');
    // one segment longer than the room keeps its start and its end (the tag)
    expect(shortLabel('r.io/a-very-long-repository-name-for-this:v1.2.3', 20)).toBe('a-very-lon…is:v1.2.3');
    for (const label of ['registry.shop.internal/shop/payments-api:142', 'x/'.repeat(40), 'ip-10-20-1-17.eu-west-1.compute.internal'])
      expect(shortLabel(label, 24).length).toBeLessThanOrEqual(24);
  });

  it('gives a workload its namespace, which its label lacks', () => {
    expect(fullNameOf({ kind: 'workload', label: 'Deployment/api', attributes: { namespace: 'prod' } })).toBe('prod/Deployment/api');
    expect(fullNameOf({ kind: 'workload', label: 'prod/Deployment/api', attributes: { namespace: 'prod' } })).toBe('prod/Deployment/api');
    expect(fullNameOf({ kind: 'image', label: 'docker.io/library/redis', attributes: { namespace: 'x' } })).toBe('docker.io/library/redis');
  });

  it('states facts in words: named, yes/no, roles explained, tags listed, empty ones left out, in a fixed order', () => {
    const rows = factRows({
      attributes: {
        tags: { '1.4': null, latest: 'sha256:ab' },
        inRegistry: undefined,
        public: false,
        role: 'run-only',
        osImage: 'Bottlerocket',
        unknownVariables: [],
        weirdNewThing: 2,
      },
    });
    expect(rows).toEqual([
      { term: 'Role in the estate', text: 'run, but built by no pipeline of the estate' },
      { term: 'Public registry', text: 'no' },
      { term: 'Tags', text: '1.4, latest (sha256:ab)' },
      { term: 'Variables not resolved', text: 'none' },
      { term: 'Operating system image', text: 'Bottlerocket' },
      { term: 'Weird new thing', text: '2' },
    ]);
  });
});
