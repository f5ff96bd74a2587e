// Secrets are masked in every output: what `scan` flags in an image's config (labels, history lines,
// the command) is never printed by `image inspect`, the SBOMs, `scan` or `registry scan`; a label named
// `__proto__` or `constructor` is read and scanned like any other.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaType } from '../image/media-types.js';
import { runCli } from '../test-support/cli.js';
import { buildImage, dockerArchiveFiles, writeArchive } from '../test-support/image-builder.js';
import { FakeRegistry, startServer, type TestServer } from '../test-support/registry.js';

const github = 'ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
const aws = 'AKIAY34FZKBOKMUTVV7A';
const gitlab = 'glpat-xZ9yW8vU7tS6rQ5pO4nM';
const npm = 'npm_Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2';
const slack = 'xoxb-12345678901-abcdefghijklmnop';
const secrets = [github, aws, gitlab, npm, slack];

// JSON.parse makes `__proto__` an own key, as an image config read from disk has it
const labels = JSON.parse(`{"__proto__": "${github}", "constructor": "${aws}", "team": "a"}`) as Record<string, string>;

let dir: string;
let archive: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shipshape-masked-'));
  const image = await buildImage({
    layers: [
      {
        createdBy: `RUN |1 NPM_TOKEN=${npm} /bin/sh -c npm ci # buildkit`,
        items: [
          { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
          { name: 'var/lib/dpkg/status', content: 'Package: zlib1g\nStatus: install ok installed\nVersion: 1.2.13\nArchitecture: amd64\n\n' },
        ],
      },
    ],
    emptyHistoryAfter: { 0: [`/bin/sh -c #(nop)  LABEL constructor=${aws}`] },
    config: { config: { User: 'app', Env: ['PATH=/usr/bin'], Cmd: ['app', '--token', gitlab, '--slack', slack], Labels: labels } },
  });
  archive = await writeArchive(path.join(dir, 'image.tar'), dockerArchiveFiles([{ image, tags: ['app:1'] }]));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const shipshape = (args: string[]) => runCli([...args, '--no-cache'], { env: { SHIPSHAPE_CACHE_DIR: path.join(dir, 'cache') } });

function expectMasked(what: string, text: string): void {
  for (const secret of secrets) expect(text, `${what} holds ${secret.slice(0, 4)}…`).not.toContain(secret);
}

describe('secrets in the image config are masked in every output', () => {
  it.each(
    [
      ['image', 'inspect', 'IMAGE', '-f', 'table'],
      ['image', 'inspect', 'IMAGE', '-f', 'json'],
      ['image', 'inspect', 'IMAGE', '--layer', '0'],
      ['image', 'inspect', 'IMAGE', '-f', 'json', '--files'],
      ['sbom', 'IMAGE', '-f', 'table'],
      ['sbom', 'IMAGE', '-f', 'json'],
      ['sbom', 'IMAGE', '-f', 'cyclonedx'],
      ['sbom', 'IMAGE', '-f', 'spdx'],
      ['scan', 'image', 'IMAGE', '--scanners', 'secret,config', '-f', 'table'],
      ['scan', 'image', 'IMAGE', '--scanners', 'secret,config', '-f', 'json'],
      ['scan', 'image', 'IMAGE', '--scanners', 'secret,config', '-f', 'sarif'],
    ].map((args) => [args.filter((a) => a !== 'IMAGE').join(' '), args] as const),
  )('%s', async (what, args) => {
    const { code, stdout, stderr } = await shipshape(args.map((a) => (a === 'IMAGE' ? archive : a)));
    expect(code, stderr).toBe(0);
    expectMasked(what, stdout + stderr);
  });

  it('shows the masks where the values were: labels, history, command', async () => {
    const report = JSON.parse((await shipshape(['image', 'inspect', archive, '-f', 'json'])).stdout) as {
      config: { labels: Record<string, string>; cmd: string[] };
      layers: { createdBy: string }[];
    };
    expect(Object.entries(report.config.labels)).toEqual([
      ['__proto__', 'ghp_****'],
      ['constructor', 'AKIA****'],
      ['team', 'a'],
    ]);
    expect(report.config.cmd).toEqual(['app', '--token', 'glpa****', '--slack', 'xoxb****']);
    expect(report.layers[0]?.createdBy).toBe('RUN |1 NPM_TOKEN=npm_**** /bin/sh -c npm ci # buildkit');
  });

  it('scans labels named __proto__ and constructor, and the command', async () => {
    const report = JSON.parse((await shipshape(['scan', 'image', archive, '--scanners', 'secret', '-f', 'json'])).stdout) as {
      secrets: { ruleId: string; location: { path: string } }[];
    };
    expect(report.secrets.map((f) => [f.ruleId, f.location.path]).sort()).toEqual(
      [
        ['SS-SEC-001', 'config:Labels/constructor'],
        ['SS-SEC-005', 'config:Labels/__proto__'],
        ['SS-SEC-006', 'config:Cmd'],
        ['SS-SEC-007', 'config:Cmd'],
        ['SS-SEC-010', 'config:history/0'],
      ].sort(),
    );
  });
});

describe('registry scan', () => {
  let server: TestServer | undefined;
  afterAll(async () => server?.close());

  it('masks secrets in the labels and annotations it quotes (source, revision, base)', async () => {
    const fake = new FakeRegistry();
    const config = Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: {
          Labels: JSON.parse(`{"org.opencontainers.image.source": "https://x:${github}@github.com/o/r", "__proto__": "${aws}"}`) as Record<string, string>,
        },
        rootfs: { type: 'layers', diff_ids: [] },
      }),
    );
    const { createHash } = await import('node:crypto');
    const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
    fake.blobs.set(configDigest, config);
    fake.addManifest('team/app', ['1'], {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: configDigest, size: config.length },
      layers: [],
      annotations: { 'org.opencontainers.image.revision': `deadbeef ${gitlab}`, 'org.opencontainers.image.base.name': `docker.io/library/debian:12?${slack}` },
    });
    server = await startServer(fake.handler);
    for (const format of ['json', 'table']) {
      const { stdout, stderr } = await runCli([
        'registry',
        'scan',
        `${server.host}/team/app`,
        '--plain-http',
        '--scanners',
        'none',
        '--no-history',
        '--no-cache',
        '-f',
        format,
      ]);
      expectMasked(`registry scan -f ${format}`, stdout + stderr);
      if (format === 'json') {
        const facts = (JSON.parse(stdout) as { repositories: { images: { platforms: { source: string; revision: string; baseName: string }[] }[] }[] })
          .repositories[0]?.images[0]?.platforms[0];
        expect(facts).toMatchObject({
          source: 'https://x:ghp_****@github.com/o/r',
          revision: 'deadbeef glpa****',
          baseName: 'docker.io/library/debian:12?xoxb****',
        });
      }
    }
  });
});
