import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InspectReport } from '../report/inspect-json.js';
import { runCli, type CliRun } from '../test-support/cli.js';
import {
  buildImage,
  dockerArchiveFiles,
  ociLayoutFiles,
  sha256,
  writeArchive,
  writeDirectory,
  type BuiltImage,
  type ImageSpec,
  type TarItem,
} from '../test-support/image-builder.js';
import { FakeRegistry, startServer, type TestServer } from '../test-support/registry.js';

// Issue 14, classes 1 and 2: a layer that fails verification is an error at once, through every
// source and command, and the layer cache never stands in for a blob on the strength of a claim.

let dir: string;
let registry: FakeRegistry;
let server: TestServer;
let counter = 0;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shipshape-hostile-'));
  registry = new FakeRegistry();
  server = await startServer(registry.handler);
});
afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const shipshape = (args: string[], cacheDir = path.join(dir, `cache-${counter++}`)): Promise<CliRun> =>
  runCli([...args, '--cache-dir', cacheDir, '--plain-http', '--quiet'], { homedir: dir });

/** The three commands that read an image's layers. */
const commands: [string, string[]][] = [
  ['image inspect', ['image', 'inspect']],
  ['sbom', ['sbom']],
  ['scan image', ['scan', 'image', '--scanners', 'secret,config']],
];

const files = (name: string, content = name): TarItem[] => [
  { name: 'etc/' },
  { name: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.19.0\n' },
  { name: 'app/' },
  { name: `app/${name}`, content },
];

type Kind = 'docker-archive' | 'docker-archive (legacy layout)' | 'oci-layout' | 'oci-archive' | 'registry';
const kinds: readonly Kind[] = ['docker-archive', 'docker-archive (legacy layout)', 'oci-layout', 'oci-archive', 'registry'];

/** Where a docker-archive keeps a layer file: named by the diffID, as `docker save` does. */
const layerMember = (diffId: string, legacy: boolean): string => (legacy ? `${diffId.slice(7, 71)}/layer.tar` : `blobs/sha256/${diffId.slice(7)}`);

/**
 * Writes the image as `kind` and returns the name to give the CLI. `layerFiles` replaces the files of
 * a docker-archive's layers (by index), to forge what the archive holds under a name.
 */
async function place(kind: Kind, image: BuiltImage, layerFiles: Record<number, Buffer> = {}): Promise<string> {
  const name = `hostile-${counter++}`;
  if (kind === 'registry') {
    registry.blobs.set(image.configDigest, image.config);
    for (const layer of image.layers) registry.blobs.set(layer.digest, layer.blob);
    registry.addManifest(`hostile/${name}`, ['1'], image.manifest);
    return `${server.host}/hostile/${name}:1`;
  }
  if (kind === 'oci-layout') return writeDirectory(path.join(dir, name), ociLayoutFiles([{ image }]));
  if (kind === 'oci-archive') return writeArchive(path.join(dir, `${name}.tar`), ociLayoutFiles([{ image }]));
  const legacy = kind === 'docker-archive (legacy layout)';
  const archive = dockerArchiveFiles([{ image, tags: [`${name}:1`] }], legacy);
  for (const [index, data] of Object.entries(layerFiles)) archive.set(layerMember(image.layers[Number(index)]?.diffId ?? '', legacy), data);
  return writeArchive(path.join(dir, `${name}.tar`), archive);
}

/** The image with its manifest edited (and its digest recomputed): a manifest that lies about a layer. */
function withManifest(image: BuiltImage, edit: (manifest: { layers: { size: number }[] }) => void): BuiltImage {
  const manifest = JSON.parse(image.manifest.toString()) as { layers: { size: number }[] };
  edit(manifest);
  const data = Buffer.from(JSON.stringify(manifest));
  return { ...image, manifest: data, manifestDigest: sha256(data) };
}

const junk = Buffer.alloc(1024, 0x41);
const withDiffIds = (diffIds: unknown): ImageSpec => ({ layers: [{ items: files('app') }], config: { rootfs: { type: 'layers', diff_ids: diffIds } } });

interface Hostile {
  what: string;
  kinds: readonly Kind[];
  make(kind: Kind): Promise<string>;
  error: RegExp;
}

const hostile: Hostile[] = [
  {
    what: 'a layer blob whose digest does not match (bytes after the tar)',
    kinds,
    async make(kind) {
      // uncompressed, so the tar itself still parses: only the digest check can catch it
      const image = await buildImage({ layers: [{ items: files('app'), compression: 'none', tamper: (blob) => Buffer.concat([blob, junk]) }] });
      return place(kind, image, { 0: Buffer.concat([image.layers[0]?.tar ?? Buffer.alloc(0), junk]) });
    },
    error: /(layer 0|blob sha256:[0-9a-f]+ of) .*digest mismatch/,
  },
  {
    what: 'a gzip layer blob altered in place',
    kinds: ['oci-layout', 'oci-archive', 'registry'],
    async make(kind) {
      const image = await buildImage({ layers: [{ items: files('app'), tamper: (blob) => Buffer.concat([blob.subarray(0, -4), Buffer.from('XXXX')]) }] });
      return place(kind, image);
    },
    error: /(layer 0|blob sha256:[0-9a-f]+ of) .*(digest mismatch|corrupt)/,
  },
  {
    what: 'a manifest that gives a layer the wrong size',
    kinds: ['oci-layout', 'oci-archive', 'registry'],
    async make(kind) {
      const image = await buildImage({ layers: [{ items: files('app') }] });
      return place(
        kind,
        withManifest(image, (manifest) => manifest.layers.forEach((layer) => (layer.size += 1))),
      );
    },
    error: /size mismatch/,
  },
  {
    what: 'a config diffID the layer does not hash to',
    kinds,
    make: async (kind) => place(kind, await buildImage(withDiffIds([sha256('another layer')]))),
    error: /layer 0 .*digest mismatch/,
  },
  {
    what: 'an empty diffID',
    kinds,
    make: async (kind) => place(kind, await buildImage(withDiffIds(['']))),
    error: /rootfs\.diff_ids\[0\] is "", not a digest/,
  },
  {
    what: 'a missing diffID',
    kinds,
    make: async (kind) => place(kind, await buildImage(withDiffIds([]))),
    error: /lists 1 layers but the config has 0 rootfs\.diff_ids/,
  },
];

describe('a layer that fails verification is an error, at once, from every source and command', () => {
  for (const { what, kinds: where, make, error } of hostile) {
    for (const kind of where) {
      it(`${what}: ${kind}`, { timeout: 20_000 }, async () => {
        const name = await make(kind);
        for (const [label, command] of commands) {
          const result = await shipshape([...command, name]);
          expect(result.code, `${label}: ${result.stderr}`).toBe(2);
          expect(result.stderr, label).toMatch(/^shipshape: error: /);
          expect(result.stderr, label).toMatch(error);
          expect(result.stderr, label).not.toMatch(/^\s+at /m); // no stack trace
          expect(result.stdout, label).toBe('');
        }
      });
    }
  }
});

describe('the layer cache does not trust what an image claims', () => {
  /** A benign image, and a forged one whose config claims the benign layer's diffID over its own, other content. */
  async function pair(): Promise<{ benign: BuiltImage; forged: BuiltImage }> {
    const benign = await buildImage({ layers: [{ items: files('benign') }] });
    const claimed = benign.layers[0]?.diffId ?? '';
    const forged = await buildImage({
      layers: [{ items: files('evil', 'AKIAIOSFODNN7EXAMPLE') }],
      config: { rootfs: { type: 'layers', diff_ids: [claimed] } },
    });
    // a docker-archive names the forged layer's file after the claimed diffID too (a registry or OCI
    // layout serves it under its own digest: only the config lies there)
    return { benign, forged: { ...forged, layers: forged.layers.map((layer) => ({ ...layer, diffId: claimed })) } };
  }

  for (const kind of kinds) {
    it(`${kind}: an image claiming a cached layer's diffID has its own blob read, and fails verification`, { timeout: 20_000 }, async () => {
      const { benign, forged } = await pair();
      const cacheDir = path.join(dir, `shared-cache-${counter++}`);
      const [benignName, forgedName] = [await place(kind, benign), await place(kind, forged)];
      for (const [label, command] of commands) {
        const first = await shipshape([...command, benignName], cacheDir);
        expect(first.code, `${label}: ${first.stderr}`).toBe(0);
        const result = await shipshape([...command, forgedName], cacheDir);
        expect(result.code, `${label}: the forged image was reported as the benign one:\n${result.stdout.slice(0, 400)}`).toBe(2);
        expect(result.stderr, label).toMatch(/^shipshape: error: layer 0 .*digest mismatch/);
      }
    });
  }

  it('a docker-archive layer is hashed before its cached scan stands for it; a content-addressed blob is not read again', async () => {
    const image = await buildImage({ layers: [{ items: files('app') }, { items: files('more') }] });
    const cacheDir = path.join(dir, `docker-cache-${counter++}`);
    const inspect = async (name: string): Promise<InspectReport> => {
      const result = await shipshape(['image', 'inspect', name, '-f', 'json'], cacheDir);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as InspectReport;
    };
    const archive = await place('docker-archive', image);
    expect((await inspect(archive)).layers.map((l) => l.fromCache)).toEqual([false, false]);
    expect((await inspect(archive)).layers.map((l) => l.fromCache)).toEqual([true, true]);
    // the same archive with layer 1's file altered under the same name: the cache does not hide it
    const altered = await place('docker-archive', image, { 1: Buffer.concat([image.layers[1]?.tar ?? Buffer.alloc(0), junk]) });
    const result = await shipshape(['image', 'inspect', altered], cacheDir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^shipshape: error: layer 1 .*digest mismatch/);
    // an OCI layout of the same layers: its blobs are content-addressed, their cached scans are keyed by those digests
    const layout = await place('oci-layout', image);
    expect((await inspect(layout)).layers.map((l) => l.fromCache)).toEqual([false, false]);
    expect((await inspect(layout)).layers.map((l) => l.fromCache)).toEqual([true, true]);
  });
});
