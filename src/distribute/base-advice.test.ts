import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaType } from '../image/media-types.js';
import { pushImage, pushIndex } from '../image/registry/push.js';
import { registryMissing, startRegistry, type RunningRegistry } from '../test-support/docker-registry.js';
import { buildImage, pushableOf, type BuiltImage, type ImageSpec, type TarItem } from '../test-support/image-builder.js';
import { skipWhen } from '../test-support/skip.js';
import { importOsv } from '../vuln/advisories/import.js';
import { AdvisoryStore } from '../vuln/advisories/store.js';
import {
  adviseBaseImages,
  bestCandidate,
  type BaseAdviceOptions,
  type BaseCandidate,
  type BaseImageAdvice,
  type BaseParent,
  type ScannedBaseImage,
} from './base-advice.js';

const now = new Date('2026-11-29T12:00:00Z');

function scanned(fixableCriticalHigh: number, fixableCriticalHighMedium: number): ScannedBaseImage {
  return {
    state: 'scanned',
    digest: `sha256:${String(fixableCriticalHigh * 10 + fixableCriticalHighMedium).padStart(64, '0')}`,
    platformDigest: 'sha256:' + '1'.repeat(64),
    platform: 'linux/amd64',
    vulnerabilities: {},
    fixable: {},
    fixableCriticalHigh,
    fixableCriticalHighMedium,
  };
}

describe('bestCandidate', () => {
  it('takes the fewest fixable critical+high, then with medium, then the highest version; never an unscanned one', () => {
    const candidates: BaseCandidate[] = [
      { tag: '11.9-slim', scan: { state: 'unknown', digest: undefined, platformDigest: undefined, reason: 'could not be read' } },
      { tag: '11.8-slim', scan: scanned(1, 1) },
      { tag: '11.7-slim', scan: scanned(0, 2) },
      { tag: '11.6.1-slim', scan: scanned(0, 1) },
      { tag: '11.6.2-slim', scan: scanned(0, 1) },
    ];
    expect(bestCandidate(candidates)?.tag).toBe('11.6.2-slim');
    expect(bestCandidate(candidates.slice(0, 3))?.tag).toBe('11.7-slim');
    expect(bestCandidate(candidates.slice(0, 1))).toBeUndefined();
    expect(bestCandidate([])).toBeUndefined();
  });
});

/** The files of a small Debian-like root: os-release, dpkg status with curl, and two pip packages. */
function debianRoot(release: { major: string; point: string; codename: string }, versions: { curl: string; urllib3: string; werkzeug: string }): TarItem[] {
  const site = 'usr/local/lib/python3.11/site-packages';
  const files: [string, string][] = [
    [
      'etc/os-release',
      `PRETTY_NAME="Debian GNU/Linux ${release.major} (${release.codename})"\nID=debian\nVERSION_ID="${release.major}"\nVERSION_CODENAME=${release.codename}\n`,
    ],
    ['etc/debian_version', `${release.point}\n`],
    [
      'var/lib/dpkg/status',
      `Package: curl\nStatus: install ok installed\nPriority: optional\nArchitecture: amd64\nSource: curl\nVersion: ${versions.curl}\nDescription: command line tool for transferring data with URL syntax\n\n`,
    ],
    [`${site}/urllib3-${versions.urllib3}.dist-info/METADATA`, `Metadata-Version: 2.1\nName: urllib3\nVersion: ${versions.urllib3}\n`],
    [`${site}/Werkzeug-${versions.werkzeug}.dist-info/METADATA`, `Metadata-Version: 2.1\nName: Werkzeug\nVersion: ${versions.werkzeug}\n`],
  ];
  const directories = new Set<string>();
  for (const [file] of files) {
    const parts = file.split('/');
    for (let i = 1; i < parts.length; i++) directories.add(`${parts.slice(0, i).join('/')}/`);
  }
  return [...[...directories].sort().map((name) => ({ name })), ...files.map(([name, content]) => ({ name, content }))];
}

const bullseye = (point: string) => ({ major: '11', point, codename: 'bullseye' });
const bookworm = (point: string) => ({ major: '12', point, codename: 'bookworm' });
// curl: DSA-5197/5330/5365 (no severity) are fixed in +deb11u7; urllib3: PYSEC-2023-192 (HIGH, 1.26.17),
// PYSEC-2023-212 (MEDIUM, 1.26.18); Werkzeug: PYSEC-2023-221 (HIGH, 2.3.8), PYSEC-2023-57/58 (no severity, 2.2.3)
const old = { curl: '7.74.0-1.3+deb11u1', urllib3: '1.26.12', werkzeug: '2.2.2' };
const fixed = { curl: '7.74.0-1.3+deb11u7', urllib3: '1.26.18', werkzeug: '2.3.8' };

const image = (release: ReturnType<typeof bullseye>, versions: typeof old, platform?: ImageSpec['platform']): Promise<BuiltImage> =>
  buildImage({ layers: [{ createdBy: `ADD rootfs ${release.point}`, items: debianRoot(release, versions) }], platform });

describe('adviseBaseImages on a registry holding two lines of library/debian', skipWhen(registryMissing()), () => {
  let registry: RunningRegistry;
  let dir: string;
  let store: AdvisoryStore;
  const digests = new Map<string, string>();
  let arm64Digest = '';
  let amd64Of117 = '';

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shipshape-base-advice-'));
    registry = await startRegistry();
    const target = { registry: registry.host, plainHttp: true };
    const push = async (repository: string, tag: string, built: BuiltImage): Promise<void> => {
      digests.set(`${repository}:${tag}`, (await pushImage(target, repository, tag, pushableOf(built))).digest);
    };
    // the current tag: 2 fixable HIGH (urllib3, Werkzeug) and 1 MEDIUM
    await push('library/debian', '11.6-slim', await image(bullseye('11.6'), old));
    // an older release of the line, clean: never proposed (no downgrades)
    await push('library/debian', '11.5-slim', await image(bullseye('11.5'), fixed));
    // the best of the line, as an index: amd64 clean, arm64 still with the old Werkzeug
    const platforms = [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ];
    const [amd64, arm64] = [await image(bullseye('11.7'), fixed, platforms[0]), await image(bullseye('11.7'), { ...fixed, werkzeug: '2.2.2' }, platforms[1])];
    amd64Of117 = amd64.manifestDigest;
    arm64Digest = arm64.manifestDigest;
    const entries = [amd64, arm64].map((built, i) => ({
      mediaType: MediaType.ociManifest,
      digest: built.manifestDigest,
      size: built.manifest.length,
      platform: platforms[i],
    }));
    const pushedIndex = await pushIndex(target, 'library/debian', '11.7-slim', {
      manifest: Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: entries })),
      mediaType: MediaType.ociIndex,
      children: [pushableOf(amd64), pushableOf(arm64)],
    });
    digests.set('library/debian:11.7-slim', pushedIndex.digest);
    // newer but worse: urllib3 regressed (1 fixable HIGH, 1 MEDIUM)
    await push('library/debian', '11.8-slim', await image(bullseye('11.8'), { ...fixed, urllib3: '1.26.12' }));
    // the newest of the line cannot be read: its config names a diffID its layer does not hash to
    await push(
      'library/debian',
      '11.9-slim',
      await buildImage({
        layers: [{ createdBy: 'ADD rootfs 11.9', items: debianRoot(bullseye('11.9'), fixed) }],
        config: { rootfs: { type: 'layers', diff_ids: [`sha256:${'0'.repeat(64)}`] } },
      }),
    );
    // other lines: clean, but another variant or another major
    await push('library/debian', '11.7', await image(bullseye('11.7'), fixed));
    await push('library/debian', '12.4-slim', await image(bookworm('12.4'), old));
    await push('library/debian', '12.5-slim', await image(bookworm('12.5'), fixed));
    const twelve = await image(bookworm('12.5'), fixed);
    await push('library/debian', '12.5', twelve);
    await push('library/debian', 'latest', twelve);
    // a line whose current tag is its best
    await push('team/base', '1.0', await image(bullseye('11.7'), fixed));
    await push('team/base', '1.1', await image(bullseye('11.8'), old));

    store = AdvisoryStore.open(path.join(dir, 'osv.sqlite'), { create: true });
    await importOsv(store, [path.resolve('examples/advisories')], { now });
  }, 120_000);

  afterAll(async () => {
    store?.close();
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const options = (overrides: Partial<BaseAdviceOptions> = {}): BaseAdviceOptions => ({
    advisories: store,
    access: (host) => ({ host, options: { plainHttp: true } }),
    cacheDir: undefined,
    now,
    ...overrides,
  });
  const parent = (reference: string, platform?: string): BaseParent => ({
    reference: `${registry.host}/${reference}`,
    platform,
    uses: [{ file: 'apps/api/Dockerfile', line: 1, written: `${registry.host}/${reference}`, literal: true, platform, stageName: undefined }],
  });
  const adviseOne = async (reference: string, overrides: Partial<BaseAdviceOptions> = {}, platform?: string): Promise<BaseImageAdvice> => {
    const [advice] = await adviseBaseImages([parent(reference, platform)], options(overrides));
    if (!advice) throw new Error('no advice');
    return advice;
  };

  it('recommends the candidate with the fewest fixable critical/high, pinned by digest, with the counts before and after', async () => {
    const advice = await adviseOne('library/debian:11.6-slim');
    expect(advice.verdict, advice.why).toBe('upgrade');
    expect(advice.current).toMatchObject({
      state: 'scanned',
      digest: digests.get('library/debian:11.6-slim'),
      fixableCriticalHigh: 2,
      fixableCriticalHighMedium: 3,
      fixable: { HIGH: 2, MEDIUM: 1, UNKNOWN: 5 },
    });
    // the newest first; the older 11.5-slim, 11.7 (no variant), the 12 line and latest are not in it
    expect(advice.candidates.map((c) => c.tag)).toEqual(['11.9-slim', '11.8-slim', '11.7-slim']);
    expect(advice.candidates[1]?.scan).toMatchObject({ state: 'scanned', fixableCriticalHigh: 1, fixableCriticalHighMedium: 2 });
    // pinned to the index the tag names; the amd64 image of it is what was scanned
    expect(advice.recommendation).toEqual({
      tag: '11.7-slim',
      reference: `${registry.host}/library/debian:11.7-slim@${digests.get('library/debian:11.7-slim') ?? ''}`,
      scan: expect.objectContaining({
        state: 'scanned',
        digest: digests.get('library/debian:11.7-slim'),
        platformDigest: amd64Of117,
        platform: 'linux/amd64',
        fixableCriticalHigh: 0,
        fixableCriticalHighMedium: 0,
      }) as unknown,
    });
    expect(advice.why).toBe(
      'library/debian:11.7-slim has 0 fixable critical/high (0 with medium), 11.6-slim 2 fixable critical/high (3 with medium); 1 of 3 candidates could not be scanned',
    );
  });

  it('reports the unreadable candidate with its reason and never chooses it', async () => {
    const advice = await adviseOne('library/debian:11.6-slim');
    const unread = advice.candidates.find((c) => c.tag === '11.9-slim');
    expect(unread?.scan).toMatchObject({ state: 'unknown', digest: digests.get('library/debian:11.9-slim') });
    expect(unread?.scan.state === 'unknown' && unread.scan.reason).toMatch(/^the image could not be read: /);
    expect(advice.recommendation?.tag).not.toBe('11.9-slim');
  });

  it('reads at most N candidates, the newest versions', async () => {
    const advice = await adviseOne('library/debian:11.6-slim', { maxCandidates: 2 });
    expect(advice.candidates.map((c) => c.tag)).toEqual(['11.9-slim', '11.8-slim']);
    expect(advice.recommendation?.tag).toBe('11.8-slim');
    expect(advice.recommendation?.scan.fixableCriticalHigh).toBe(1);
  });

  it('reads the current image by the digest a FROM pins', async () => {
    const pinned = `library/debian:11.6-slim@${digests.get('library/debian:11.6-slim') ?? ''}`;
    const advice = await adviseOne(pinned);
    expect(advice.pinned).toBe(digests.get('library/debian:11.6-slim'));
    expect(advice.recommendation?.tag).toBe('11.7-slim');
  });

  it('keeps to the major: the 12 line is never proposed for 11, nor 11 for 12; a -slim parent never gets 12.5', async () => {
    const advice = await adviseOne('library/debian:12.4-slim');
    expect(advice.candidates.map((c) => c.tag)).toEqual(['12.5-slim']);
    for (const other of await adviseBaseImages([parent('library/debian:11.6-slim')], options({ maxCandidates: 50 })))
      expect(other.candidates.map((c) => c.tag).filter((tag) => tag.startsWith('12') || tag === 'latest' || !tag.endsWith('-slim'))).toEqual([]);
    // Debian 12 has no advisories in the database: unknown, not clean
    expect(advice.verdict).toBe('unknown');
    expect(advice.recommendation).toBeUndefined();
    expect(advice.current).toMatchObject({ state: 'unknown', digest: digests.get('library/debian:12.4-slim') });
    expect(advice.why).toMatch(/^the current image library\/debian:12\.4-slim: not every package could be checked: .*Debian:12/);
    expect(advice.candidates[0]?.scan).toMatchObject({ state: 'unknown', reason: expect.stringContaining('Debian:12') as unknown });
  });

  it('without advisories every image is unknown and nothing is recommended', async () => {
    const advice = await adviseOne('library/debian:11.6-slim', { advisories: undefined });
    expect(advice.verdict).toBe('unknown');
    expect(advice.recommendation).toBeUndefined();
    expect(advice.current).toMatchObject({ state: 'unknown', digest: digests.get('library/debian:11.6-slim') });
    expect(advice.why).toContain('no advisory database was given');
    expect(advice.candidates.map((c) => c.scan.state)).toEqual(['unknown', 'unknown', 'unknown']);
  });

  it('reads the platform the FROM asks for: an index entry, or unknown for an image of another platform', async () => {
    const advice = await adviseOne('library/debian:11.6-slim', {}, 'linux/arm64');
    expect(advice.platform).toBe('linux/arm64');
    expect(advice.verdict).toBe('unknown');
    expect(advice.current).toMatchObject({ state: 'unknown', reason: 'it is a linux/amd64 image, not linux/arm64' });
    expect(advice.candidates.find((c) => c.tag === '11.7-slim')?.scan).toMatchObject({
      state: 'scanned',
      platformDigest: arm64Digest,
      platform: 'linux/arm64/v8',
      fixableCriticalHigh: 1,
    });
  });

  it('says when the current tag is already the best of its line', async () => {
    const advice = await adviseOne('team/base:1.0');
    expect(advice.verdict).toBe('already-best');
    expect(advice.candidates.map((c) => c.tag)).toEqual(['1.1']);
    expect(advice.recommendation).toBeUndefined();
    expect(advice.why).toBe('none of the 1 candidates of the line has fewer fixable vulnerabilities than 1.0 (0 fixable critical/high (0 with medium))');
  });

  it('has nothing in line for latest, and is unknown for a tag or registry that cannot be read', async () => {
    const latest = await adviseOne('library/debian:latest');
    expect(latest.verdict).toBe('nothing-in-line');
    expect(latest.why).toBe('library/debian:latest: the tag is not a version, so it has no line of versions to move along');
    expect(latest.candidates).toEqual([]);
    // its image is still read for what it is: Debian 12, which the database has no advisories for
    expect(latest.current).toMatchObject({ state: 'unknown', digest: digests.get('library/debian:latest') });
    const missing = await adviseOne('library/debian:10.1-slim');
    expect(missing.verdict).toBe('unknown');
    expect(missing.current).toMatchObject({ state: 'unknown', reason: expect.stringMatching(/^the manifest could not be read/) as unknown });
    const unreachable = await adviseOne('library/debian:11.6-slim', {
      access: () => {
        throw new Error('the credentials come from $REG_USER and $REG_PASSWORD, which are not both set');
      },
    });
    expect(unreachable.verdict).toBe('unknown');
    expect(unreachable.why).toBe(`${registry.host} cannot be reached: the credentials come from $REG_USER and $REG_PASSWORD, which are not both set`);
  });

  it('advises several parents of one line in one run', async () => {
    const advice = await adviseBaseImages([parent('library/debian:11.6-slim'), parent('library/debian:11.7-slim')], options());
    expect(advice.map((a) => a.verdict)).toEqual(['upgrade', 'unknown']);
    // 11.7-slim is the best scanned, but the unreadable 11.9-slim might do better still
    expect(advice[1]?.why).toMatch(/^no candidate scanned does better than 11\.7-slim, but 1 could not be scanned \(11\.9-slim: the image could not be read/);
  });
});
