import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLimits } from '../core/limits.js';
import { sharedAbsent, sharedPath } from '../test-support/shared.js';
import { commandMissing, skipWhen } from '../test-support/skip.js';
import { instructionOf } from './history.js';
import { readImage, type ImageModel } from './read-image.js';
import { tarFiles } from './sources/archive-files.js';
import { DockerArchiveSource } from './sources/docker-archive.js';
import { OciLayoutSource } from './sources/oci-layout.js';
import { TarIndex } from './sources/tar-index.js';

interface ExpectedLayer {
  digest: string;
  diff_id: string;
  size: number;
  media_type: string;
  created_by: string;
  added: string[];
  modified: string[];
  deleted: string[];
  opaque_dirs: string[];
}
interface Expected {
  manifest_digest: string;
  config_digest: string;
  ref_name: string;
  platform: { os: string; architecture: string };
  config: { User?: string; Env?: string[]; Cmd?: string[]; WorkingDir?: string; Labels?: Record<string, string> };
  layers: ExpectedLayer[];
  final_rootfs: { non_directory_entries: number };
}

const images = ['debian-bookworm', 'bullseye-app'] as const;
const expectedOf = (name: string): Expected => JSON.parse(readFileSync(sharedPath('images', `${name}.expected.json`), 'utf8')) as Expected;

async function read(source: OciLayoutSource | DockerArchiveSource): Promise<ImageModel> {
  return readImage(source, { selection: {}, limits: defaultLimits });
}

async function ociArchive(name: string): Promise<OciLayoutSource> {
  const file = sharedPath('images', `${name}.oci.tar`);
  return new OciLayoutSource('oci-archive', file, tarFiles(await TarIndex.build(file, defaultLimits)));
}

const sorted = (paths: readonly string[]): string[] => [...paths].sort();

describe('the real images in shared/images', skipWhen(sharedAbsent), () => {
  describe.each(images)('%s (oci-archive)', (name) => {
    // Read in beforeAll: a skipped describe still runs its body to collect the tests.
    let expected: Expected;
    let model: ImageModel;
    beforeAll(() => {
      expected = expectedOf(name);
    });

    it('resolves the manifest, config and platform the archive holds', async () => {
      model = await read(await ociArchive(name));
      expect(model.image.manifestDigest).toBe(expected.manifest_digest);
      expect(model.image.configDigest).toBe(expected.config_digest);
      expect(model.image.reference).toBe(expected.ref_name);
      expect({ os: model.image.config.os, architecture: model.image.config.architecture }).toEqual(expected.platform);
      expect(model.image.config.config?.User ?? undefined).toBe(expected.config.User);
      expect(model.image.config.config?.Env).toEqual(expected.config.Env);
      expect(model.diagnostics).toEqual([]);
    });

    it('gives each layer its digest, diffID, size, media type and created_by', () => {
      expect(model.layers.map((l) => [l.blob.digest, l.blob.diffId, l.blob.size, l.blob.mediaType, l.history?.created_by])).toEqual(
        expected.layers.map((l) => [l.digest, l.diff_id, l.size, l.media_type, l.created_by]),
      );
    });

    it('finds exactly the files each layer added, modified and deleted (oracle: the layer tars)', () => {
      model.layers.forEach((layer, index) => {
        const truth = expected.layers[index] as ExpectedLayer;
        expect(sorted(layer.changes.added), `layer ${index} added`).toEqual(sorted(truth.added));
        expect(sorted(layer.changes.modified), `layer ${index} modified`).toEqual(sorted(truth.modified));
        expect(sorted(layer.changes.deleted), `layer ${index} deleted`).toEqual(sorted(truth.deleted));
        expect(sorted(layer.changes.opaqueDirs), `layer ${index} opaque`).toEqual(sorted(truth.opaque_dirs));
      });
    });

    it('squashes to the same number of files as `umoci unpack`', () => {
      expect(model.view.fileCount).toBe(expected.final_rootfs.non_directory_entries);
    });
  });

  it('keeps files deleted by a later layer reachable, with the layers that wrote and deleted them', async () => {
    const model = await read(await ociArchive('bullseye-app'));
    expect(model.view.get('/opt/leaked/credentials.txt')).toBeUndefined();
    const secret = model.view.hidden.find((file) => file.entry.path === '/opt/leaked/credentials.txt');
    expect(secret).toMatchObject({ layer: 3, hiddenBy: 4, how: 'deleted' });
    expect(instructionOf(model.layers[3]?.history?.created_by)).toMatch(/^ADD file:\w+ in \/opt\/leaked\/credentials.txt$/);
  });

  describe('the docker-archive form of the same image (made with skopeo)', skipWhen(commandMissing('skopeo')), () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'shipshape-docker-archive-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it.each(images)('%s gives the same layers and files as the OCI archive', async (name) => {
      const archive = path.join(dir, `${name}.docker.tar`);
      const copy = spawnSync('skopeo', [
        'copy',
        '--quiet',
        `oci-archive:${sharedPath('images', `${name}.oci.tar`)}`,
        `docker-archive:${archive}:localhost/${name}:test`,
      ]);
      expect(copy.status, copy.stderr.toString()).toBe(0);
      const fromDocker = await read(new DockerArchiveSource(archive, tarFiles(await TarIndex.build(archive, defaultLimits))));
      const fromOci = await read(await ociArchive(name));
      expect(fromDocker.image.reference).toBe(`localhost/${name}:test`);
      expect(fromDocker.image.configDigest).toBe(fromOci.image.configDigest);
      expect(fromDocker.layers.map((l) => [l.blob.diffId, l.blob.digest, l.history?.created_by])).toEqual(
        fromOci.layers.map((l) => [l.blob.diffId, l.blob.diffId, l.history?.created_by]),
      );
      expect(fromDocker.layers.map((l) => l.changes)).toEqual(fromOci.layers.map((l) => l.changes));
      expect([...fromDocker.view.files()]).toEqual([...fromOci.view.files()]);
    });
  });
});
