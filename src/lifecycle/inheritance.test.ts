import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collectEstate } from './collect.js';
import { readDockerfile } from './dockerfiles.js';
import type { DockerfileInfo } from './estate-model.js';
import { withInheritedConfig } from './inheritance.js';
import { buildStep, ciValue, inheritingEstate, pipeline } from './test-estate.js';

const findings = (info: DockerfileInfo | undefined, ruleId: string): string[] =>
  (info?.findings ?? []).filter((f) => f.ruleId === ruleId).map((f) => `${f.location.startLine}: ${f.message}`);

describe('withInheritedConfig', () => {
  const { build, texts } = inheritingEstate();
  const read = withInheritedConfig(build, texts);
  const info = (file: string): DockerfileInfo | undefined => read.find((d) => d.file === file);

  it("gives a service the user, health check and ports of the internal base it is built FROM, with the base's lines", () => {
    const svc = info('apps/svc/Dockerfile');
    expect(svc?.config).toMatchObject({
      user: { kind: 'set', value: 'app', file: 'platform/base/Dockerfile', line: 5 },
      healthcheck: { kind: 'set', file: 'platform/base/Dockerfile', line: 3 },
      files: ['apps/svc/Dockerfile', 'platform/base/Dockerfile'],
    });
    expect(findings(svc, 'SS-DF-003')).toEqual([]);
    expect(findings(svc, 'SS-DF-023')).toEqual([]);
    expect(findings(svc, 'SS-DF-022')).toEqual([
      '3: the parent image registry.example.com/platform/base:1 exposes port 22 (SSH): EXPOSE 22 at platform/base/Dockerfile:4',
    ]);
  });

  it('follows the chain two levels down, and through a promotion to another registry', () => {
    expect(info('apps/svc-debug/Dockerfile')?.config).toMatchObject({
      user: { value: 'app', file: 'platform/base/Dockerfile', line: 5 },
      files: ['apps/svc-debug/Dockerfile', 'apps/svc/Dockerfile', 'platform/base/Dockerfile'],
    });
    expect(info('apps/worker/Dockerfile')?.config?.user).toMatchObject({ value: 'app', file: 'platform/base/Dockerfile' });
    expect(findings(info('apps/worker/Dockerfile'), 'SS-DF-003')).toEqual([]);
  });

  it("reports root when the parent ends on USER root and the child does not switch, and the child's own USER root", () => {
    expect(findings(info('apps/job/Dockerfile'), 'SS-DF-003')).toEqual([
      '1: the final stage sets no USER and its parent image registry.example.com/platform/rootbase:1 runs as `root` (USER at platform/rootbase/Dockerfile:4)',
    ]);
    expect(findings(info('apps/admin/Dockerfile'), 'SS-DF-003')).toEqual(['2: the last USER of the final stage is `root`']);
  });

  it('leaves a Dockerfile on a public parent as it was read', () => {
    const legacy = build.dockerfiles.find((d) => d.file === 'apps/legacy/Dockerfile');
    expect(info('apps/legacy/Dockerfile')).toBe(legacy);
    expect(findings(legacy, 'SS-DF-003')).toEqual(['1: the final stage sets no USER: the container runs as root unless the base image sets a user']);
    // the base image itself: its parent is public too
    expect(info('platform/base/Dockerfile')).toBe(build.dockerfiles.find((d) => d.file === 'platform/base/Dockerfile'));
  });

  it('does not pick a parent when two Dockerfiles build the image, nor loop on a cycle', () => {
    const at = (file: string) => ({ file, line: 1, step: undefined });
    const files: Record<string, string> = {
      'a/Dockerfile': 'FROM registry.example.com/b:1\nUSER 1000\n',
      'b/Dockerfile': 'FROM registry.example.com/a:1\n',
      'c/Dockerfile': 'FROM registry.example.com/shared:1\n',
      'd/Dockerfile': 'FROM debian:12\nUSER 1000\n',
      'e/Dockerfile': 'FROM debian:12\nUSER 2000\n',
    };
    const builds: Record<string, string> = {
      a: 'registry.example.com/a:1',
      b: 'registry.example.com/b:1',
      c: 'registry.example.com/c:1',
      d: 'registry.example.com/shared:1',
      e: 'registry.example.com/shared:2',
    };
    const dockerfiles = Object.entries(files).map(([file, text]) => readDockerfile(file, text, path.dirname(file)));
    const pipelines = Object.entries(builds).map(([dir, tag]) =>
      pipeline('jenkins', `${dir}/Jenkinsfile`, dir, [buildStep(0, at(`${dir}/Jenkinsfile`), 'Dockerfile', '.', [ciValue(tag)], false)]),
    );
    const sources = new Map(Object.entries(files).map(([file, text]) => [file, { text, hasDockerignore: false }]));
    const result = withInheritedConfig({ sources: ['.'], repositories: Object.keys(builds), pipelines, dockerfiles }, sources);
    expect(result).toEqual(dockerfiles);
  });
});

describe('collectEstate reads Dockerfiles through their estate parents', () => {
  it("on disk: a service built FROM the base another pipeline builds runs as the base's user", async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'shipshape-inherit-'));
    try {
      const put = async (name: string, text: string): Promise<void> => {
        await mkdir(path.dirname(path.join(root, name)), { recursive: true });
        await writeFile(path.join(root, name), text);
      };
      const jenkinsfile = (tag: string): string =>
        `pipeline {\n  agent any\n  stages {\n    stage('Build') {\n      steps {\n        sh 'docker build -t ${tag} .'\n      }\n    }\n  }\n}\n`;
      await put('base/.git/HEAD', 'ref: refs/heads/main\n');
      await put('base/Dockerfile', 'FROM debian:bookworm\nRUN useradd app\nUSER app\n');
      await put('base/Jenkinsfile', jenkinsfile('registry.example.com/base:1'));
      await put('api/.git/HEAD', 'ref: refs/heads/main\n');
      await put('api/Dockerfile', 'FROM registry.example.com/base:1\nCMD ["/api"]\n');
      await put('api/Jenkinsfile', jenkinsfile('registry.example.com/api:1'));
      const evidence = await collectEstate({ sources: [root], registryReports: [], manifests: [] });
      const api = evidence.build.dockerfiles.find((d) => d.file === 'api/Dockerfile');
      expect(api?.config?.user).toEqual({ kind: 'set', value: 'app', file: 'base/Dockerfile', line: 3 });
      expect(findings(api, 'SS-DF-003')).toEqual([]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('the example estate: the services built FROM platform/base are read through its Dockerfile', async () => {
    const repos = fileURLToPath(new URL('../../examples/estate/repos', import.meta.url));
    const evidence = await collectEstate({ sources: [repos], registryReports: [], manifests: [] });
    const info = (file: string): DockerfileInfo | undefined => evidence.build.dockerfiles.find((d) => d.file === file);
    // payments-api's final stage is FROM platform/base@sha256:…, inventory-service's FROM platform/base:latest
    for (const file of ['payments-api/Dockerfile', 'inventory-service/Dockerfile'])
      expect(info(file)?.config?.files).toEqual([file, 'platform-base/Dockerfile']);
    expect(findings(info('inventory-service/Dockerfile'), 'SS-DF-023')).toEqual([
      '2: no HEALTHCHECK in the final stage or its estate parent (platform-base/Dockerfile); the base image debian:bullseye-slim (not read) may define one',
    ]);
    // the base creates `app` but does not switch to it: the services' own USER lines decide
    expect(info('inventory-service/Dockerfile')?.config?.user).toMatchObject({ value: 'app', file: 'inventory-service/Dockerfile', line: 21 });
    expect(findings(info('platform-base/Dockerfile'), 'SS-DF-003')).toEqual([
      '3: the final stage sets no USER: the container runs as root unless the base image sets a user',
    ]);
    expect(info('web-frontend/Dockerfile')?.config?.files).toEqual(['web-frontend/Dockerfile']);
  });
});
