import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxDockerfileBytes } from '../core/limits.js';
import { buildImage, dockerArchiveFiles, ociLayoutFiles, sha256, writeArchive, writeDirectory } from '../test-support/image-builder.js';
import { runCli } from '../test-support/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shipshape-input-errors-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const noStackTrace = (stderr: string): void => expect(stderr).not.toMatch(/\n\s+at |internal error/);

describe('commander errors look like ours', () => {
  it.each([
    [['nonsense'], "shipshape: error: unknown command 'nonsense'"],
    [['k8s', 'check', '--no-such-option'], "shipshape: error: unknown option '--no-such-option'"],
    [['sbom'], "shipshape: error: missing required argument 'image'"],
    [
      ['dockerfile', 'lint', 'Dockerfile', '-f', 'xml'],
      "shipshape: error: option '-f, --format <format>' argument 'xml' is invalid. Allowed choices are table, json, sarif.",
    ],
    [['version', 'compare', 'a', 'b'], "shipshape: error: required option '--scheme <scheme>' not specified"],
  ])('%j: exit 2, `shipshape: error:` and a hint', async (args, message) => {
    const { code, stdout, stderr } = await runCli(args);
    expect([code, stdout, stderr]).toEqual([2, '', `${message}\n  hint: run with --help for usage\n`]);
  });

  it('control characters of the input are shown escaped, never sent to the terminal', async () => {
    const { stderr } = await runCli(['k8s', 'check', '--\x1b[31mred']);
    expect(stderr).toContain("unknown option '--\\x1b[31mred'");
    expect(stderr).not.toContain('\x1b');
  });
});

describe('the version', () => {
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

  it('`shipshape version` and `shipshape --version` print the version from package.json', async () => {
    expect(await runCli(['version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(await runCli(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect((await runCli(['version', 'compare', '--scheme', 'semver', '1.0.0', '1.2.0'])).stdout).toBe('1.0.0\t<\t1.2.0\n');
  });
});

describe('--platform', () => {
  it('given, it must match a single-platform image; not given, the image is read as it is; an index without the default names what it offers', async () => {
    const amd = await buildImage({ layers: [{ items: [{ name: 'a', content: 'a' }] }] });
    const arm = await buildImage({ layers: [{ items: [{ name: 'a', content: 'a' }] }], platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } });
    const archive = await writeArchive(path.join(dir, 'amd.tar'), dockerArchiveFiles([{ image: amd, tags: ['amd:1'] }]));
    const layout = await writeDirectory(path.join(dir, 'amd-layout'), ociLayoutFiles([{ image: amd }]));
    for (const image of [archive, layout]) {
      const wrong = await runCli(['image', 'inspect', image, '--platform', 'linux/arm64', '--no-cache']);
      expect([wrong.code, wrong.stdout], image).toEqual([2, '']);
      expect(wrong.stderr).toMatch(
        /^shipshape: error: .* has no image for platform linux\/arm64; it is a single-platform linux\/amd64 image\n {2}hint: leave out --platform/,
      );
      expect((await runCli(['image', 'inspect', image, '--platform', 'linux/amd64', '--no-cache'])).code).toBe(0);
    }
    const armOnly = await writeArchive(path.join(dir, 'arm.tar'), dockerArchiveFiles([{ image: arm, tags: ['arm:1'] }]));
    const asItIs = await runCli(['image', 'inspect', armOnly, '-f', 'json', '--no-cache']);
    expect([asItIs.code, asItIs.stderr]).toEqual([0, '']);
    expect((JSON.parse(asItIs.stdout) as { platform: unknown }).platform).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });

    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: arm.manifestDigest,
            size: arm.manifest.length,
            platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
          },
        ],
      }),
    );
    const files = ociLayoutFiles([{ image: arm }], [index]);
    files.set(
      'index.json',
      Buffer.from(
        JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: sha256(index), size: index.length }] }),
      ),
    );
    const multi = await writeDirectory(path.join(dir, 'arm-index'), files);
    const noDefault = await runCli(['image', 'inspect', multi, '--no-cache']);
    expect(noDefault.code).toBe(2);
    expect(noDefault.stderr).toMatch(/has no image for platform linux\/amd64; it offers: linux\/arm64\/v8\n/);
  });
});

describe('dockerfile lint of what is not a Dockerfile', () => {
  it('a directory, a binary, non-UTF-8 bytes and an oversized file are one clear error each', async () => {
    const binary = path.join(dir, 'binary');
    await writeFile(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0x46, 0x52, 0x4f, 0x4d]));
    const latin1 = path.join(dir, 'latin1');
    await writeFile(latin1, Buffer.from('FROM alpine\nLABEL a="caf\xe9"\n', 'latin1'));
    const big = path.join(dir, 'big');
    await writeFile(big, `FROM alpine\n${'#'.repeat(maxDockerfileBytes)}\n`);
    const cases: [string, RegExp][] = [
      [dir, /^shipshape: error: .* is a directory, not a Dockerfile\n {2}hint: give the file inside it, e\.g\. .*\/Dockerfile\n$/],
      [binary, /^shipshape: error: .*binary is not a Dockerfile: it is binary \(a NUL byte at offset 6\), not text\n$/],
      [latin1, /^shipshape: error: .*latin1 is not a Dockerfile: it is not UTF-8 text\n$/],
      [big, new RegExp(`^shipshape: error: .*big is larger than ${maxDockerfileBytes} bytes, the limit for a Dockerfile \\(maxDockerfileBytes\\)\\n$`)],
    ];
    for (const [file, message] of cases) {
      const { code, stdout, stderr } = await runCli(['dockerfile', 'lint', file]);
      expect([code, stdout], file).toEqual([2, '']);
      expect(stderr).toMatch(message);
    }
  });

  it('a text file of more lines that are not instructions than a call can take arguments is reported, not a crash', async () => {
    const lines = path.join(dir, 'lines');
    // past ~150,000 findings, findings.push(...all) overflowed the stack ("internal error")
    await writeFile(lines, `FROM alpine\n${'x\n'.repeat(160_000)}`);
    const { code, stdout, stderr } = await runCli(['dockerfile', 'lint', lines, '-f', 'json']);
    noStackTrace(stderr);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { findings: unknown[] }).findings.length).toBeGreaterThan(160_000);
  });
});

describe('manifests and compose files that cannot be read fail closed', () => {
  const good = 'apiVersion: v1\nkind: Pod\nmetadata: { name: ok, namespace: prod }\nspec: { containers: [ { name: c, image: "nginx:1" } ] }\n';

  it('k8s check reports what it could read, names file:line of what it could not, and exits 2', async () => {
    const manifests = path.join(dir, 'k8s');
    await mkdir(manifests, { recursive: true });
    await writeFile(path.join(manifests, 'a.yaml'), `${good}---\napiVersion: v1\nkind: Pod\nmetadata: [\n`);
    const { code, stdout, stderr } = await runCli(['k8s', 'check', manifests, '-f', 'json', '--exit-code', '0']);
    expect(code).toBe(2);
    expect((JSON.parse(stdout) as { results: { name: string }[] }).results.map((r) => r.name)).toEqual(['ok']);
    expect(stderr).toBe(
      `shipshape: error: ${path.join(manifests, 'a.yaml')}:9: invalid YAML; document skipped: Flow sequence in block collection must be sufficiently indented and end with a ]\n  hint: the result covers only what could be read and checked; fix or leave out what is named above\n`,
    );
  });

  it('an empty directory is not a pass: k8s check and compose check say nothing was found', async () => {
    const empty = path.join(dir, 'empty');
    await mkdir(path.join(empty, 'sub'), { recursive: true });
    await writeFile(path.join(empty, 'README.md'), 'not a manifest\n');
    expect(await runCli(['k8s', 'check', empty])).toEqual({
      code: 2,
      stdout: '',
      stderr: `shipshape: error: ${empty}: no manifests found (no *.yaml, *.yml or *.json files in it or below)\n`,
    });
    expect(await runCli(['compose', 'check', empty])).toEqual({
      code: 2,
      stdout: '',
      stderr: `shipshape: error: ${empty}: no compose file found (compose.yaml, compose.yml, docker-compose.yaml, docker-compose.yml)\n`,
    });
  });

  it('compose check reads the compose files of a directory, and fails closed on a file it cannot read', async () => {
    const project = path.join(dir, 'project');
    await mkdir(project, { recursive: true });
    await writeFile(path.join(project, 'compose.yaml'), 'services:\n  web:\n    image: nginx:1\n    privileged: true\n');
    const read = await runCli(['compose', 'check', project, '-f', 'json']);
    expect(read.code).toBe(0);
    const report = JSON.parse(read.stdout) as { files: string[]; findings: { ruleId: string }[] };
    expect(report.files).toEqual([path.join(project, 'compose.yaml')]);
    expect(report.findings.length).toBeGreaterThan(0);

    const broken = path.join(dir, 'broken-compose.yaml');
    await writeFile(broken, 'services:\n  db:\n    image: [\n');
    const both = await runCli(['compose', 'check', project, broken, '-f', 'json']);
    expect(both.code).toBe(2);
    expect((JSON.parse(both.stdout) as { findings: unknown[] }).findings).toHaveLength(report.findings.length);
    expect(both.stderr).toMatch(new RegExp(`^shipshape: error: ${broken}:4: invalid YAML: `));
  });
});
