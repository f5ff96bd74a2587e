import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { LimitExceededError } from '../../core/errors.js';
import type { RegistryLimits } from '../../core/limits.js';
import { digestOf } from '../digest.js';
import { MediaType } from '../media-types.js';
import { startServer } from '../../test-support/registry.js';
import { RegistryClient } from './client.js';

// A hostile registry: it drips its answers, never ends a list, or sends one enormous page. Every
// test here would hang (or crash) without the bound it names; vitest's timeout bounds the hang.

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((thing) => thing.close()));
});

type Answer = (url: URL, req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

async function hostile(answer: Answer, limits: Partial<RegistryLimits> = {}): Promise<RegistryClient> {
  const server = await startServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/v2/') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    await answer(url, req, res);
  });
  const client = new RegistryClient(server.host, { plainHttp: true }, { retryDelayMs: 1, maxAttempts: 1, limits });
  open.push(server, client);
  return client;
}

/** Writes `body` one byte every `everyMs`, until done or the client hangs up. */
async function drip(res: ServerResponse, body: Buffer, everyMs: number): Promise<void> {
  let gone = false;
  res.on('close', () => (gone = true));
  for (let i = 0; i < body.length && !gone; i++) {
    res.write(body.subarray(i, i + 1));
    await sleep(everyMs);
  }
  res.end();
}

const manifest = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: `sha256:${'c'.repeat(64)}`, size: 2 },
    layers: [],
    annotations: { padding: 'x'.repeat(800) },
  }),
);

describe('an overall deadline per request', () => {
  it('fails a manifest dripped one byte per 100 ms when the request deadline passes, naming the limit', async () => {
    const client = await hostile(
      async (_url, _req, res) => {
        res.writeHead(200, { 'content-type': MediaType.ociManifest, 'content-length': String(manifest.length) });
        await drip(res, manifest, 100);
      },
      { requestDeadlineMs: 600 },
    );
    const failure = client.getManifest('team/app', 'v1');
    await expect(failure).rejects.toThrow(LimitExceededError);
    await expect(failure).rejects.toThrow(/did not answer GET \/v2\/team\/app\/manifests\/v1 within 0\.6 s \(the requestDeadlineMs limit\)/);
  }, 15_000);

  it('fails a blob dripped one byte per 100 ms by the minimum transfer rate, naming the limit', async () => {
    const blob = Buffer.from('b'.repeat(1000));
    const client = await hostile(
      async (_url, _req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(blob.length) });
        await drip(res, blob, 100);
      },
      { minTransferBytes: 1024, transferWindowMs: 500 },
    );
    const stream = await client.openBlob('team/app', { digest: digestOf(blob), size: blob.length });
    const read = pipeline(stream, new Writable({ write: (_chunk, _encoding, done) => done() }));
    await expect(read).rejects.toThrow(LimitExceededError);
    await expect(read).rejects.toThrow(/slower than the minimum transfer rate \(1024 bytes per 0\.5 s: the minTransferBytes limit\)/);
  }, 15_000);

  it('does not count the time a slow reader keeps a blob waiting', async () => {
    const blob = Buffer.alloc(4 * 1024 * 1024, 7);
    const client = await hostile(
      (_url, _req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(blob.length) }).end(blob);
      },
      { minTransferBytes: 64 * 1024, transferWindowMs: 200 },
    );
    const stream = await client.openBlob('team/app', { digest: digestOf(blob), size: blob.length });
    let received = 0;
    // a reader slower than the window: 4 MiB at 64 KiB per 50 ms takes over 3 s
    await pipeline(
      stream,
      new Writable({
        highWaterMark: 64 * 1024,
        write: (chunk: Buffer, _encoding, done) => {
          received += chunk.length;
          setTimeout(done, 50);
        },
      }),
    );
    expect(received).toBe(blob.length);
  }, 30_000);

  it('lets a blob served at a normal rate through the deadline meant for documents', async () => {
    const blob = Buffer.alloc(64 * 1024, 1);
    const client = await hostile(
      async (_url, _req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(blob.length) });
        // headers at once, the body over twice the deadline, at a good rate
        for (let i = 0; i < 8; i++) {
          res.write(blob.subarray(i * 8192, (i + 1) * 8192));
          await sleep(100);
        }
        res.end();
      },
      { requestDeadlineMs: 400, minTransferBytes: 1024, transferWindowMs: 300 },
    );
    const stream = await client.openBlob('team/app', { digest: digestOf(blob), size: blob.length });
    let received = 0;
    await pipeline(stream, new Writable({ write: (chunk: Buffer, _encoding, done) => ((received += chunk.length), done()) }));
    expect(received).toBe(blob.length);
  }, 15_000);

  it("refuses response headers past the HTTP client's limit as a registry error", async () => {
    const client = await hostile((_url, _req, res) => void res.writeHead(200, { 'x-padding': 'x'.repeat(64 * 1024) }).end('{}'));
    await expect(client.getManifest('team/app', 'v1')).rejects.toThrow(/answered with response headers larger than the HTTP client's limit/);
  });
});

/** Tags `<prefix>-<i>` padded to `width` characters. */
function tags(from: number, count: number, width = 12, prefix = 't'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(from + i).padStart(width, '0')}`);
}

describe('paginated lists have a total bound', () => {
  it('stops a tag list that paginates forever with distinct last values at maxListItems', async () => {
    let pages = 0;
    const client = await hostile(
      (url, _req, res) => {
        pages++;
        const last = Number(url.searchParams.get('last')?.split('-')[1] ?? -1);
        const page = tags(last + 1, 100);
        res
          .writeHead(200, { 'content-type': 'application/json', link: `</v2/team/app/tags/list?n=100&last=${page[99] ?? ''}>; rel="next"` })
          .end(JSON.stringify({ name: 'team/app', tags: page }));
      },
      { maxListItems: 5_000 },
    );
    const failure = client.listTags('team/app', { pageSize: 100 });
    await expect(failure).rejects.toThrow(LimitExceededError);
    await expect(failure).rejects.toThrow(/tag list of .*team\/app: more than 5000 entries over all pages \(the maxListItems limit\)/);
    expect(pages).toBe(51);
  }, 30_000);

  it('stops a catalog whose pages add up past maxListBytes, whatever their count', async () => {
    let pages = 0;
    const client = await hostile(
      (url, _req, res) => {
        pages++;
        // 50 long names a page, each page ~1 MiB, distinct, forever
        const page = tags(pages * 1000, 50, 20_000, 'repo');
        res
          .writeHead(200, { 'content-type': 'application/json', link: `</v2/_catalog?n=50&page=${pages}>; rel="next"` })
          .end(JSON.stringify({ repositories: page }));
      },
      { maxListBytes: 4 * 1024 * 1024 },
    );
    await expect(client.listRepositories({ pageSize: 50 })).rejects.toThrow(/catalog of .*: more than 4194304 bytes over all pages \(the maxListBytes limit\)/);
    expect(pages).toBe(5);
  }, 30_000);

  it('reads a single 15 MiB page of 500,000 tags (no RangeError from spreading it)', async () => {
    const all = tags(0, 500_000, 28);
    const body = JSON.stringify({ name: 'team/app', tags: all });
    expect(body.length).toBeGreaterThan(15 * 1024 * 1024);
    const client = await hostile((_url, _req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    const listed = await client.listTags('team/app');
    expect(listed.length).toBe(500_000);
    expect(listed[499_999]).toBe(all[499_999]);
  }, 60_000);

  it('reads a referrers page of 150,000 descriptors, and bounds them by maxListItems', async () => {
    const manifests = Array.from({ length: 150_000 }, (_, i) => ({ mediaType: 'a', digest: `sha256:${String(i).padStart(64, '0')}`, size: 1 }));
    const body = JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests });
    const subject = `sha256:${'a'.repeat(64)}`;
    const answer: Answer = (_url, _req, res) => void res.writeHead(200, { 'content-type': MediaType.ociIndex }).end(body);
    const index = await (await hostile(answer)).getReferrers('team/app', subject);
    expect(index?.manifests.length).toBe(150_000);
    await expect((await hostile(answer, { maxListItems: 100_000 })).getReferrers('team/app', subject)).rejects.toThrow(
      /referrers of .*: more than 100000 entries over all pages \(the maxListItems limit\)/,
    );
  }, 60_000);
});
