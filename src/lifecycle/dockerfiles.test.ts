import { describe, expect, it } from 'vitest';
import { isDockerfileName, readDockerfile } from './dockerfiles.js';

describe('isDockerfileName', () => {
  it('knows the names docker build and buildah pick up, and not their ignore files', () => {
    const yes = ['Dockerfile', 'dockerfile', 'Dockerfile.prod', 'api.Dockerfile', 'Containerfile', 'Containerfile.dev', 'base.containerfile'];
    const no = ['Dockerfile.dockerignore', '.dockerignore', 'Dockerfiles', 'README.md', 'docker-compose.yml', '.Dockerfile', 'Jenkinsfile'];
    expect(yes.filter(isDockerfileName)).toEqual(yes);
    expect(no.filter(isDockerfileName)).toEqual([]);
  });
});

describe('readDockerfile', () => {
  const text = [
    'ARG BASE=alpine',
    'ARG REGISTRY',
    'ARG GO=1.22',
    'FROM --platform=$BUILDPLATFORM golang:${GO} AS build',
    'RUN go build ./...',
    'FROM ${REGISTRY}/tools:1 as tools',
    'FROM build AS test',
    'RUN go test ./...',
    'FROM ${BASE:-debian}:3.19',
    'COPY --from=build /out /app',
    'USER 1000',
  ].join('\n');

  it('resolves FROMs through the global ARG defaults and names what stays unknown', () => {
    const info = readDockerfile('apps/api/Dockerfile', text, 'apps/api');
    expect(info.froms).toEqual([
      { line: 4, raw: 'golang:${GO}', resolved: 'golang:1.22', unknowns: [], stageName: 'build', stageRef: undefined, platform: '$BUILDPLATFORM' },
      {
        line: 6,
        raw: '${REGISTRY}/tools:1',
        resolved: '${REGISTRY}/tools:1',
        unknowns: ['REGISTRY'],
        stageName: 'tools',
        stageRef: undefined,
        platform: undefined,
      },
      { line: 7, raw: 'build', resolved: 'build', unknowns: [], stageName: 'test', stageRef: 'build', platform: undefined },
      { line: 9, raw: '${BASE:-debian}:3.19', resolved: 'alpine:3.19', unknowns: [], stageName: undefined, stageRef: undefined, platform: undefined },
    ]);
    expect(info.finalChain).toEqual([3]);
    expect(info.repository).toBe('apps/api');
  });

  it('follows the final stage back through stage references', () => {
    const info = readDockerfile('Dockerfile', 'FROM node:20 AS deps\nRUN npm ci\nFROM deps AS build\nRUN npm run build\nFROM build\nCMD ["node"]\n', '.');
    expect(info.finalChain).toEqual([2, 1, 0]);
    expect(info.froms.map((f) => f.stageRef)).toEqual([undefined, 'deps', 'build']);
  });

  it('carries the dockerfile lint findings with the file name', () => {
    const info = readDockerfile('svc/Dockerfile', 'FROM ubuntu\nRUN apt-get install curl\n', 'svc');
    expect(info.findings.length).toBeGreaterThan(0);
    expect(new Set(info.findings.map((f) => f.location.file))).toEqual(new Set(['svc/Dockerfile']));
    expect(info.findings.map((f) => f.ruleId)).toContain('SS-DF-001');
  });
});
