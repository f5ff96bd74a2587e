import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { skipWhen } from '../../../test-support/skip.js';
import type { HostContainer } from '../../model.js';
import { HostRoot } from '../../root.js';
import { maxImageLayers } from './layers.js';
import { dockerMounts, maxMounts } from './mounts.js';
import { readDockerState } from './read.js';
import { addRepositoryReference, sha256, writeDockerContainer, writeHostFile, type DockerContainerSpec, type DockerLayerSpec } from './test-docker-layout.js';

const webId = sha256('web');
const apiId = sha256('api');
const nginxDigest = `sha256:${sha256('nginx manifest')}`;
const baseLayers: DockerLayerSpec[] = [{ files: { 'etc/os-release': 'ID=debian\n', 'bin/sh': 'sh' } }, { files: { 'usr/sbin/nginx': 'nginx' } }];

let dir: string;
let root: HostRoot;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shipshape-docker-'));
  root = new HostRoot(dir);
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeWeb(extra: Partial<DockerContainerSpec> = {}): ReturnType<typeof writeDockerContainer> {
  return writeDockerContainer(dir, {
    id: webId,
    name: 'web',
    image: 'nginx:1.27',
    manifestDigest: nginxDigest,
    privileged: true,
    capAdd: ['sys_admin', 'CAP_NET_ADMIN'],
    binds: ['/var/run/docker.sock:/var/run/docker.sock'],
    networkMode: 'host',
    layers: baseLayers,
    upperFiles: { 'tmp/dropper': 'x' },
    ...extra,
  });
}

function writeApi(extra: Partial<DockerContainerSpec> = {}): ReturnType<typeof writeDockerContainer> {
  return writeDockerContainer(dir, {
    id: apiId,
    name: 'api',
    image: 'ghcr.io/acme/api:2.1',
    state: 'exited',
    user: '1000:1000',
    readOnlyRootfs: true,
    capDrop: ['ALL'],
    volumes: [{ name: 'api-data', destination: '/data' }],
    layers: [{ files: { 'app/server': 'bin' } }],
    ...extra,
  });
}

async function read(options?: Parameters<typeof readDockerState>[1]): Promise<NonNullable<Awaited<ReturnType<typeof readDockerState>>>> {
  const found = await readDockerState(root, options);
  if (found === undefined) throw new Error('no Docker state found');
  return found;
}

function containerNamed(containers: HostContainer[], name: string): HostContainer {
  const container = containers.find((candidate) => candidate.name === name);
  if (container === undefined) throw new Error(`no container ${name}`);
  return container;
}

describe('readDockerState', () => {
  it('reads a privileged container with the docker socket and host network, and a non-root read-only one', async () => {
    const web = writeWeb();
    const api = writeApi();
    const found = await read();
    expect(found.problems).toEqual([]);
    expect(found.kind).toBe('docker');
    expect(found.stateDir).toBe('/var/lib/docker');
    expect(found.version).toBeUndefined();
    expect(found.containers.map((container) => container.id)).toEqual([webId, apiId].sort());

    const webImageId = containerNamed(found.containers, 'web').image.id;
    expect(containerNamed(found.containers, 'web')).toEqual({
      id: webId,
      name: 'web',
      engine: 'docker',
      image: { reference: 'nginx:1.27', digest: nginxDigest, id: webImageId },
      created: '2025-03-01T10:00:00.123456789Z',
      started: '2025-03-01T10:00:01.5Z',
      state: 'running',
      privileged: true,
      user: '',
      capabilities: { added: ['SYS_ADMIN', 'NET_ADMIN'], dropped: [] },
      // in MountPoints and in Binds: once
      mounts: [{ source: '/var/run/docker.sock', destination: '/var/run/docker.sock', type: 'bind', readOnly: false }],
      networkMode: 'host',
      readOnlyRootfs: false,
      pod: undefined,
      layers: { kind: 'overlay', lower: web.lower, upper: web.upper },
    } satisfies HostContainer);
    expect(webImageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    // bottom first, then the init layer, as overlayfs stacks them
    expect(web.lower).toEqual([
      `/var/lib/docker/overlay2/${sha256(`cache ${web.chainIds[0]}`)}/diff`,
      `/var/lib/docker/overlay2/${sha256(`cache ${web.chainIds[1]}`)}/diff`,
      `/var/lib/docker/overlay2/${web.mountId}-init/diff`,
    ]);
    expect(web.upper).toBe(`/var/lib/docker/overlay2/${web.mountId}/diff`);

    const apiContainer = containerNamed(found.containers, 'api');
    expect(apiContainer).toMatchObject({
      state: 'exited',
      privileged: false,
      user: '1000:1000',
      readOnlyRootfs: true,
      networkMode: 'bridge',
      capabilities: { added: [], dropped: ['ALL'] },
      image: { reference: 'ghcr.io/acme/api:2.1', digest: undefined },
      mounts: [{ source: 'api-data', destination: '/data', type: 'volume', readOnly: false }],
      layers: { kind: 'overlay', lower: api.lower, upper: api.upper },
    });
  });

  it('says the state as docker ps does', async () => {
    for (const [name, state] of [
      ['a', 'created'],
      ['b', 'paused'],
    ] as const) {
      writeDockerContainer(dir, { id: sha256(name), name, state, layers: baseLayers });
    }
    const found = await read();
    expect(containerNamed(found.containers, 'a')).toMatchObject({ state: 'created', started: undefined });
    expect(containerNamed(found.containers, 'b').state).toBe('paused');
  });

  it('reads the pod of a container Kubernetes made through dockershim or cri-dockerd', async () => {
    writeWeb({ labels: { 'io.kubernetes.pod.namespace': 'shop', 'io.kubernetes.pod.name': 'web-7d9f', 'io.kubernetes.container.name': 'nginx' } });
    writeApi({ labels: { 'io.kubernetes.pod.name': 'no-namespace' } });
    const found = await read();
    expect(containerNamed(found.containers, 'web').pod).toEqual({ namespace: 'shop', name: 'web-7d9f', container: 'nginx' });
    expect(containerNamed(found.containers, 'api').pod).toBeUndefined();
  });

  describe('the manifest digest from repositories.json', () => {
    const mirrorDigest = `sha256:${sha256('mirror manifest')}`;
    const otherDigest = `sha256:${sha256('other image manifest')}`;

    it('prefers the digest of the repository the container was created from', async () => {
      const imageId = `sha256:${sha256('nginx image')}`;
      // sorted first: taken only when the container's repository has none
      addRepositoryReference(dir, `mirror.example/nginx@${mirrorDigest}`, imageId);
      addRepositoryReference(dir, `nginx@${nginxDigest}`, imageId);
      addRepositoryReference(dir, `nginx@${otherDigest}`, `sha256:${sha256('another image')}`);
      const specs: [string, string][] = [
        ['familiar', 'nginx:1.27'],
        ['qualified', 'docker.io/library/nginx:1.27'],
        ['pinned', `mirror.example/nginx@${mirrorDigest}`],
        ['elsewhere', 'registry.example/tools/nginx:1'],
      ];
      for (const [name, image] of specs) writeDockerContainer(dir, { id: sha256(name), name, image, imageId: imageId.slice(7), layers: baseLayers });
      const found = await read();
      const digests = Object.fromEntries(found.containers.map((container) => [container.name, container.image.digest]));
      expect(digests).toEqual({ familiar: nginxDigest, qualified: nginxDigest, pinned: mirrorDigest, elsewhere: mirrorDigest });
    });

    it('leaves the digest undefined for an image with none, and says when repositories.json is unreadable', async () => {
      writeApi();
      expect(containerNamed((await read()).containers, 'api').image.digest).toBeUndefined();
      writeHostFile(dir, '/var/lib/docker/image/overlay2/repositories.json', '{"Repositories": ');
      const found = await read();
      expect(found.containers).toHaveLength(1);
      expect(found.problems).toEqual(['/var/lib/docker/image/overlay2/repositories.json is not valid JSON: image digests not read']);
    });
  });

  describe('the data root', () => {
    it('is daemon.json data-root when set', async () => {
      writeWeb({ dataRoot: '/srv/docker' });
      writeApi();
      writeHostFile(dir, '/etc/docker/daemon.json', JSON.stringify({ 'data-root': '/srv/docker', 'log-driver': 'json-file' }));
      const found = await read();
      expect(found.stateDir).toBe('/srv/docker');
      expect(found.containers.map((container) => container.name)).toEqual(['web']);
      const web = containerNamed(found.containers, 'web');
      expect(web.image.digest).toBe(nginxDigest);
      expect(web.layers).toMatchObject({ kind: 'overlay', upper: expect.stringMatching(/^\/srv\/docker\/overlay2\/[0-9a-f]{64}\/diff$/) });
    });

    it('is the legacy graph option, and options.dataRoot over both', async () => {
      writeWeb({ dataRoot: '/docker' });
      writeApi({ dataRoot: '/other' });
      writeHostFile(dir, '/etc/docker/daemon.json', JSON.stringify({ graph: '/docker' }));
      expect((await read()).containers.map((container) => container.name)).toEqual(['web']);
      expect((await read({ dataRoot: '/other/' })).containers.map((container) => container.name)).toEqual(['api']);
    });

    it('is /var/lib/docker when daemon.json does not parse or names a relative path', async () => {
      writeWeb();
      writeHostFile(dir, '/etc/docker/daemon.json', '{"data-root": "/srv/docker",');
      const found = await read();
      expect(found.stateDir).toBe('/var/lib/docker');
      expect(found.containers).toHaveLength(1);
      expect(found.problems).toEqual(['/etc/docker/daemon.json is not valid JSON: its data-root not read']);
      writeHostFile(dir, '/etc/docker/daemon.json', JSON.stringify({ 'data-root': 'srv/docker' }));
      expect((await read()).stateDir).toBe('/var/lib/docker');
    });

    it('without a containers directory there is no Docker state', async () => {
      mkdirSync(join(dir, 'var/lib/docker/image'), { recursive: true });
      expect(await readDockerState(root)).toBeUndefined();
    });
  });

  describe('hostile or broken layer databases', () => {
    it('never uses a cache-id that is not a layer id as a path', async () => {
      const web = writeWeb({ layers: [{ cacheId: '../../../etc', files: { a: 'a' } }] });
      const found = await read();
      const layers = containerNamed(found.containers, 'web').layers;
      const why = `/var/lib/docker/image/overlay2/layerdb/sha256/${web.chainIds[0]?.slice(7)}/cache-id is not a layer id`;
      expect(layers).toBe(why);
      expect(found.problems).toEqual([`container ${webId.slice(0, 12)}: ${why}`]);
    });

    it('never uses a mount-id or parent that is not an id as a path', async () => {
      const web = writeWeb();
      const mountDir = `/var/lib/docker/image/overlay2/layerdb/mounts/${webId}`;
      writeHostFile(dir, `${mountDir}/parent`, 'sha256:../../../../etc');
      expect(containerNamed((await read()).containers, 'web').layers).toBe(`${mountDir}/parent is not a sha256 chain id`);
      writeHostFile(dir, `${mountDir}/parent`, web.chainIds[1] ?? '');
      writeHostFile(dir, `${mountDir}/mount-id`, `../${web.mountId}`);
      expect(containerNamed((await read()).containers, 'web').layers).toBe(`${mountDir}/mount-id is not a layer id`);
    });

    it('stops at a loop of layer parents, with a problem', async () => {
      const web = writeWeb();
      const [bottom = '', top = ''] = web.chainIds;
      writeHostFile(dir, `/var/lib/docker/image/overlay2/layerdb/sha256/${bottom.slice(7)}/parent`, top);
      const found = await read();
      const why = `the layer chain of ${top} loops back to ${top}`;
      expect(containerNamed(found.containers, 'web').layers).toBe(why);
      expect(found.problems).toEqual([`container ${webId.slice(0, 12)}: ${why}`]);
    });

    it(`stops past ${maxImageLayers} layers`, async () => {
      const layers = Array.from({ length: maxImageLayers + 1 }, (_, index) => ({ files: { [`f${index}`]: String(index) } }));
      writeWeb({ layers });
      const found = await read();
      expect(containerNamed(found.containers, 'web').layers).toMatch(new RegExp(`has more than ${maxImageLayers} layers$`));
      expect(found.problems).toHaveLength(1);
    });

    it('reads exactly the maximum number of layers', async () => {
      const layers = Array.from({ length: maxImageLayers }, (_, index) => ({ files: { [`f${index}`]: String(index) } }));
      const web = writeWeb({ layers });
      const found = await read();
      expect(containerNamed(found.containers, 'web').layers).toEqual({ kind: 'overlay', lower: web.lower, upper: web.upper });
      expect(web.lower).toHaveLength(maxImageLayers + 1);
    });

    it('says which file is missing, without a problem', async () => {
      const web = writeWeb();
      writeApi();
      unlinkSync(join(dir, `var/lib/docker/image/overlay2/layerdb/mounts/${webId}/mount-id`));
      rmSync(join(dir, `var/lib/docker/overlay2/${sha256(`cache ${web.chainIds[0]}`)}`), { recursive: true });
      const found = await read();
      expect(containerNamed(found.containers, 'web').layers).toBe(`/var/lib/docker/image/overlay2/layerdb/mounts/${webId}/mount-id is missing`);
      expect(containerNamed(found.containers, 'api').layers).toMatchObject({ kind: 'overlay' });
      expect(found.problems).toEqual([]);

      writeHostFile(dir, `/var/lib/docker/image/overlay2/layerdb/mounts/${webId}/mount-id`, web.mountId);
      expect(containerNamed((await read()).containers, 'web').layers).toBe(`layer directory ${web.lower[0]} is missing`);
    });

    it('reads an image of no layers (no parent file) as only the init layer below', async () => {
      const web = writeWeb({ layers: [] });
      expect(containerNamed((await read()).containers, 'web').layers).toEqual({ kind: 'overlay', lower: web.lower, upper: web.upper });
      expect(web.lower).toEqual([`/var/lib/docker/overlay2/${web.mountId}-init/diff`]);
    });

    it('does not read the layers of another storage driver', async () => {
      writeWeb({ driver: 'btrfs' });
      expect(containerNamed((await read()).containers, 'web').layers).toBe('storage driver "btrfs" is not read (only overlay2)');
    });
  });

  describe('broken container directories', () => {
    it('reads the other containers when one config.v2.json is not JSON', async () => {
      writeWeb();
      writeApi();
      writeHostFile(dir, `/var/lib/docker/containers/${webId}/config.v2.json`, '{"ID": "');
      const found = await read();
      expect(found.containers.map((container) => container.name)).toEqual(['api']);
      expect(found.problems).toEqual([`container ${webId.slice(0, 12)}: config.v2.json is not valid JSON`]);
    });

    it('follows a symbolic link only inside the root', async () => {
      writeWeb();
      const config = join(dir, `var/lib/docker/containers/${webId}/config.v2.json`);
      unlinkSync(config);
      symlinkSync('/etc/passwd', config);
      // this machine has an /etc/passwd (not JSON); the root has none
      expect(statSync('/etc/passwd').isFile()).toBe(true);
      expect((await read()).problems).toEqual([`container ${webId.slice(0, 12)}: config.v2.json is missing`]);

      writeHostFile(dir, '/etc/passwd', JSON.stringify({ ID: webId, Name: '/inside-the-root', Driver: 'overlay2' }));
      const found = await read();
      expect(found.containers.map((container) => container.name)).toEqual(['inside-the-root']);
      expect(found.problems).toEqual([]);
    });

    it('turns a config.v2.json over 4 MiB into a problem', async () => {
      writeWeb();
      writeApi();
      writeHostFile(dir, `/var/lib/docker/containers/${apiId}/config.v2.json`, ' '.repeat(4 * 1024 ** 2 + 1));
      const found = await read();
      expect(found.containers.map((container) => container.name)).toEqual(['web']);
      expect(found.problems).toEqual([
        `container ${apiId.slice(0, 12)}: config.v2.json could not be read: 4194305 bytes, more than the 4194304-byte limit for this file`,
      ]);
    });

    it('keeps a container without hostconfig.json, its privileges unknown', async () => {
      writeWeb();
      unlinkSync(join(dir, `var/lib/docker/containers/${webId}/hostconfig.json`));
      const found = await read();
      expect(containerNamed(found.containers, 'web')).toMatchObject({ privileged: undefined, capabilities: undefined, networkMode: undefined, user: '' });
      expect(found.problems).toEqual([`container ${webId.slice(0, 12)}: hostconfig.json is missing: privileges not known`]);
    });

    it('skips a directory whose config.v2.json names another container', async () => {
      writeWeb();
      writeHostFile(dir, `/var/lib/docker/containers/${apiId}/config.v2.json`, JSON.stringify({ ID: webId, Name: '/impostor' }));
      const found = await read();
      expect(found.containers.map((container) => container.name)).toEqual(['web']);
      expect(found.problems).toEqual([`container ${apiId.slice(0, 12)}: config.v2.json names ID "${webId}", not its directory's: skipped`]);
    });

    it('skips names that are not container ids, and reads at most maxContainers', async () => {
      writeWeb();
      writeApi();
      writeDockerContainer(dir, { id: sha256('third'), name: 'third', layers: baseLayers });
      // sorted before the hex ids, so that it is among the first three
      mkdirSync(join(dir, 'var/lib/docker/containers/.not-an-id'));
      const found = await read({ maxContainers: 3 });
      expect(found.containers).toHaveLength(2);
      expect(found.problems).toEqual([
        '/var/lib/docker/containers holds 4 entries: only the first 3 read',
        '/var/lib/docker/containers/".not-an-id" is not a container id: skipped',
      ]);
    });
  });

  it('writes whiteouts as character devices 0/0', skipWhen(process.getuid?.() === 0 ? undefined : 'mknod of a character device needs root'), () => {
    const web = writeWeb({ whiteouts: ['etc/nginx/nginx.conf'] });
    expect(web.whiteoutsWritten).toBe(true);
    const info = statSync(join(dir, web.upper, 'etc/nginx/nginx.conf'));
    expect(info.isCharacterDevice()).toBe(true);
    expect(info.rdev).toBe(0);
  });
});

describe('dockerMounts', () => {
  it('reads Binds, Mounts and Tmpfs not already in MountPoints, each destination once', () => {
    const { mounts, problems } = dockerMounts(
      { '/data': { Source: '/var/lib/docker/volumes/d/_data', Destination: '/data', RW: true, Name: 'd', Type: 'volume' } },
      {
        Binds: ['/etc:/host/etc:ro,rslave', 'cache:/cache', 'd:/data/', 'broken'],
        Mounts: [
          { Type: 'bind', Source: '/proc', Target: '/host/proc', ReadOnly: true },
          { Type: 'tmpfs', Target: '/scratch' },
        ],
        Tmpfs: { '/run': 'rw,noexec', '/ro': 'ro' },
      },
    );
    expect(mounts).toEqual([
      { source: 'd', destination: '/data', type: 'volume', readOnly: false },
      { source: '/etc', destination: '/host/etc', type: 'bind', readOnly: true },
      { source: 'cache', destination: '/cache', type: 'volume', readOnly: false },
      { source: '/proc', destination: '/host/proc', type: 'bind', readOnly: true },
      { source: '', destination: '/scratch', type: 'tmpfs', readOnly: false },
      { source: 'tmpfs', destination: '/run', type: 'tmpfs', readOnly: false },
      { source: 'tmpfs', destination: '/ro', type: 'tmpfs', readOnly: true },
    ]);
    expect(problems).toEqual(['a mount is not in a form Docker writes: "broken"']);
  });

  it(`reads at most ${maxMounts} mounts`, () => {
    const binds = Array.from({ length: maxMounts + 1 }, (_, index) => `/src${index}:/dst${index}`);
    const { mounts, problems } = dockerMounts(undefined, { Binds: binds });
    expect(mounts).toHaveLength(maxMounts);
    expect(problems).toEqual([`more than ${maxMounts} mounts: the rest not read`]);
  });

  it('reads a MountPoint of Docker before 1.13 (no Type) by its Name', () => {
    const { mounts } = dockerMounts(
      { a: { Source: '/srv', Destination: '/srv', RW: false, Name: '' }, b: { Destination: '/v', RW: true, Name: 'vol' } },
      undefined,
    );
    expect(mounts).toEqual([
      { source: '/srv', destination: '/srv', type: 'bind', readOnly: true },
      { source: 'vol', destination: '/v', type: 'volume', readOnly: false },
    ]);
  });
});
