// Fail closed: input a gating command cannot read makes the gate fail (exit 2, the reason named on
// stderr), whatever --exit-code asks. Every hostile input is generated here and hides a privileged
// workload that a skipped document would let through.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-support/cli.js';
import { buildImage, dockerArchiveFiles, writeArchive } from '../test-support/image-builder.js';
import { FakeRegistry, startServer, type TestServer } from '../test-support/registry.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shipshape-fail-closed-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const privilegedPod = (name: string): string =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: prod}\nspec: {containers: [{name: c, image: "nginx:1", securityContext: {privileged: true}}]}\n`;

/** Ten-fold nested aliases: a billion laughs once expanded. */
function aliasBomb(indent: string, open: '[' | '{'): string {
  const lines = [`${indent}a0: &a0 ${open === '[' ? '[x, x, x, x, x, x, x, x, x, x]' : '{k: x}'}`];
  for (let i = 1; i < 10; i++) {
    const refs = Array.from({ length: 10 }, (_, j) => (open === '[' ? `*a${i - 1}` : `k${j}: *a${i - 1}`)).join(', ');
    lines.push(`${indent}a${i}: &a${i} ${open}${refs}${open === '[' ? ']' : '}'}`);
  }
  return lines.join('\n');
}

/** Merge keys that each merge ten copies of the level below. */
function mergeBomb(prefix: string): string {
  const lines = [`${prefix}m0: &m0 {privileged: true}`];
  for (let i = 1; i < 12; i++) lines.push(`${prefix}m${i}: &m${i}\n  <<: [${Array.from({ length: 10 }, () => `*m${i - 1}`).join(', ')}]\n  k${i}: v`);
  return lines.join('\n');
}

async function file(name: string, content: string | Buffer): Promise<string> {
  const target = path.join(dir, name);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, content);
  return target;
}

describe('k8s check fails closed on manifests it cannot read', () => {
  const hostile: [string, () => string | Buffer, RegExp][] = [
    ['an alias bomb', () => `${privilegedPod('bomb').trimEnd()}\nx:\n${aliasBomb('  ', '[')}\n`, /:1: document skipped: Excessive alias count/],
    ['a merge-key bomb', () => `${privilegedPod('merged')}${mergeBomb('x-')}\n`, /:1: document skipped: Excessive alias count/],
    [
      'duplicate keys (kubectl decodes strictly)',
      () => `${privilegedPod('dup')}spec: {containers: [{name: c, image: "nginx:1"}]}\n`,
      /:5: invalid YAML; document skipped: Map keys must be unique/,
    ],
    [
      'deep flow nesting',
      () => `${privilegedPod('deep').trimEnd()}\nx: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`,
      /:5: invalid YAML; document skipped: /,
    ],
    [
      'deep block nesting',
      () => `${privilegedPod('deep').trimEnd()}\nx:\n${Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i + 1)}- `).join('\n')}x\n`,
      /invalid YAML; document skipped|could not parse/,
    ],
    [
      'too many documents',
      () => `${'---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n'.repeat(10_001)}---\n${privilegedPod('last')}`,
      /: more than 10000 documents; the rest are not loaded/,
    ],
    [
      'a List with an item that is not a mapping',
      () => `apiVersion: v1\nkind: List\nitems:\n- ${privilegedPod('x').replace(/\n/g, '\n  ').trimEnd()}\n- just a string\n`,
      /:8: an item of the List is not a mapping; it is not checked/,
    ],
    [
      'a kubectl get -o json dump with a broken item',
      () =>
        JSON.stringify(
          {
            apiVersion: 'v1',
            kind: 'List',
            items: [{ metadata: { name: 'nokind' }, spec: { containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] } }],
          },
          null,
          2,
        ),
      /:5: an item of the List has no apiVersion and kind; it is not checked/,
    ],
    ['bytes that are not UTF-8', () => Buffer.from(`${privilegedPod('caf\xe9')}`, 'latin1'), /: not UTF-8 text; not loaded/],
  ];

  it.each(hostile)('%s: exit 2 with --exit-code 1 and 0, the reason on stderr', async (what, content, reason) => {
    const target = await file(`k8s/${what.replace(/\W+/g, '-')}.yaml`, content());
    for (const exitCode of ['1', '0']) {
      const { code, stderr } = await runCli(['k8s', 'check', target, '-f', 'json', '--exit-code', exitCode]);
      expect(code, what).toBe(2);
      expect(stderr, what).toMatch(new RegExp(`^shipshape: error: ${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      expect(stderr, what).toMatch(reason);
      expect(stderr, what).not.toMatch(/\n\s+at |internal error/);
    }
  });

  it('the items of a typed list (an API list response) are what the list says, and are checked', async () => {
    const target = await file(
      'k8s/podlist.json',
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'PodList',
        items: [{ metadata: { name: 'raw', namespace: 'prod' }, spec: { containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] } }],
      }),
    );
    const { code, stdout, stderr } = await runCli(['k8s', 'check', target, '-f', 'json', '--exit-code', '1']);
    expect([code, stderr]).toEqual([1, '']);
    const report = JSON.parse(stdout) as { results: { kind: string; name: string; allowed: boolean }[] };
    expect(report.results).toMatchObject([{ kind: 'Pod', name: 'raw', allowed: false }]);
  });
});

describe('compose check fails closed on files it cannot read', () => {
  const service = 'services:\n  web:\n    image: nginx:1\n    privileged: true\n';
  const hostile: [string, () => string | Buffer, RegExp][] = [
    ['an alias bomb', () => `${aliasBomb('x-', '{')}\n${service}`, /: not loaded: Excessive alias count/],
    ['a merge-key bomb', () => `${mergeBomb('x-')}\nservices:\n  web:\n    <<: *m11\n    image: nginx:1\n`, /: not loaded: Excessive alias count/],
    ['duplicate keys', () => `${service}  web:\n    image: nginx:1\n`, /:5: invalid YAML: Map keys must be unique/],
    ['deep nesting', () => `${service}    x: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`, /:5: invalid YAML: /],
    [
      'two documents (compose reads one)',
      () => `services:\n  web:\n    image: nginx:1\n---\n${service}`,
      /:4: invalid YAML: Source contains multiple documents/,
    ],
    ['bytes that are not UTF-8', () => Buffer.from(`${service}    labels: {a: caf\xe9}\n`, 'latin1'), /: not UTF-8 text; not loaded/],
  ];

  it.each(hostile)('%s: exit 2 with --exit-code 1 and 0, the reason on stderr', async (what, content, reason) => {
    const target = await file(`compose/${what.replace(/\W+/g, '-')}/compose.yaml`, content());
    for (const exitCode of ['1', '0']) {
      const { code, stderr } = await runCli(['compose', 'check', target, '-f', 'json', '--exit-code', exitCode]);
      expect(code, what).toBe(2);
      expect(stderr, what).toContain(`shipshape: error: ${target}`);
      expect(stderr, what).toMatch(reason);
      expect(stderr, what).not.toMatch(/\n\s+at |internal error/);
    }
  });
});

describe('scan image --exit-code does not pass on a package database it could not read', () => {
  const osRelease = { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' };
  const good = 'Package: zlib1g\nStatus: install ok installed\nVersion: 1:1.2.13.dfsg-1\nArchitecture: amd64\n\n';

  async function scan(name: string, status: string): Promise<{ code: number; stderr: string; diagnostics: { code: string }[] }> {
    const image = await buildImage({ layers: [{ items: [osRelease, { name: 'var/lib/dpkg/status', content: status }] }] });
    const archive = await writeArchive(path.join(dir, `${name}.tar`), dockerArchiveFiles([{ image, tags: [`${name}:1`] }]));
    const env = { SHIPSHAPE_CACHE_DIR: path.join(dir, 'scan-cache') };
    // a database that covers Debian 12, so no package is left unchecked for want of advisories
    const osv = await file(
      'osv/DSA-9999-1.json',
      JSON.stringify({
        id: 'DSA-9999-1',
        modified: '2024-01-01T00:00:00Z',
        affected: [
          { package: { ecosystem: 'Debian:12', name: 'not-installed' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.0' }] }] },
        ],
      }),
    );
    expect((await runCli(['db', 'import', path.dirname(osv)], { env })).code).toBe(0);
    const { code, stdout, stderr } = await runCli(['scan', 'image', archive, '--scanners', 'vuln', '--exit-code', '1', '-f', 'json', '--no-cache'], { env });
    return { code, stderr, diagnostics: (JSON.parse(stdout) as { diagnostics: { code: string }[] }).diagnostics };
  }

  it('passes on a database read completely (the control case)', async () => {
    const { code, stderr, diagnostics } = await scan('clean', good);
    expect([code, stderr, diagnostics]).toEqual([0, '', []]);
  });

  it.each([
    ['a record without a version', `${good}Package: hidden\nStatus: install ok installed\nArchitecture: amd64\n\n`],
    ['garbage in the middle', `${good}\u0001\u0002 not a field\nPackage: hidden\nVersion: 1.0\n\n`],
  ])('%s: the gate fails, and the file is named', async (what, status) => {
    const { code, stderr, diagnostics } = await scan(what.replace(/\W+/g, '-'), status);
    expect(code, what).toBe(1);
    expect(
      diagnostics.map((d) => d.code),
      what,
    ).toContain('inventory.dpkg');
    expect(stderr, what).toMatch(/^shipshape: warning: layer 0: \/var\/lib\/dpkg\/status: dpkg: .* \(packages there may not all be checked\)$/m);
    expect(stderr, what).toMatch(/^shipshape: the --exit-code gate fails: 1 package file or version could not be read or compared completely$/m);
  });
});

describe('registry scan fails closed on a repository it could not read', () => {
  let server: TestServer | undefined;
  afterAll(async () => server?.close());

  it('exit 2, naming it, whatever --exit-code asks; the other repository is reported', async () => {
    const fake = new FakeRegistry();
    fake.addImage('team/app', '1', []);
    fake.intercept = (req, res) => {
      if (req.url?.startsWith('/v2/_catalog')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ repositories: ['team/app', 'team/broken'] }));
        return true;
      }
      if (!req.url?.startsWith('/v2/team/broken/')) return false;
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNKNOWN","message":"storage failure"}]}');
      return true;
    };
    server = await startServer(fake.handler);
    for (const exitCode of ['1', '0']) {
      const { code, stdout, stderr } = await runCli([
        'registry',
        'scan',
        server.host,
        '--plain-http',
        '--scanners',
        'none',
        '--no-history',
        '--no-cache',
        '-f',
        'json',
        '--exit-code',
        exitCode,
      ]);
      expect(code, stderr).toBe(2);
      expect(stderr).toMatch(/^shipshape: error: team\/broken: .*storage failure/m);
      expect((JSON.parse(stdout) as { repositories: { name: string; tags: unknown[] }[] }).repositories.find((r) => r.name === 'team/app')?.tags).toHaveLength(
        1,
      );
    }
  });
});
