import { chmod, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { FileTree } from './file-tree.js';
import type { EstateImage } from './estate.js';

/**
 * The demo's container host: `ci-runner-01`, the Jenkins agent VM that runs the estate's images for
 * integration tests, with Docker. Its filesystem is laid out as Docker 24 leaves it with the overlay2
 * driver — daemon.json, the dpkg database, `containers/<id>/config.v2.json` and `hostconfig.json`,
 * the reference store, the layer database and the overlay2 directories — holding containers of
 * images the demo's own builder made, one of them changed at run time. `host scan` then reads it as
 * it reads any host: nothing in the report about it is written by hand.
 */
export const demoHostName = 'ci-runner-01';

const dataRoot = 'var/lib/docker';
/** An ELF header and a little more: enough for an executable to be an executable. */
const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(56)]);

interface DemoContainer {
  name: string;
  image: EstateImage;
  user: string;
  binds: string[];
  readOnly: boolean;
  /** What the container wrote into its writable layer while it ran: path → content and mode. */
  upper: Record<string, { content: Buffer; mode: number }>;
}

/** Writes the host below `root` (the directory standing for its `/`). */
export async function writeDemoHost(root: string, images: readonly EstateImage[], now: Date): Promise<void> {
  const image = (reference: string): EstateImage => {
    const found = images.find((candidate) => candidate.tags.includes(reference));
    if (found === undefined) throw new Error(`the example estate builds no ${reference}`);
    return found;
  };
  const write = (hostPath: string, content: string | Buffer, mode = 0o644): Promise<void> => writeHostFile(root, hostPath, content, mode);
  await write('etc/hostname', `${demoHostName}\n`);
  await write(
    'etc/os-release',
    'PRETTY_NAME="Ubuntu 22.04.4 LTS"\nNAME="Ubuntu"\nVERSION_ID="22.04"\nVERSION="22.04.4 LTS (Jammy Jellyfish)"\nID=ubuntu\nID_LIKE=debian\n',
  );
  await mkdir(path.join(root, 'lib/modules/5.15.0-1051-aws'), { recursive: true });
  await write('var/lib/dpkg/status', [dpkgEntry('docker-ce', '5:24.0.7-1~ubuntu.22.04~jammy'), dpkgEntry('containerd.io', '1.6.26-1')].join('\n'));
  // the agent's Docker listens on TCP for the Jenkins controller, without TLS, and pulls from the estate registry over plain HTTP
  await write(
    'etc/docker/daemon.json',
    `${JSON.stringify({ hosts: ['unix:///var/run/docker.sock', 'tcp://0.0.0.0:2375'], 'insecure-registries': ['registry.shop.internal'] }, null, 2)}\n`,
  );
  const containers: DemoContainer[] = [
    {
      name: 'payments-api-it',
      image: image('registry.shop.internal/shop/payments-api:142'),
      user: '',
      binds: ['/var/run/docker.sock:/var/run/docker.sock'],
      readOnly: false,
      upper: {
        '/tmp/.x/kdevtmpfsi': { content: elf, mode: 0o755 },
        '/usr/local/lib/libprocesshider.so': { content: elf, mode: 0o644 },
        '/etc/ld.so.preload': { content: Buffer.from('/usr/local/lib/libprocesshider.so\n'), mode: 0o644 },
        '/root/.aws/credentials': {
          content: Buffer.from('[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n'),
          mode: 0o600,
        },
      },
    },
    { name: 'web-frontend-it', image: image('registry.shop.internal/shop/web-frontend:latest'), user: '101', binds: [], readOnly: true, upper: {} },
  ];
  for (const container of containers) await writeContainer(root, container, now);
}

async function writeContainer(root: string, container: DemoContainer, now: Date): Promise<void> {
  const id = sha256(`container ${container.name}`);
  const imageId = sha256(`config ${container.image.image.digest}`);
  // the image's filesystem as one layer: the layer database chains one diff directory
  const diffId = `sha256:${sha256(`layer ${container.image.image.digest}`)}`;
  const cacheId = sha256(`cache ${diffId}`);
  const layerDb = `${dataRoot}/image/overlay2/layerdb`;
  await writeHostFile(root, `${layerDb}/sha256/${diffId.slice(7)}/diff`, diffId);
  await writeHostFile(root, `${layerDb}/sha256/${diffId.slice(7)}/cache-id`, cacheId);
  await writeTree(root, `${dataRoot}/overlay2/${cacheId}/diff`, container.image.image.files);
  const mountId = sha256(`mount ${id}`);
  await writeHostFile(root, `${layerDb}/mounts/${id}/mount-id`, mountId);
  await writeHostFile(root, `${layerDb}/mounts/${id}/init-id`, `${mountId}-init`);
  await writeHostFile(root, `${layerDb}/mounts/${id}/parent`, diffId);
  for (const file of ['/etc/hosts', '/etc/hostname', '/etc/resolv.conf', '/.dockerenv'])
    await writeHostFile(root, `${dataRoot}/overlay2/${mountId}-init/diff${file}`, '');
  await mkdir(path.join(root, `${dataRoot}/overlay2/${mountId}/diff`), { recursive: true });
  for (const [file, { content, mode }] of Object.entries(container.upper))
    await writeHostFile(root, `${dataRoot}/overlay2/${mountId}/diff${file}`, content, mode);
  await addReference(root, container.image, imageId);
  const started = new Date(now.getTime() - 3600_000).toISOString();
  const config = {
    ID: id,
    Name: `/${container.name}`,
    Created: new Date(now.getTime() - 3700_000).toISOString(),
    State: { Running: true, Paused: false, Restarting: false, Dead: false, Pid: 4242, StartedAt: started, FinishedAt: '0001-01-01T00:00:00Z' },
    Config: { User: container.user, Image: container.image.reference, Labels: {} },
    Image: `sha256:${imageId}`,
    Driver: 'overlay2',
    MountPoints: Object.fromEntries(
      container.binds.map((bind) => {
        const [source, destination] = bind.split(':');
        return [destination, { Source: source, Destination: destination, RW: true, Type: 'bind' }];
      }),
    ),
  };
  const hostConfig = { Binds: container.binds, NetworkMode: 'bridge', CapAdd: null, CapDrop: null, Privileged: false, ReadonlyRootfs: container.readOnly };
  await writeHostFile(root, `${dataRoot}/containers/${id}/config.v2.json`, JSON.stringify(config));
  await writeHostFile(root, `${dataRoot}/containers/${id}/hostconfig.json`, JSON.stringify(hostConfig));
}

/** The reference store: the tag and the manifest digest the image was pulled by, for its image id. */
async function addReference(root: string, image: EstateImage, imageId: string): Promise<void> {
  const file = path.join(root, dataRoot, 'image/overlay2/repositories.json');
  const repository = image.reference.replace(/:[^:/]*$/, '');
  const known = await readFile(file, 'utf8').catch(() => '{"Repositories":{}}');
  const store = JSON.parse(known) as { Repositories: Record<string, Record<string, string>> };
  store.Repositories[repository] = {
    ...store.Repositories[repository],
    [image.reference]: `sha256:${imageId}`,
    [`${repository}@${image.image.digest}`]: `sha256:${imageId}`,
  };
  await writeHostFile(root, `${dataRoot}/image/overlay2/repositories.json`, JSON.stringify(store));
}

/** An image's filesystem as a diff directory; directories stay writable to their owner, so the demo can remove them. */
async function writeTree(root: string, dir: string, files: FileTree): Promise<void> {
  const base = path.join(root, dir);
  await mkdir(base, { recursive: true });
  const directories: [string, number][] = [];
  for (const [file, node] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const target = path.join(base, file);
    await mkdir(path.dirname(target), { recursive: true });
    if (node.type === 'dir') {
      await mkdir(target, { recursive: true });
      directories.push([target, node.mode | 0o700]);
    } else if (node.type === 'symlink') await symlink(node.target, target);
    else {
      await writeFile(target, node.content);
      await chmod(target, node.mode & 0o7777);
    }
  }
  for (const [directory, mode] of directories) await chmod(directory, mode & 0o7777);
}

async function writeHostFile(root: string, hostPath: string, content: string | Buffer, mode = 0o644): Promise<void> {
  const file = path.join(root, hostPath);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  await chmod(file, mode);
}

function dpkgEntry(name: string, version: string): string {
  return `Package: ${name}\nStatus: install ok installed\nPriority: optional\nArchitecture: amd64\nVersion: ${version}\nDescription: ${name}\n`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
