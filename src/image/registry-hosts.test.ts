import { describe, expect, it } from 'vitest';
import {
  allowListMatch,
  hostOfAddress,
  isPublicRegistry,
  normaliseRegistryHost,
  parseAllowListEntry,
  sameRegistry,
  withoutDockerHubHost,
} from './registry-hosts.js';
import { parseReference } from './reference.js';

/**
 * The semantics every command shares: `k8s check --allowed-registries`, the posture's
 * `allowedRegistries`, the map's public registries and Docker Hub's names. One table: an image as
 * written, an allow-list, whether it is admitted (and by which entry).
 */
describe('allow-list matching', () => {
  const rows: [image: string, entries: string[], admittedBy: string | undefined][] = [
    // a host admits every image of that registry
    ['registry.example.com/team/app:1', ['registry.example.com'], 'registry.example.com'],
    ['Registry.Example.com/team/app:1', ['registry.example.COM'], 'registry.example.COM'],
    ['registry.example.com/team/app:1', ['https://registry.example.com/'], 'https://registry.example.com/'],
    // the port is part of the host
    ['registry.example.com:5000/app', ['registry.example.com'], undefined],
    ['registry.example.com:5000/app', ['registry.example.com:5000'], 'registry.example.com:5000'],
    // host/path: a prefix on path-segment boundaries; a trailing / or /* says the same
    ['ghcr.io/acme/web:1', ['ghcr.io/acme'], 'ghcr.io/acme'],
    ['ghcr.io/acme/tools/lint:1', ['ghcr.io/acme/'], 'ghcr.io/acme/'],
    ['ghcr.io/acme:1', ['ghcr.io/acme/*'], 'ghcr.io/acme/*'],
    ['ghcr.io/acmeevil/web:1', ['ghcr.io/acme'], undefined],
    ['ghcr.io/other/acme:1', ['ghcr.io/acme'], undefined],
    // *.domain: any host below the domain, never the look-alikes
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1', ['*.dkr.ecr.eu-west-1.amazonaws.com'], '*.dkr.ecr.eu-west-1.amazonaws.com'],
    ['evil-amazonaws.com/app', ['*.amazonaws.com'], undefined],
    ['amazonaws.com/app', ['*.amazonaws.com'], undefined],
    ['r.corp.example:5000/app', ['*.corp.example'], undefined],
    ['r.corp.example:5000/app', ['*.corp.example:5000'], '*.corp.example:5000'],
    // Docker Hub's names are one registry
    ['nginx:1.27', ['docker.io'], 'docker.io'],
    ['nginx:1.27', ['index.docker.io'], 'index.docker.io'],
    ['nginx:1.27', ['registry-1.docker.io'], 'registry-1.docker.io'],
    ['nginx:1.27', ['registry.hub.docker.com'], 'registry.hub.docker.com'],
    ['registry-1.docker.io/library/nginx', ['docker.io/library/nginx'], 'docker.io/library/nginx'],
    ['index.docker.io/bitnami/redis', ['docker.io/bitnami/'], 'docker.io/bitnami/'],
    // docker.io/library/x and x are the same image, written either way on either side
    ['nginx:1.27', ['docker.io/library/nginx'], 'docker.io/library/nginx'],
    ['docker.io/library/nginx:1.27', ['nginx'], 'nginx'],
    ['nginx:1.27', ['docker.io/nginx'], 'docker.io/nginx'],
    ['nginx:1.27', ['docker.io/library/*'], 'docker.io/library/*'],
    ['nginx:1.27', ['docker.io/library'], 'docker.io/library'],
    ['nginx/unit:1', ['docker.io/nginx'], undefined],
    ['nginx/unit:1', ['docker.io/nginx/'], 'docker.io/nginx/'],
    ['bitnami/redis:7', ['bitnami/redis'], 'bitnami/redis'],
    ['bitnami/redis:7', ['docker.io/library/'], undefined],
    // nothing matches what cannot be read, and an empty list admits nothing
    ['quay.io/x/y', [], undefined],
    ['quay.io/x/y', ['', '*', 'quay.io/*/y', '*.io*'], undefined],
    ['quay.io/x/y', ['*', 'quay.io'], 'quay.io'],
  ];
  it.each(rows)('%s with %j', (image, entries, admittedBy) => {
    const ref = parseReference(image);
    expect(allowListMatch(entries, ref.registry, ref.repository)).toBe(admittedBy);
  });

  it('reads entries into host and path', () => {
    expect(parseAllowListEntry(' HTTPS://Index.Docker.io/Bitnami/* ')).toMatchObject({ host: 'docker.io', path: 'bitnami' });
    expect(parseAllowListEntry('alpine')).toMatchObject({ host: 'docker.io', path: 'library/alpine' });
    expect(parseAllowListEntry('localhost:5000/team')).toMatchObject({ host: 'localhost:5000', path: 'team' });
    expect(parseAllowListEntry('*.pkg.dev')).toMatchObject({ host: '*.pkg.dev', path: undefined });
    expect(parseAllowListEntry('/')).toBeUndefined();
  });
});

describe('registry hosts', () => {
  const publicHosts = [
    'docker.io',
    'index.docker.io',
    'registry-1.docker.io',
    'registry.hub.docker.com',
    'GHCR.IO',
    'quay.io',
    'gcr.io',
    'eu.gcr.io',
    'k8s.gcr.io',
    'mirror.gcr.io',
    'europe-docker.pkg.dev',
    'us-central1-docker.pkg.dev',
    'registry.k8s.io',
    'public.ecr.aws',
    'mcr.microsoft.com',
    'registry.access.redhat.com',
    'registry.gitlab.com',
    'cgr.dev',
  ];
  const privateHosts = [
    'registry.example.com',
    '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    'myacr.azurecr.io',
    'localhost:5000',
    'ghcr.io.evil.example',
    'evilgcr.io',
    'pkg.dev',
    'gcr.io:5000',
    'registry.internal',
  ];
  it.each(publicHosts)('%s is public', (host) => expect(isPublicRegistry(host)).toBe(true));
  it.each(privateHosts)('%s is not', (host) => expect(isPublicRegistry(host)).toBe(false));

  it("folds Docker Hub's names and reads addresses the way docker login does", () => {
    expect(
      ['docker.io', 'INDEX.docker.io', 'https://registry-1.docker.io/', 'https://index.docker.io/v1/', 'registry.hub.docker.com', ''].map(
        normaliseRegistryHost,
      ),
    ).toEqual(Array(6).fill('docker.io'));
    expect(normaliseRegistryHost('https://Registry.Example.com:5000/v2/')).toBe('registry.example.com:5000');
    expect(hostOfAddress('https://${REGISTRY:-r.example/x}/v2/')).toBe('${REGISTRY:-r.example/x}');
    expect(hostOfAddress('R.example.com/team')).toBe('R.example.com');
    expect(sameRegistry('index.docker.io', 'docker.io')).toBe(true);
    expect(sameRegistry('r.example.com', 'r.example.com:5000')).toBe(false);
    expect(withoutDockerHubHost('index.docker.io/aquasec/trivy')).toBe('aquasec/trivy');
    expect(withoutDockerHubHost('gcr.io/kaniko-project/executor')).toBe('gcr.io/kaniko-project/executor');
  });

  it('parses references with any of Docker Hub names as Docker Hub images', () => {
    expect(parseReference('registry-1.docker.io/nginx:1')).toEqual({ registry: 'docker.io', repository: 'library/nginx', tag: '1', digest: undefined });
    expect(parseReference('Registry.Hub.Docker.com/team/app')).toEqual({ registry: 'docker.io', repository: 'team/app', tag: 'latest', digest: undefined });
  });
});
