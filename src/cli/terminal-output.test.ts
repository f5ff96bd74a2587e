// Output never obeys input: names from images, manifests, compose files and registries that carry
// terminal escapes (OSC title, clear screen, BEL, NUL, C1 CSI) and line breaks go through every
// command's text output; no raw control byte reaches stdout or stderr, and no line of the input
// becomes a line of ours.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from './io.js';
import { run } from './program.js';
import { runCli } from '../test-support/cli.js';
import { buildImage, dockerArchiveFiles, writeArchive } from '../test-support/image-builder.js';
import { FakeRegistry, startServer, type TestServer } from '../test-support/registry.js';

/** What an attacker writes: a window title (OSC), clear screen, BEL, NUL, a line break, a C1 CSI. */
const evil = 'evil\u001b]0;pwned\u0007\u001b[2J\u0000\nINJECTED\u009b31m';
/** The same without NUL and C1, for the few places that refuse them (tar paths). */
const evilPath = 'evil\u001b]0;pwned\u0007\u001b[2J\nINJECTED';

let dir: string;
let archive: string;
let manifests: string;
let composeFile: string;
let env: Record<string, string>;
let registry: TestServer | undefined;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shipshape-terminal-'));
  env = { SHIPSHAPE_CACHE_DIR: path.join(dir, 'cache') };
  const image = await buildImage({
    layers: [
      {
        createdBy: `/bin/sh -c ${evil}`,
        items: [
          { name: 'etc/os-release', content: `ID=debian\nVERSION_ID="12"\nPRETTY_NAME=${JSON.stringify(evil)}\n` },
          {
            name: 'var/lib/dpkg/status',
            content: `Package: zlib1g\nStatus: install ok installed\nVersion: 1.2.13\nArchitecture: amd64\n\nPackage: pkg\u001b[2J\nStatus: install ok installed\nVersion: 1.0\u0007\n\n`,
          },
          { name: `app/${evilPath}.env`, content: 'AWS_ACCESS_KEY_ID=AKIAY34FZKBOKMUTVV7A\n' },
        ],
      },
    ],
    config: { config: { User: evil, WorkingDir: `/${evil}`, Env: [`${evil}=1`], Entrypoint: [evil], Cmd: [evil], Labels: { [evil]: evil } } },
  });
  archive = await writeArchive(path.join(dir, 'image.tar'), dockerArchiveFiles([{ image, tags: [`app:${evil}`] }]));

  manifests = path.join(dir, 'k8s');
  await mkdir(manifests);
  const name = JSON.stringify(evil);
  await writeFile(
    path.join(manifests, 'pod.yaml'),
    `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: ${name}, labels: {${name}: ${name}}}\nspec: {containers: [{name: ${name}, image: ${name}, env: [{name: ${JSON.stringify(`${evil}_TOKEN`)}, value: ${name}}], securityContext: {privileged: true}}]}\n`,
  );
  await writeFile(path.join(manifests, `broken${evilPath}.yaml`), 'apiVersion: v1\nkind: Pod\nmetadata: [\n');
  composeFile = path.join(dir, 'compose.yaml');
  await writeFile(
    composeFile,
    `services:\n  ${name}:\n    image: ${name}\n    privileged: true\n    environment: {${JSON.stringify(`${evil}_PASSWORD`)}: ${name}}\n`,
  );

  const fake = new FakeRegistry();
  fake.addImage('team/app', 'ok', []);
  // a tag no registry would accept, listed all the same by a hostile one
  fake.intercept = (req, res) => {
    if (!req.url?.startsWith('/v2/team/app/tags/list')) return false;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'team/app', tags: ['ok', evil] }));
    return true;
  };
  registry = await startServer(fake.handler);
});
afterAll(async () => {
  await registry?.close();
  await rm(dir, { recursive: true, force: true });
});

// eslint-disable-next-line no-control-regex -- the point is to find them
const rawControl = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

function expectInert(what: string, output: string): void {
  const at = rawControl.exec(output);
  expect(
    at === null ? undefined : `raw \\x${at[0].charCodeAt(0).toString(16)} in: ${JSON.stringify(output.slice(Math.max(0, at.index - 60), at.index + 20))}`,
    what,
  ).toBeUndefined();
  // A line break inside a shell-quoted word of a proposed command is that word (sh reads it back
  // exactly; POSIX sh has no other way to write one): code blocks are left out of this check.
  expect(output.replace(/^```[\s\S]*?^```$/gm, ''), what).not.toMatch(/^INJECTED/m);
}

describe('no control character of the input reaches the terminal', () => {
  const commands: [string, () => string[]][] = [
    ['image inspect', () => ['image', 'inspect', archive]],
    ['image inspect --layer', () => ['image', 'inspect', archive, '--layer', '0']],
    ['image inspect json', () => ['image', 'inspect', archive, '-f', 'json']],
    ['sbom', () => ['sbom', archive]],
    ['sbom cyclonedx', () => ['sbom', archive, '-f', 'cyclonedx']],
    ['scan image', () => ['scan', 'image', archive, '--scanners', 'secret,config']],
    ['scan image sarif', () => ['scan', 'image', archive, '--scanners', 'secret,config', '-f', 'sarif']],
    ['k8s check', () => ['k8s', 'check', manifests]],
    ['k8s check json', () => ['k8s', 'check', manifests, '-f', 'json']],
    ['compose check', () => ['compose', 'check', composeFile]],
    ['map', () => ['map', '--no-config', '--manifests', manifests]],
    ['trace', () => ['trace', '--no-config', '--manifests', manifests, evil]],
    ['posture', () => ['posture', '--no-config', '--manifests', manifests]],
    ['posture markdown', () => ['posture', '--no-config', '--manifests', manifests, '-f', 'markdown']],
    ['registry scan', () => ['registry', 'scan', `${registry?.host ?? ''}/team/app`, '--plain-http', '--scanners', 'none', '--no-history']],
    ['registry scan json', () => ['registry', 'scan', `${registry?.host ?? ''}/team/app`, '--plain-http', '--scanners', 'none', '--no-history', '-f', 'json']],
    ['an unknown option', () => ['image', 'inspect', archive, `--${evil}`]],
    ['an image that is not there', () => ['image', 'inspect', path.join(dir, evil)]],
  ];

  it.each(commands)('%s', async (what, args) => {
    const { stdout, stderr } = await runCli(
      [...args(), ...(what.startsWith('image') || what.startsWith('sbom') || what.startsWith('scan') ? ['--no-cache'] : [])],
      { env },
    );
    expect(stdout + stderr, what).not.toBe('');
    expectInert(`${what} (stdout)`, stdout);
    expectInert(`${what} (stderr)`, stderr);
  });

  it.each(commands.filter(([what]) => /^(sbom|scan image|k8s check|compose check|map|trace|posture|registry scan)$/.test(what)))(
    '%s -o FILE: the text renderers escape what they print, before any guard',
    async (what, args) => {
      const output = path.join(dir, `${what.replace(/\W+/g, '-')}.txt`);
      await runCli([...args(), '-o', output, ...(/^(sbom|scan)/.test(what) ? ['--no-cache'] : [])], { env });
      expectInert(`${what} -o`, await readFile(output, 'utf8'));
    },
  );

  it('JSON output stays valid JSON, with the same strings', async () => {
    const { stdout } = await runCli(['image', 'inspect', archive, '-f', 'json', '--no-cache'], { env });
    const report = JSON.parse(stdout) as { reference: string; config: { user: string } };
    expect([report.reference, report.config.user]).toEqual([`app:${evil}`, evil]);
  });

  it('tables show the input escaped, on its own line', async () => {
    const { stdout } = await runCli(['image', 'inspect', archive, '--no-cache'], { env });
    expect(stdout).toMatch(/^User +evil\\x1b\]0;pwned\\x07\\x1b\[2J\\x00\\x0aINJECTED\\x9b31m$/m);
  });

  it('the progress line on a terminal draws itself, and shows the image name escaped', async () => {
    let stderr = '';
    const io: CliIo = {
      stdout: { write: () => true },
      stderr: { write: (text: string) => (stderr += text), isTTY: true, columns: 400 },
      env,
      readStdin: async () => '',
      homedir: dir,
      cwd: dir,
    };
    expect(await run(['image', 'inspect', archive, '--no-cache'], io)).toBe(0);
    expect(stderr).toContain('\r\u001b[2KResolved app:evil\\x1b]0;pwned');
    expectInert('progress', stderr.replaceAll('\r\u001b[2K', ''));
  });
});

describe('advisory text and links in SARIF', () => {
  it('helpUri is an https link of the advisory or osv.dev; the Markdown help escapes the advisory text and links https only', async () => {
    const osv = path.join(dir, 'osv');
    await mkdir(osv, { recursive: true });
    const advisory = (id: string, references: string[]): string =>
      JSON.stringify({
        id,
        modified: '2024-01-01T00:00:00Z',
        summary: `<img src=x onerror=alert(1)> [click](javascript:alert(1)) ${evil}`,
        references: references.map((url) => ({ type: 'WEB', url })),
        affected: [
          { package: { ecosystem: 'Debian:12', name: 'zlib1g' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.2.14' }] }] },
        ],
      });
    await writeFile(
      path.join(osv, 'a.json'),
      advisory('DSA-0001-1', ['javascript:alert(1)', 'http://plain.example/a', 'https://user:pw@creds.example/', 'https://ok.example/a b<c>']),
    );
    await writeFile(path.join(osv, 'b.json'), advisory('DSA-0002-1', ['data:text/html,<script>alert(1)</script>']));
    const sarifEnv = { SHIPSHAPE_CACHE_DIR: path.join(dir, 'sarif-cache') };
    expect((await runCli(['db', 'import', osv], { env: sarifEnv })).code).toBe(0);
    const { stdout } = await runCli(['scan', 'image', archive, '--scanners', 'vuln', '-f', 'sarif', '--no-cache'], { env: sarifEnv });
    const rules =
      (JSON.parse(stdout) as { runs: { tool: { driver: { rules: { id: string; helpUri?: string; help?: { markdown: string } }[] } } }[] }).runs[0]?.tool.driver
        .rules ?? [];
    const byId = new Map(rules.map((rule) => [rule.id, rule]));
    expect(byId.get('DSA-0001-1')?.helpUri).toBe('https://ok.example/a%20b%3Cc%3E');
    expect(byId.get('DSA-0002-1')?.helpUri).toBe('https://osv.dev/vulnerability/DSA-0002-1');
    for (const id of ['DSA-0001-1', 'DSA-0002-1']) {
      const markdown = byId.get(id)?.help?.markdown ?? '';
      // the summary is text: no tag, no link can form
      expect(markdown, id).toContain('\\<img src=x onerror=alert(1)\\> \\[click\\](javascript:alert(1)) evil\\\\x1b\\]0;pwned');
      expect(markdown.replace(/\\[<[]/g, ''), id).not.toMatch(/<(?!https:\/\/)|\[/);
      // links: https ones only, without credentials
      const links = markdown.split('\n').filter((line) => line.startsWith('- '));
      expect(links, id).toEqual(id === 'DSA-0001-1' ? ['- <https://ok.example/a%20b%3Cc%3E>'] : []);
    }
  });
});
