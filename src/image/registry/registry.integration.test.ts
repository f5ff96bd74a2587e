import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Diagnostics } from '../../core/diagnostics.js';
import { AuthError, NotFoundError, TlsError } from '../../core/errors.js';
import { defaultLimits } from '../../core/limits.js';
import { DigestingStream, digestOf } from '../digest.js';
import { MediaType } from '../media-types.js';
import { parseReference } from '../reference.js';
import type { ImageSelection, ResolvedImage } from '../source.js';
import {
  pushImage,
  putManifest,
  registryMissing,
  startRegistry,
  startTokenServer,
  type RunningRegistry,
  type TokenServer,
} from '../../test-support/registry.js';
import { sharedAbsent, sharedPath } from '../../test-support/shared.js';
import { skipWhen } from '../../test-support/skip.js';
import { openRegistryImage } from './image-source.js';
import { RegistryClient } from './client.js';
import type { RegistryOptions } from './options.js';

interface Expected {
  manifest_digest: string;
  config_digest: string;
  layers: { digest: string; diff_id: string; size: number }[];
}

function image(name: string): { archive: string; expected: Expected } {
  return {
    archive: sharedPath('images', `${name}.oci.tar`),
    expected: JSON.parse(readFileSync(sharedPath('images', `${name}.expected.json`), 'utf8')) as Expected,
  };
}

const user = 'tester';
const password = 'test-pass-1';

describe('registry client against real registries', skipWhen(sharedAbsent, registryMissing({ auth: true, tls: true, skopeo: true })), () => {
  // Loaded in beforeAll: a skipped describe still runs its body to collect tests.
  let bookworm: ReturnType<typeof image>;
  let bullseye: ReturnType<typeof image>;
  let plain: RunningRegistry;
  let basic: RunningRegistry;
  let tls: RunningRegistry;
  let tokens: TokenServer;
  let configDir: string;
  const pushed = { bookworm: '', bullseye: '', basic: '', tls: '', index: '' };

  beforeAll(async () => {
    bookworm = image('debian-bookworm');
    bullseye = image('bullseye-app');
    configDir = await mkdtemp(path.join(tmpdir(), 'shipshape-docker-config-'));
    [plain, basic, tls] = await Promise.all([startRegistry(), startRegistry({ htpasswd: `${user}:${password}` }), startRegistry({ tls: true })]);
    [pushed.bookworm, pushed.bullseye, pushed.basic, pushed.tls] = await Promise.all([
      pushImage(bookworm.archive, plain, 'multi:bookworm'),
      pushImage(bullseye.archive, plain, 'multi:bullseye-app'),
      pushImage(bookworm.archive, basic, 'debian:bookworm', `${user}:${password}`),
      pushImage(bookworm.archive, tls, 'debian:bookworm'),
    ]);
    // A two-platform index over what was pushed (the "arm64" image is bullseye-app relabelled: enough to select by).
    const client = new RegistryClient(plain.host, { plainHttp: true });
    const entry = async (digest: string, platform: object): Promise<object> => ({
      mediaType: MediaType.ociManifest,
      digest,
      size: (await client.getManifest('multi', digest)).body.length,
      platform,
    });
    const index = {
      schemaVersion: 2,
      mediaType: MediaType.ociIndex,
      manifests: [
        await entry(pushed.bookworm, { os: 'linux', architecture: 'amd64' }),
        await entry(pushed.bullseye, { os: 'linux', architecture: 'arm64', variant: 'v8' }),
      ],
    };
    await client.close();
    await putManifest(plain, 'multi', 'both', index, MediaType.ociIndex);
    pushed.index = digestOf(JSON.stringify(index));
    tokens = await startTokenServer({ upstream: plain.url, users: { [user]: password } });
  });

  afterAll(async () => {
    await Promise.all([plain?.stop(), basic?.stop(), tls?.stop(), tokens?.close()]);
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  async function resolve(reference: string, options: RegistryOptions, selection: ImageSelection = {}): Promise<ResolvedImage> {
    const source = openRegistryImage(parseReference(reference), options);
    try {
      return await source.resolve(selection, { limits: defaultLimits, diagnostics: new Diagnostics() });
    } finally {
      await source.close();
    }
  }

  /** Resolves, then reads every layer to its end through open(): verified digests and sizes. */
  async function resolveAndRead(reference: string, options: RegistryOptions, expected: Expected): Promise<ResolvedImage> {
    const source = openRegistryImage(parseReference(reference), options);
    try {
      const resolved = await source.resolve({}, { limits: defaultLimits, diagnostics: new Diagnostics() });
      expect(resolved.configDigest).toBe(expected.config_digest);
      expect(resolved.layers.map((l) => l.diffId)).toEqual(expected.layers.map((l) => l.diff_id));
      for (const layer of resolved.layers) {
        const stream = await layer.open();
        // A second, independent hash of what open() delivered.
        const check = new DigestingStream('check');
        stream.pipe(check);
        for await (const _chunk of check) void _chunk;
        expect(check.digest).toBe(layer.digest);
        expect(check.byteCount).toBe(layer.size);
      }
      expect(resolved.layers.map((l) => [l.digest, l.size])).toEqual(expected.layers.map((l) => [l.digest, l.size]));
      return resolved;
    } finally {
      await source.close();
    }
  }

  it("pushes with skopeo without re-encoding (the digests it reports are the archives')", () => {
    expect(pushed.bookworm).toBe(bookworm.expected.manifest_digest);
    expect(pushed.bullseye).toBe(bullseye.expected.manifest_digest);
  });

  it('reads an image by tag over plain HTTP', async () => {
    const resolved = await resolveAndRead(`${plain.host}/multi:bookworm`, { plainHttp: true }, bookworm.expected);
    expect(resolved).toMatchObject({
      source: 'registry',
      reference: `${plain.host}/multi:bookworm`,
      manifestDigest: pushed.bookworm,
      indexDigest: undefined,
      manifestMediaType: MediaType.ociManifest,
    });
  });

  it('reads an image with five layers by digest', async () => {
    const resolved = await resolveAndRead(`${plain.host}/multi@${pushed.bullseye}`, { plainHttp: true }, bullseye.expected);
    expect(resolved.manifestDigest).toBe(pushed.bullseye);
    expect(resolved.layers).toHaveLength(5);
  });

  it('selects by platform from an index, and lists the platforms when the wanted one is missing', async () => {
    const options = { plainHttp: true };
    const amd = await resolve(`${plain.host}/multi:both`, options);
    expect(amd).toMatchObject({ manifestDigest: pushed.bookworm, indexDigest: pushed.index, configDigest: bookworm.expected.config_digest });
    const arm = await resolve(`${plain.host}/multi:both`, options, { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } });
    expect(arm).toMatchObject({ manifestDigest: pushed.bullseye, indexDigest: pushed.index, configDigest: bullseye.expected.config_digest });
    const missing = resolve(`${plain.host}/multi:both`, options, { platform: { os: 'linux', architecture: 'ppc64le' } });
    await expect(missing).rejects.toThrow(NotFoundError);
    await expect(missing).rejects.toThrow(/it offers: linux\/amd64, linux\/arm64\/v8/);
  });

  it('lists tags and HEADs manifests', async () => {
    const client = new RegistryClient(plain.host, { plainHttp: true });
    try {
      // distribution 2.8 ignores `n` and answers in storage order; Link pagination is tested against the fake registry.
      expect((await client.listTags('multi', { pageSize: 2 })).sort()).toEqual(['bookworm', 'both', 'bullseye-app']);
      expect(await client.headManifest('multi', 'both')).toMatchObject({ digest: pushed.index, mediaType: MediaType.ociIndex });
      await expect(client.getManifest('multi', 'nope')).rejects.toThrow(NotFoundError);
    } finally {
      await client.close();
    }
  });

  it('authenticates with Basic auth from options or a docker config.json, and names what failed', async () => {
    const reference = `${basic.host}/debian:bookworm`;
    const resolved = await resolveAndRead(reference, { plainHttp: true, username: user, password }, bookworm.expected);
    expect(resolved.manifestDigest).toBe(pushed.basic);

    const dockerConfigPath = path.join(configDir, 'config.json');
    await writeFile(dockerConfigPath, JSON.stringify({ auths: { [basic.host]: { auth: Buffer.from(`${user}:${password}`).toString('base64') } } }));
    expect((await resolve(reference, { plainHttp: true, dockerConfigPath })).manifestDigest).toBe(pushed.basic);

    const wrong = resolve(reference, { plainHttp: true, username: user, password: 'not-the-password' });
    await expect(wrong).rejects.toThrow(AuthError);
    await expect(wrong).rejects.toThrow(`${basic.host}: access to debian denied (HTTP 401) with basic auth as user ${user}`);
    await expect(wrong).rejects.not.toThrow(/not-the-password/);
    await expect(resolve(reference, { plainHttp: true })).rejects.toThrow(/with anonymous access/);
  });

  it('gets bearer tokens from a token server in front of the registry', async () => {
    const resolved = await resolveAndRead(`${tokens.host}/multi:bookworm`, { plainHttp: true, username: user, password }, bookworm.expected);
    expect(resolved.manifestDigest).toBe(pushed.bookworm);
    expect(tokens.tokenRequests).toEqual([{ method: 'GET', service: 'shipshape-test', scope: 'repository:multi:pull', user }]);
  });

  it('verifies TLS with the given CA file, refuses an unknown certificate, and skips verification when insecure', async () => {
    const reference = `${tls.host}/debian:bookworm`;
    const resolved = await resolveAndRead(reference, { caFiles: [tls.caFile ?? ''] }, bookworm.expected);
    expect(resolved.manifestDigest).toBe(pushed.tls);

    const unknown = resolve(reference, {});
    await expect(unknown).rejects.toThrow(TlsError);
    await expect(unknown).rejects.toMatchObject({ hint: expect.stringContaining('--ca-file') });

    expect((await resolve(reference, { insecure: true })).manifestDigest).toBe(pushed.tls);
  });
});
