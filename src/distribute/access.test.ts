import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TlsError } from '../core/errors.js';
import { MediaType } from '../image/media-types.js';
import {
  FakeRegistry,
  makeSelfSignedCert,
  putBlob,
  putManifest,
  registryMissing,
  startRegistry,
  startServer,
  startTokenServer,
  type RunningRegistry,
} from '../test-support/registry.js';
import { commandMissing, skipWhen } from '../test-support/skip.js';
import { daysLeft, probeAccess } from './access.js';

const run = promisify(execFile);
const open: { close(): Promise<void> }[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((thing) => thing.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('daysLeft', () => {
  const now = new Date('2026-03-10T12:00:00Z');
  it.each([
    ['2026-03-20T12:00:00Z', 10],
    ['2026-03-11T11:59:59Z', 0],
    ['2026-03-10T12:00:00Z', 0],
    ['2026-03-10T11:59:59Z', -1],
    ['2026-03-01T12:00:00Z', -9],
    ['2027-03-10T12:00:00Z', 365],
  ])('until %s → %i', (validTo, expected) => {
    expect(daysLeft(new Date(validTo), now)).toBe(expected);
  });
});

/** A self-signed certificate for 127.0.0.1 valid only in January 2020 (`openssl ca` can backdate; `req -x509` cannot here). */
async function makeExpiredCert(): Promise<{ key: string; cert: string; certFile: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'shipshape-expired-'));
  dirs.push(dir);
  await mkdir(path.join(dir, 'newcerts'));
  await writeFile(path.join(dir, 'index.txt'), '');
  await writeFile(path.join(dir, 'serial'), '1000\n');
  await writeFile(
    path.join(dir, 'ca.cnf'),
    [
      '[ ca ]',
      'default_ca = local',
      '[ local ]',
      `database = ${path.join(dir, 'index.txt')}`,
      `new_certs_dir = ${path.join(dir, 'newcerts')}`,
      `serial = ${path.join(dir, 'serial')}`,
      'default_md = sha256',
      'policy = any',
      'copy_extensions = copy',
      '[ any ]',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  const csr = path.join(dir, 'req.csr');
  await run('openssl', [
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    csr,
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ]);
  await run('openssl', [
    'ca',
    '-batch',
    '-config',
    path.join(dir, 'ca.cnf'),
    '-selfsign',
    '-keyfile',
    keyFile,
    '-in',
    csr,
    '-out',
    certFile,
    '-startdate',
    '20200101000000Z',
    '-enddate',
    '20200201000000Z',
    '-notext',
  ]);
  return { key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8'), certFile };
}

describe('probeAccess against small servers', () => {
  it('never sends credentials, even when they are given', async () => {
    const fake = new FakeRegistry();
    fake.basic = { user: 'alice', password: 'secret' };
    fake.addManifest('team/app', ['v1'], { schemaVersion: 2, mediaType: MediaType.ociManifest, config: {}, layers: [] });
    const server = await startServer(fake.handler);
    open.push(server);
    const access = await probeAccess(server.host, { plainHttp: true, username: 'alice', password: 'secret', sampleRepository: 'team/app', now: new Date() });
    expect(access).toEqual({ scheme: 'http', authScheme: 'basic', anonymousPull: false, anonymousCatalog: false, tls: undefined });
    expect(fake.requests.length).toBeGreaterThan(2);
    expect(fake.requests.every((r) => r.authorization === undefined)).toBe(true);
  });

  it('leaves undefined what a status cannot tell, and says why', async () => {
    const fake = new FakeRegistry(); // serves no catalog: 404
    const server = await startServer(fake.handler);
    open.push(server);
    const diagnostics: string[] = [];
    const access = await probeAccess(server.host, { plainHttp: true, sampleRepository: 'no/such', now: new Date(), diagnostics });
    expect(access).toEqual({ scheme: 'http', authScheme: 'none', anonymousPull: undefined, anonymousCatalog: undefined, tls: undefined });
    expect(diagnostics).toEqual([
      `${server.host}: anonymous access to the catalog could not be determined: HTTP 404`,
      `${server.host}: anonymous access to the tag list of no/such could not be determined: HTTP 404`,
    ]);
  });

  it('does not probe a pull without a repository to try', async () => {
    const fake = new FakeRegistry();
    const server = await startServer(fake.handler);
    open.push(server);
    const access = await probeAccess(server.host, { plainHttp: true, now: new Date() });
    expect(access.anonymousPull).toBeUndefined();
    expect(fake.requests.some((r) => r.path.includes('/tags/list'))).toBe(false);
  });

  it('names the challenge scheme, `other` for one it does not know', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(401, { 'www-authenticate': 'Negotiate', 'content-type': 'application/json' }).end('{}');
    });
    open.push(server);
    const access = await probeAccess(server.host, { plainHttp: true, sampleRepository: 'a', now: new Date() });
    expect(access).toMatchObject({ authScheme: 'other', anonymousCatalog: false, anonymousPull: false });
  });

  it('says a plain-HTTP server does not speak TLS', async () => {
    const server = await startServer((_req, res) => void res.end('{}'));
    open.push(server);
    await expect(probeAccess(server.host, { now: new Date(), timeoutMs: 5000 })).rejects.toThrow(TlsError);
  });

  it('reads a trusted certificate with its dates, and the same one untrusted without its CA', async () => {
    const tls = await makeSelfSignedCert();
    dirs.push(tls.dir);
    const fake = new FakeRegistry();
    const server = await startServer(fake.handler, tls);
    open.push(server);
    const now = new Date();
    const trusted = await probeAccess(server.host, { caFiles: [tls.certFile], now });
    expect(trusted.scheme).toBe('https');
    expect(trusted.tls).toMatchObject({ subject: '127.0.0.1', issuer: '127.0.0.1', trusted: true, error: undefined, selfSigned: true });
    // `-days 2`: valid for two days from about now
    expect(trusted.tls?.daysLeft).toBe(1);
    expect(Date.parse(trusted.tls?.validTo ?? '') - Date.parse(trusted.tls?.validFrom ?? '')).toBe(2 * 24 * 3600 * 1000);
    const untrusted = await probeAccess(server.host, { now });
    expect(untrusted.tls).toMatchObject({ trusted: false, error: 'self-signed certificate', selfSigned: true });
    // the anonymous probes still ran (no credentials cross an unverified connection)
    expect(untrusted.authScheme).toBe('none');
  });

  it('reports an expired certificate with negative days left, even with its CA trusted', skipWhen(commandMissing('openssl')), async () => {
    const expired = await makeExpiredCert();
    const fake = new FakeRegistry();
    const server = await startServer(fake.handler, expired);
    open.push(server);
    const now = new Date('2026-03-01T00:00:00Z');
    const access = await probeAccess(server.host, { caFiles: [expired.certFile], now });
    expect(access.tls).toEqual({
      subject: '127.0.0.1',
      issuer: '127.0.0.1',
      validFrom: '2020-01-01T00:00:00.000Z',
      validTo: '2020-02-01T00:00:00.000Z',
      daysLeft: daysLeft(new Date('2020-02-01T00:00:00Z'), now),
      trusted: false,
      error: 'certificate has expired',
      selfSigned: true,
    });
    expect(access.tls?.daysLeft).toBeLessThan(-2000);
  });
});

const user = 'tester';
const password = 'probe-pass-1';

describe("probeAccess against Debian's docker-registry", skipWhen(registryMissing({ auth: true, tls: true })), () => {
  let plain: RunningRegistry;
  let basic: RunningRegistry;
  let tls: RunningRegistry;

  async function seed(registry: RunningRegistry, creds?: string): Promise<void> {
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });
    const digest = await putBlob(registry, 'team/app', config, creds);
    const manifest = {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest, size: config.length },
      layers: [],
    };
    await putManifest(registry, 'team/app', 'v1', manifest, MediaType.ociManifest, creds);
  }

  beforeAll(async () => {
    [plain, basic, tls] = await Promise.all([startRegistry(), startRegistry({ htpasswd: `${user}:${password}` }), startRegistry({ tls: true })]);
    await Promise.all([seed(plain), seed(basic, `${user}:${password}`), seed(tls)]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([plain?.stop(), basic?.stop(), tls?.stop()]);
  });

  it('an open plain-HTTP registry: anyone lists and pulls (the sample comes from the catalog)', async () => {
    expect(await probeAccess(plain.host, { plainHttp: true, now: new Date() })).toEqual({
      scheme: 'http',
      authScheme: 'none',
      anonymousPull: true,
      anonymousCatalog: true,
      tls: undefined,
    });
  });

  it('a Basic-auth registry: nothing without credentials, and the given ones are not used', async () => {
    const access = await probeAccess(basic.host, { plainHttp: true, username: user, password, sampleRepository: 'team/app', now: new Date() });
    expect(access).toEqual({ scheme: 'http', authScheme: 'basic', anonymousPull: false, anonymousCatalog: false, tls: undefined });
  });

  it('a TLS registry: trusted with its CA file, untrusted self-signed without', async () => {
    const now = new Date();
    const trusted = await probeAccess(tls.host, { caFiles: [tls.caFile as string], sampleRepository: 'team/app', now });
    expect(trusted).toMatchObject({ scheme: 'https', authScheme: 'none', anonymousPull: true, anonymousCatalog: true });
    expect(trusted.tls).toMatchObject({ subject: '127.0.0.1', issuer: '127.0.0.1', trusted: true, error: undefined, selfSigned: true, daysLeft: 29 });
    const untrusted = await probeAccess(tls.host, { sampleRepository: 'team/app', now });
    expect(untrusted).toMatchObject({ scheme: 'https', authScheme: 'none', anonymousPull: true, anonymousCatalog: true });
    expect(untrusted.tls).toMatchObject({ trusted: false, error: 'self-signed certificate', selfSigned: true, daysLeft: 29 });
  });

  it('a Bearer registry that hands out anonymous tokens: anyone lists and pulls', async () => {
    const tokens = await startTokenServer({ upstream: plain.url });
    open.push(tokens);
    const access = await probeAccess(tokens.host, { plainHttp: true, username: user, password, now: new Date() });
    expect(access).toEqual({ scheme: 'http', authScheme: 'bearer', anonymousPull: true, anonymousCatalog: true, tls: undefined });
    expect(tokens.tokenRequests.map((r) => r.scope).sort()).toEqual(['registry:catalog:*', 'repository:team/app:pull']);
    expect(tokens.tokenRequests.every((r) => r.user === undefined)).toBe(true);
  });

  it('a Bearer registry that refuses anonymous tokens: nothing without credentials', async () => {
    const tokens = await startTokenServer({ upstream: plain.url, users: { [user]: password } });
    open.push(tokens);
    const access = await probeAccess(tokens.host, { plainHttp: true, username: user, password, sampleRepository: 'team/app', now: new Date() });
    expect(access).toEqual({ scheme: 'http', authScheme: 'bearer', anonymousPull: false, anonymousCatalog: false, tls: undefined });
    expect(tokens.tokenRequests.length).toBeGreaterThan(0);
    expect(tokens.tokenRequests.every((r) => r.user === undefined)).toBe(true);
  });
});
