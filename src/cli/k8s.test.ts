import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { PodSecurityResult } from '../runtime/pod-security.js';
import { runCli } from '../test-support/cli.js';

const estate = fileURLToPath(new URL('../../test/k8s/estate.yaml', import.meta.url));

const shipshape = (args: string[], stdin = '') => runCli(args, { stdin });

interface Report {
  results: PodSecurityResult[];
  images: { workload: string; registry?: string; repository?: string; tag?: string; digest?: string }[];
  summary: { objects: number; allowed: number; denied: number };
}

describe('shipshape k8s check', () => {
  it('checks each workload at its namespace enforce label, and says what restricted would reject', async () => {
    const report = JSON.parse((await shipshape(['k8s', 'check', estate, '-f', 'json'])).stdout) as Report;
    expect(report.results.map((r) => [r.kind, r.name, r.level, r.version, r.allowed, r.line, r.policySource])).toEqual([
      ['Deployment', 'api', 'baseline', 'v1.29', false, 9, 'namespace payments enforce label'],
      ['CronJob', 'report', 'baseline', 'v1.29', true, 23, 'namespace payments enforce label'],
      ['Pod', 'good', 'restricted', 'latest', true, 39, 'option'],
    ]);
    expect(report.results[0]?.violations.map((v) => v.check)).toEqual(['privileged']);
    expect(report.results[1]?.rejectedAtRestricted).toBe(true);
  });

  it('--level and --version override the labels; --exit-code gates', async () => {
    const { code, stdout } = await shipshape(['k8s', 'check', estate, '--level', 'restricted', '--version', 'v1.25', '-f', 'json', '--exit-code', '4']);
    expect(code).toBe(4);
    expect((JSON.parse(stdout) as Report).summary).toEqual({ objects: 3, allowed: 1, denied: 2 });
  });

  it('reads standard input and keeps every image reference for the lifecycle map', async () => {
    const report = JSON.parse((await shipshape(['k8s', 'check', '-', '-f', 'json'], readFileSync(estate, 'utf8'))).stdout) as Report;
    expect(report.images.map((i) => [i.workload, i.registry, i.repository, i.tag ?? i.digest])).toEqual([
      ['api', 'registry.example.com', 'payments/api', '1.4.2'],
      ['report', 'docker.io', 'library/python', '3.12-slim'],
      ['good', 'ghcr.io', 'o/app', 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'],
    ]);
  });

  it('rejects a bad --version and a missing path with exit code 2', async () => {
    expect((await shipshape(['k8s', 'check', estate, '--version', '1.29'])).stderr).toMatch(/invalid --k8s-version "1.29"/);
    expect((await shipshape(['k8s', 'check', '/no/such/dir'])).code).toBe(2);
  });
});
