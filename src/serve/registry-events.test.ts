import { describe, expect, it } from 'vitest';
import type { RegistryConfig } from '../lifecycle/config.js';
import { configuredRegistryOf } from './app.js';
import { pushEventsOf } from './registry-events.js';

const digest = `sha256:${'a'.repeat(64)}`;

describe('pushEventsOf', () => {
  it("takes the manifest pushes of a distribution registry's envelope, not its blobs or pulls", () => {
    const envelope = {
      events: [
        { action: 'push', target: { mediaType: 'application/octet-stream', repository: 'team/app', digest }, request: { host: 'reg:5000' } },
        { action: 'pull', target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', repository: 'team/app', digest } },
        {
          action: 'push',
          target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', repository: 'team/app', tag: '1.2', digest },
          request: { host: 'Reg:5000' },
        },
        {
          action: 'push',
          target: { mediaType: 'application/vnd.oci.image.index.v1+json', repository: 'team/web', url: 'https://reg:5000/v2/team/web/manifests/x' },
        },
      ],
    };
    expect(pushEventsOf(envelope)).toEqual([
      { host: 'reg:5000', repository: 'team/app', tag: '1.2', digest },
      { host: 'reg:5000', repository: 'team/web', tag: undefined, digest: undefined },
    ]);
  });

  it("takes Harbor's PUSH_ARTIFACT webhook", () => {
    const harbor = {
      type: 'PUSH_ARTIFACT',
      event_data: {
        repository: { repo_full_name: 'library/app', name: 'app' },
        resources: [{ digest, tag: 'v1', resource_url: 'harbor.example.com/library/app:v1' }],
      },
    };
    expect(pushEventsOf(harbor)).toEqual([{ host: 'harbor.example.com', repository: 'library/app', tag: 'v1', digest }]);
  });

  it('ignores repository names the distribution spec does not allow (paths, URLs, control characters)', () => {
    const push = (repository: string) => ({ events: [{ action: 'push', target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', repository } }] });
    for (const name of ['../etc', 'Team/App', 'a/../b', 'a\u001b[31m', 'x'.repeat(256), 'a b', '/abs']) expect(pushEventsOf(push(name)), name).toEqual([]);
    expect(pushEventsOf(push('team/my-app_1.0'))).toHaveLength(1);
  });

  it('yields nothing for anything else, whatever its shape', () => {
    for (const body of [
      null,
      'x',
      [],
      {},
      { events: 'x' },
      { events: [null, 1, { action: 'push' }] },
      { type: 'PUSH_ARTIFACT', event_data: { resources: 'x' } },
    ])
      expect(pushEventsOf(body)).toEqual([]);
  });
});

describe('configuredRegistryOf', () => {
  const registry = (name: string, as?: string): RegistryConfig => {
    const [host = '', ...rest] = name.split('/');
    return {
      name,
      registry: host,
      prefix: rest.length ? rest.join('/') : undefined,
      plainHttp: false,
      insecure: false,
      caFile: undefined,
      key: undefined,
      credentialsFrom: undefined,
      allowRealm: [],
      as,
    };
  };
  const registries = [registry('reg:5000/team'), registry('reg:5000/other'), registry('127.0.0.1:5000', 'registry.shop.internal')];

  it('matches the host (or its estate name) and the prefix holding the repository', () => {
    expect(configuredRegistryOf(registries, 'reg:5000', 'team/app')?.name).toBe('reg:5000/team');
    expect(configuredRegistryOf(registries, 'reg:5000', 'teams/app')).toBeUndefined();
    expect(configuredRegistryOf(registries, 'registry.shop.internal', 'shop/api')?.name).toBe('127.0.0.1:5000');
    expect(configuredRegistryOf(registries, 'elsewhere:5000', 'team/app')).toBeUndefined();
  });

  it('without a host, takes the only registry that fits', () => {
    expect(configuredRegistryOf(registries, undefined, 'other/app')).toBeUndefined();
    expect(configuredRegistryOf([registry('reg:5000/team')], undefined, 'team/app')?.name).toBe('reg:5000/team');
  });
});
