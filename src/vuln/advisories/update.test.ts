import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasShared, sharedAbsent, sharedPath } from '../../test-support/shared.js';
import { skipWhen } from '../../test-support/skip.js';
import { readSeenEcosystems, recordSeenEcosystems } from './seen.js';
import { AdvisoryStore } from './store.js';
import { updateFromOsv } from './update.js';

let dir: string;
let server: Server;
let mirror: string;
const requests: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shipshape-update-'));
  if (!hasShared) return;
  // a mirror of the OSV bucket on loopback: npm/all.zip made from the shared npm records
  const zip = path.join(dir, 'npm-all.zip');
  const made = spawnSync('python3', [
    '-c',
    'import sys,zipfile,glob,os\nz=zipfile.ZipFile(sys.argv[1],"w",zipfile.ZIP_DEFLATED)\n[z.write(f, os.path.basename(f)) for f in glob.glob(sys.argv[2]+"/*.json")]\nz.close()',
    zip,
    sharedPath('advisories', 'npm'),
  ]);
  expect(made.status, made.stderr.toString()).toBe(0);
  const body = await readFile(zip);
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/npm/all.zip') res.writeHead(200, { 'content-type': 'application/zip' }).end(body);
    else if (req.url === '/moved/npm/all.zip') res.writeHead(302, { location: '/npm/all.zip' }).end();
    else res.writeHead(404).end('no such ecosystem');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await rm(dir, { recursive: true, force: true });
});

describe('db update from a mirror', skipWhen(sharedAbsent), () => {
  it('downloads <ecosystem>/all.zip, follows redirects, imports it, and leaves no download behind', async () => {
    const store = AdvisoryStore.open(path.join(dir, 'db', 'osv.sqlite'), { create: true });
    try {
      const result = await updateFromOsv(store, {
        ecosystems: ['npm'],
        mirror: `${mirror}/moved/`,
        workDir: path.join(dir, 'db', 'download'),
        now: new Date(),
      });
      expect(result.records).toBe(463);
      expect(store.status().ecosystems).toEqual([{ ecosystem: 'npm', advisories: 463, newestModified: '2020-07-13T00:00:00Z' }]);
      expect(requests).toEqual(['/moved/npm/all.zip', '/npm/all.zip']);
      expect(spawnSync('ls', [path.join(dir, 'db', 'download')]).stdout.toString()).toBe('');
    } finally {
      store.close();
    }
  });

  it('a failed download names the URL and changes nothing', async () => {
    const store = AdvisoryStore.open(path.join(dir, 'db', 'osv.sqlite'), { create: true });
    try {
      const before = store.status();
      await expect(updateFromOsv(store, { ecosystems: ['npm', 'Nope'], mirror, workDir: path.join(dir, 'db', 'download'), now: new Date() })).rejects.toThrow(
        /Nope\/all.zip failed: HTTP 404/,
      );
      expect(store.status()).toEqual(before);
    } finally {
      store.close();
    }
  });
});

describe('the ecosystems recent scans looked up', () => {
  it('are kept by dump name, merged, and survive a damaged file', async () => {
    const seen = path.join(dir, 'seen');
    expect(await readSeenEcosystems(seen)).toEqual([]);
    await recordSeenEcosystems(seen, ['Debian:11', 'npm']);
    await recordSeenEcosystems(seen, ['Debian:12', 'PyPI']);
    expect(await readSeenEcosystems(seen)).toEqual(['Debian', 'PyPI', 'npm']);
  });
});
