import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushImage } from '../image/registry/push.js';
import { AdvisoryDatabase } from '../jobs/advisories.js';
import { loadShipshapeConfig } from '../lifecycle/config.js';
import type { RunRecord } from '../store/model.js';
import { registryMissing, startRegistry, type RunningRegistry } from '../test-support/docker-registry.js';
import { pushableOf } from '../test-support/image-builder.js';
import { debianZlibImage } from '../test-support/debian-zlib-image.js';
import { skipWhen } from '../test-support/skip.js';
import { startTestServer, type TestServer } from './test-server.js';

const advisories = path.resolve('examples/advisories');

describe('new advisories: stored inventories matched again, no image read', skipWhen(registryMissing()), () => {
  let registry: RunningRegistry;
  let server: TestServer;
  let database: AdvisoryDatabase;
  let dir: string;
  let read: string;
  let write: string;
  const api = async <T>(route: string, method = 'GET'): Promise<T> =>
    (await (await fetch(`${server.url}${route}`, { method, headers: { authorization: `Bearer ${method === 'GET' ? read : write}` } })).json()) as T;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shipshape-rematch-'));
    registry = await startRegistry();
    const image = await debianZlibImage();
    await pushImage({ registry: registry.host, plainHttp: true }, 'team/api', '1.0', pushableOf(image));
    // the advisory feed: curl's advisory at first; zlib's arrives later
    const feed = path.join(dir, 'feed');
    await mkdir(feed);
    await copyFile(path.join(advisories, 'DSA-5330-1.json'), path.join(feed, 'DSA-5330-1.json'));
    const file = path.join(dir, 'shipshape.yaml');
    await writeFile(file, `registries:\n  - name: ${registry.host}\n    plainHttp: true\nserver:\n  advisories: [${JSON.stringify(feed)}]\n`);
    database = new AdvisoryDatabase(path.join(dir, 'osv.sqlite'));
    server = await startTestServer(await loadShipshapeConfig(file), { advisories: database });
    [read, write] = await Promise.all([server.token('read'), server.token('write')]);
    await api('/api/advisories/update', 'POST');
    await server.queue.idle();
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    database?.close();
    await registry?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('shows the new vulnerability on the image after an update, with the registry gone', async () => {
    const before = await api<{ items: { digest: string; vulnerabilities?: Record<string, number> }[] }>('/api/images');
    expect(before.items).toHaveLength(1);
    // what is matched later: the inventory kept when the image was read
    const inventory = await api<{ format: string; inventory: { os: { distro: string }; packages: { name: string; version: string }[] } }>(
      `/api/inventories/${before.items[0]?.digest ?? ''}`,
    );
    expect(inventory.format).toBe('shipshape-inventory@1');
    expect(inventory.inventory.os.distro).toBe('debian');
    expect(inventory.inventory.packages).toEqual([expect.objectContaining({ name: 'zlib1g', version: '1:1.2.11.dfsg-2+deb11u1' })]);
    expect(before.items[0]?.vulnerabilities).toEqual({});
    expect((await api<{ items: unknown[] }>('/api/findings?category=vulnerability')).items).toEqual([]);

    // the registry is gone: nothing can be read from it any more
    await registry.stop();
    await copyFile(path.join(advisories, 'DSA-5218-1.json'), path.join(dir, 'feed', 'DSA-5218-1.json'));
    const { run } = await api<{ run: string; records: number }>('/api/advisories/update', 'POST');
    await server.queue.idle();
    const ended = await api<RunRecord>(`/api/runs/${run}`);
    expect(ended, server.logs.join('\n')).toMatchObject({ status: 'done', trigger: 'advisories' });
    expect(ended.parts).toEqual([expect.objectContaining({ name: `registry:${registry.host}`, status: 'ok', readAt: expect.any(String) })]);
    const after = await api<{ items: { vulnerabilities?: Record<string, number> }[] }>('/api/images');
    // a Debian DSA carries no severity of its own
    expect(after.items[0]?.vulnerabilities).toEqual({ UNKNOWN: 1 });
    const findings = await api<{ items: { ruleId: string; where: string; firstSeenRun: string }[] }>('/api/findings?category=vulnerability');
    expect(findings.items).toEqual([expect.objectContaining({ ruleId: 'CVE-2022-37434', where: `${registry.host}/team/api:1.0`, firstSeenRun: run })]);
  });
});
