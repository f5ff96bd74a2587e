import { dedent } from '../test-support/text.js';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLimits } from '../core/limits.js';
import { readImage, type ImageModel } from '../image/read-image.js';
import { directoryFiles } from '../image/sources/archive-files.js';
import { OciLayoutSource } from '../image/sources/oci-layout.js';
import { buildImage, type BuildOptions } from './builder.js';
import { assembleImage, makeLayer, writeOciLayout, type BuiltImage } from './image.js';
import { emptyChanges } from './file-tree.js';
import { parseDockerignore } from './context.js';
import { mergeDpkgStatus } from './recorded-runs.js';

let dir: string;
let parent: BuiltImage;
const created = new Date('2024-05-01T12:00:00Z');

async function files(root: string, entries: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(entries)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), content);
  }
}

async function read(image: BuiltImage): Promise<ImageModel> {
  const layout = await mkdtemp(path.join(dir, 'layout-'));
  await writeOciLayout(layout, [{ image, refName: 'test' }]);
  return readImage(new OciLayoutSource('oci-layout', layout, directoryFiles(layout)), { selection: {}, limits: defaultLimits });
}

/** A parent image with /etc/passwd and a dpkg status, as base images have. */
async function makeParent(): Promise<BuiltImage> {
  const changes = emptyChanges();
  changes.added.set('etc', { type: 'dir', mode: 0o755, uid: 0, gid: 0 });
  changes.added.set('etc/passwd', {
    type: 'file',
    content: Buffer.from('root:x:0:0::/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n'),
    mode: 0o644,
    uid: 0,
    gid: 0,
  });
  changes.added.set('etc/group', { type: 'file', content: Buffer.from('root:x:0:\nnode:x:1000:\n'), mode: 0o644, uid: 0, gid: 0 });
  changes.added.set('var/lib/dpkg/status', {
    type: 'file',
    content: Buffer.from('Package: libc6\nStatus: install ok installed\nVersion: 2.31-13\n'),
    mode: 0o644,
    uid: 0,
    gid: 0,
  });
  const layer = await makeLayer(changes, new Map(), created);
  const filesAfter = new Map(changes.added);
  return assembleImage(
    {
      architecture: 'amd64',
      config: { Env: ['PATH=/usr/bin:/bin'], Cmd: ['bash'] },
      created: '2024-01-01T00:00:00Z',
      history: [{ created: '2024-01-01T00:00:00Z', created_by: '/bin/sh -c #(nop) ADD file:abc in / ' }],
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [] },
    },
    [layer],
    filesAfter,
  );
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shipshape-demo-builder-'));
  parent = await makeParent();
  await files(path.join(dir, 'app'), {
    Dockerfile: [
      'ARG BASE=example.com/base:1',
      'FROM ${BASE} AS build',
      'ARG NODE_ENV=production',
      'WORKDIR /src',
      'COPY package*.json ./',
      'RUN npm ci',
      'COPY lib/ ./lib/',
      '',
      'FROM ${BASE}',
      'ENV APP_HOME=/app PORT=8080',
      'LABEL org.opencontainers.image.source="https://example.com/app"',
      'WORKDIR $APP_HOME',
      'COPY --from=build --chown=node:node /src /app',
      'COPY .env /app/.env',
      'RUN rm /app/.env && echo done',
      'RUN echo nothing changes',
      'USER node',
      'EXPOSE 8080 9090/udp',
      'ENTRYPOINT ["node"]',
      'CMD ["server.js"]',
      '',
    ].join('\n'),
    'package.json': '{"name":"app","version":"1.0.0"}\n',
    'package-lock.json': '{"lockfileVersion":3}\n',
    'lib/index.js': 'module.exports = 1;\n',
    'lib/secret.key': 'ignored by .dockerignore\n',
    '.env': 'TOKEN=abc\n',
    '.dockerignore': '# comments\n**/*.key\nnode_modules\n',
    '.shipshape-build/runs.yaml': [
      'runs:',
      '  - run: npm ci',
      '    write:',
      '      /src/node_modules/left-pad/package.json: \'{"name":"left-pad","version":"1.3.0"}\'',
      '  - run: rm /app/.env',
      '    deleted: [/app/.env]',
      '',
    ].join('\n'),
  });
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const options = (extra: Partial<BuildOptions> = {}): BuildOptions => ({ parents: new Map([['example.com/base:1', parent]]), created, ...extra });
const build = (extra: Partial<BuildOptions> = {}): Promise<BuiltImage> =>
  buildImage(path.join(dir, 'app', 'Dockerfile'), path.join(dir, 'app'), options(extra));

describe('buildImage', () => {
  it('gives the same bytes, so the same digests, every time', async () => {
    const [a, b] = await Promise.all([build(), build()]);
    expect(a.digest).toBe(b.digest);
    expect(a.manifest.equals(b.manifest)).toBe(true);
    expect(a.layers.map((l) => l.digest)).toEqual(b.layers.map((l) => l.digest));
    // another build time is another image
    expect((await build({ created: new Date('2024-05-02T12:00:00Z') })).digest).not.toBe(a.digest);
  });

  it('writes history as BuildKit does, with a layer only where the filesystem changed', async () => {
    const image = await build();
    const history = image.configDocument.history.map((h) => `${h.empty_layer ? '-' : 'L'} ${h.created_by}`);
    expect(history).toEqual([
      'L /bin/sh -c #(nop) ADD file:abc in / ',
      '- ENV APP_HOME=/app PORT=8080',
      '- LABEL org.opencontainers.image.source=https://example.com/app',
      'L WORKDIR /app # buildkit',
      'L COPY /src /app # buildkit',
      'L COPY .env /app/.env # buildkit',
      'L RUN /bin/sh -c rm /app/.env && echo done # buildkit',
      '- RUN /bin/sh -c echo nothing changes # buildkit',
      '- USER node',
      '- EXPOSE map[8080/tcp:{} 9090/udp:{}]',
      '- ENTRYPOINT ["node"]',
      '- CMD ["server.js"]',
    ]);
    expect(image.layers).toHaveLength(5);
    expect(image.configDocument).toMatchObject({
      created: '2024-05-01T12:00:00Z',
      config: {
        User: 'node',
        Env: ['PATH=/usr/bin:/bin', 'APP_HOME=/app', 'PORT=8080'],
        Entrypoint: ['node'],
        Cmd: ['server.js'],
        WorkingDir: '/app',
        ExposedPorts: { '8080/tcp': {}, '9090/udp': {} },
        Labels: { 'org.opencontainers.image.source': 'https://example.com/app' },
      },
      rootfs: { type: 'layers', diff_ids: image.layers.map((l) => l.diffId) },
    });
  });

  it('writes build args into RUN history lines, and the build stage follows --build-arg', async () => {
    const stage = await build({ target: 'build', buildArgs: { NODE_ENV: 'test' } });
    expect(stage.configDocument.history.map((h) => h.created_by)).toContain('RUN |1 NODE_ENV=test /bin/sh -c npm ci # buildkit');
    expect(stage.configDocument.history.map((h) => h.created_by)).toContain('ARG NODE_ENV=production');
  });

  it('makes layers the project reads back: files, owners, whiteouts, .dockerignore, history per layer', async () => {
    const model = await read(await build());
    expect(model.layers.map((l) => l.history?.created_by)).toEqual([
      '/bin/sh -c #(nop) ADD file:abc in / ',
      'WORKDIR /app # buildkit',
      'COPY /src /app # buildkit',
      'COPY .env /app/.env # buildkit',
      'RUN /bin/sh -c rm /app/.env && echo done # buildkit',
    ]);
    const copied = model.layers[2]?.scan.entries.filter((e) => e.type === 'file').map((e) => [e.path, e.uid, e.gid]);
    expect(copied).toEqual([
      ['/app/lib/index.js', 1000, 1000],
      ['/app/node_modules/left-pad/package.json', 1000, 1000],
      ['/app/package-lock.json', 1000, 1000],
      ['/app/package.json', 1000, 1000],
    ]);
    expect(model.layers[4]?.changes.deleted).toEqual(['/app/.env']);
    expect(model.view.get('/app/.env')).toBeUndefined();
    expect(model.view.get('/app/package.json')).toBeDefined();
    expect(model.view.get('/app/lib/secret.key')).toBeUndefined();
  });

  it('stores layers as gzip whose content is the tar the diffID names', async () => {
    const image = await build();
    for (const layer of image.layers)
      expect(`sha256:${(await import('node:crypto')).createHash('sha256').update(gunzipSync(layer.blob)).digest('hex')}`).toBe(layer.diffId);
  });

  it('refuses what it cannot reproduce, saying where', async () => {
    await expect(buildImage(path.join(dir, 'app', 'Dockerfile'), path.join(dir, 'app'), { created })).rejects.toThrow(
      /Dockerfile:9: the parent image example.com\/base:1 is neither a base image nor an image built earlier/,
    );
    await files(path.join(dir, 'bad'), {
      Dockerfile: `FROM example.com/base@${parent.digest.replace(/.$/, '0')}\nRUN true\n`,
      '.shipshape-build/runs.yaml': 'runs:\n  - run: apt-get\n',
    });
    const bad = (): Promise<BuiltImage> => buildImage(path.join(dir, 'bad', 'Dockerfile'), path.join(dir, 'bad'), options());
    await expect(bad()).rejects.toThrow(/"apt-get" matches 0 RUN instructions/);
    await writeFile(path.join(dir, 'bad', '.shipshape-build', 'runs.yaml'), 'runs: []\n');
    await expect(bad()).rejects.toThrow(new RegExp(`no image example.com/base has the digest .*built before this one: ${parent.digest}`));
  });
});

describe('helpers', () => {
  it('.dockerignore: last match wins, directories take their contents, ** crosses folders', () => {
    const ignored = parseDockerignore('node_modules\n*.md\n!README.md\n**/*.key\n/build/\n');
    expect(['node_modules', 'node_modules/a/package.json', 'CHANGES.md', 'a/b/c.key', 'build/x'].filter(ignored)).toHaveLength(5);
    expect(['README.md', 'src/a.md', 'src/index.js', 'keys/x'].filter(ignored)).toEqual([]);
  });

  it('dpkg status merge: one paragraph per package, sorted, installed ones replaced', () => {
    const merged = mergeDpkgStatus('Package: zlib1g\nVersion: 1\n\nPackage: curl\nVersion: 1\n', 'Package: curl\nVersion: 2\n\nPackage: bash\nVersion: 5\n');
    expect(merged).toBe(dedent`
      Package: bash
      Version: 5

      Package: curl
      Version: 2

      Package: zlib1g
      Version: 1
    `);
  });
});
