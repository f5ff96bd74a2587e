import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../image/registry/client.js';
import { buildEstate, type BuiltEstate } from './estate.js';
import { pushEstate, type PushedTag } from './push-estate.js';
import { startDemoRegistry, type DemoRegistry } from './registry-server.js';

let registry: DemoRegistry;
let estate: BuiltEstate;
let pushed: PushedTag[];

beforeAll(async () => {
  registry = await startDemoRegistry();
  estate = await buildEstate(fileURLToPath(new URL('../../examples/estate', import.meta.url)));
  pushed = await pushEstate(estate, { registry: registry.host, plainHttp: true });
}, 60_000);

afterAll(async () => {
  await registry.close();
});

describe('pushEstate into the demo registry', () => {
  it('pushes every tag in build order: inventory-service:2.3.1 ends on the rebuild, the first build stays by digest', async () => {
    expect(pushed.map((p) => p.pushedAs)).toEqual([
      `${registry.host}/platform/base:1.4`,
      `${registry.host}/platform/base:latest`,
      `${registry.host}/shop/payments-api:142`,
      `${registry.host}/shop/web-frontend:a3f1c9e27b4d8e605f2c1b9a7d3e4f5061728394`,
      `${registry.host}/shop/web-frontend:latest`,
      `${registry.host}/shop/inventory-service:2.3.1`,
      `${registry.host}/shop/inventory-service:2.3.1`,
    ]);
    const [first, second] = estate.images.filter((i) => i.repo === 'repos/inventory-service').map((i) => i.image.digest);
    expect(registry.tags().get('shop/inventory-service')).toEqual(new Map([['2.3.1', second]]));
    const client = new RegistryClient(registry.host, { plainHttp: true });
    try {
      expect((await client.getManifest('shop/inventory-service', first ?? '')).digest).toBe(first);
      expect((await client.getManifest('shop/inventory-service', '2.3.1')).digest).toBe(second);
      expect(await client.listTags('platform/base')).toEqual(['1.4', 'latest']);
    } finally {
      await client.close();
    }
  });
});
