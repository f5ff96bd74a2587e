import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushImage } from '../image/registry/push.js';
import { loadShipshapeConfig } from '../lifecycle/config.js';
import type { RunRecord } from '../store/model.js';
import { freePort, registryMissing, startRegistry, type RunningRegistry } from '../test-support/docker-registry.js';
import { buildImage, pushableOf, type BuiltImage } from '../test-support/image-builder.js';
import { skipWhen } from '../test-support/skip.js';
import { startTestServer, type TestServer } from './test-server.js';

const secret = 'the-registry-webhook-secret';

const appImage = (version: string): Promise<BuiltImage> =>
  buildImage({
    layers: [
      {
        createdBy: 'ADD rootfs',
        items: [{ name: 'etc/' }, { name: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.19.1\n' }, { name: 'app', content: version }],
      },
    ],
    config: { config: { User: '1000' } },
  });

describe("registry push notifications from Debian's docker-registry", skipWhen(registryMissing()), () => {
  let registry: RunningRegistry;
  let server: TestServer;
  let dir: string;
  let read: string;
  const api = async <T>(route: string): Promise<T> =>
    (await (await fetch(`${server.url}${route}`, { headers: { authorization: `Bearer ${read}` } })).json()) as T;

  /** The runs once `count` of them have ended (the server works on its own: polled, bounded). */
  async function runsWhenEnded(count: number): Promise<RunRecord[]> {
    for (let attempt = 0; attempt < 600; attempt++) {
      const { items } = await api<{ items: RunRecord[] }>('/api/runs');
      if (items.filter((r) => r.status === 'done' || r.status === 'failed').length >= count) return items;
      await sleep(100);
    }
    throw new Error(`fewer than ${count} runs ended in 60 s; server log:\n${server.logs.join('\n')}`);
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shipshape-push-'));
    const port = await freePort();
    registry = await startRegistry({ notify: { url: `http://127.0.0.1:${port}/hooks/registry`, token: secret } });
    const file = path.join(dir, 'shipshape.yaml');
    await writeFile(file, `registries:\n  - name: ${registry.host}\n    plainHttp: true\nserver:\n  webhookSecret: ${secret}\n`);
    server = await startTestServer(await loadShipshapeConfig(file), { listen: `127.0.0.1:${port}` });
    read = await server.token('read');
    await pushImage({ registry: registry.host, plainHttp: true }, 'team/api', '1.0', pushableOf(await appImage('1.0')));
    // the first run reads the whole registry (and the notification of that push may start one more)
    await server.queue.enqueue('manual');
    await server.queue.idle();
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await registry?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('scans a pushed image and updates the posture on its own, reading only the pushed repository', async () => {
    const before = (await api<{ items: RunRecord[] }>('/api/runs')).items.length;
    const image = await appImage('2.0');
    await pushImage({ registry: registry.host, plainHttp: true }, 'team/web', '2.0', pushableOf(image));
    const runs = await runsWhenEnded(before + 1);
    const pushRun = runs.find((r) => r.trigger === 'push' && r.subject?.includes('team/web'));
    expect(pushRun, JSON.stringify(runs, null, 2)).toBeDefined();
    expect(pushRun?.status).toBe('done');
    expect(pushRun?.parts).toEqual([expect.objectContaining({ name: `registry:${registry.host}`, status: 'ok' })]);
    // the scan recorded for the push read the pushed repository alone
    const scans = await server.store.listRegistryScans();
    expect(scans.at(-1)).toMatchObject({ registry: registry.host, images: 1 });
    // both repositories are in the posture: the pushed one read now, the other kept from the last full read
    const images = await api<{ items: { digest: string; references: string[] }[] }>('/api/images');
    expect(images.items.map((i) => i.references[0])).toEqual(expect.arrayContaining([`${registry.host}/team/api:1.0`, `${registry.host}/team/web:2.0`]));
    const posture = await api<{ map: { nodes: { id: string }[] } }>('/api/posture');
    expect(posture.map.nodes.map((n) => n.id)).toEqual(expect.arrayContaining([`image:${registry.host}/team/api`, `image:${registry.host}/team/web`]));
  });

  it('keeps the last good facts of a registry that cannot be read, marked stale with their age', async () => {
    await registry.stop();
    const run = await server.queue.enqueue('manual');
    await server.queue.idle();
    const ended = await api<RunRecord>(`/api/runs/${run.id}`);
    expect(ended.status).toBe('done');
    expect(ended.parts).toEqual([expect.objectContaining({ name: `registry:${registry.host}`, status: 'stale', readAt: expect.any(String) })]);
    expect(ended.parts[0]?.reason).toMatch(/127\.0\.0\.1/);
    const images = await api<{ items: unknown[] }>('/api/images');
    expect(images.items.length).toBe(2);
    // nothing the unread registry showed is resolved by a run that could not look
    const resolved = await api<{ items: unknown[] }>('/api/findings?state=resolved');
    expect(resolved.items).toEqual([]);
  });
});
