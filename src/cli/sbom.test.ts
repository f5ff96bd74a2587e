import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InventoryReport } from '../report/inventory-json.js';
import { runCli } from '../test-support/cli.js';

const example = new URL('../../examples/demo-app.oci.tar', import.meta.url).pathname;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shipshape-sbom-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const shipshape = (args: string[]) => runCli(args, { env: { SHIPSHAPE_CACHE_DIR: path.join(dir, 'cache') }, homedir: dir });

describe('shipshape sbom', () => {
  it('lists the example image: the OS, its packages, and the layer that brought each', async () => {
    const { code, stdout } = await shipshape(['sbom', example]);
    expect(code).toBe(0);
    expect(stdout).toContain('OS        Alpine Linux v3.19');
    expect(stdout).toMatch(/^npm\s+lodash\s+4\.17\.15\s+1\s+\/app\/node_modules\/lodash$/m);
  });

  it('--format json gives the inventory document', async () => {
    const report = JSON.parse((await shipshape(['sbom', example, '-f', 'json'])).stdout) as InventoryReport;
    expect(report.os).toMatchObject({ id: 'alpine', version: '3.19.1', advisoryEcosystem: 'Alpine:v3.19' });
    expect(report.packages.map((p) => [p.purl, p.layer.index])).toEqual([
      ['pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64&distro=alpine-3.19.1', 0],
      ['pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&distro=alpine-3.19.1', 0],
      ['pkg:apk/alpine/zlib@1.3-r2?arch=x86_64&distro=alpine-3.19.1', 0],
      ['pkg:npm/lodash@4.17.15', 1],
    ]);
    expect(report.packages.at(-1)?.layer.createdBy).toBe('/bin/sh -c #(nop) COPY dir:9a8b7c6d5e in /app ');
  });

  it.each(['cyclonedx', 'spdx'])('--format %s --reproducible -o FILE writes the same bytes twice', async (format) => {
    const a = path.join(dir, `a.${format}.json`);
    const b = path.join(dir, `b.${format}.json`);
    expect((await shipshape(['sbom', example, '-f', format, '--reproducible', '-o', a])).code).toBe(0);
    expect((await shipshape(['sbom', example, '-f', format, '--reproducible', '--no-cache', '-o', b])).code).toBe(0);
    expect(await readFile(a, 'utf8')).toBe(await readFile(b, 'utf8'));
    expect(await readFile(a, 'utf8')).toContain('pkg:npm/lodash@4.17.15');
  });
});
