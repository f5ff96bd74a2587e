import { describe, expect, it } from 'vitest';
import { imageKey, variablesIn } from './references.js';

const key = (text: string) => {
  const k = imageKey(text);
  return k.ok ? [k.key, k.tag, k.digest, k.tagVariables] : ['unresolved', k.variables];
};

describe('imageKey', () => {
  it('normalises like docker pull: Docker Hub default, library/ for official images, index.docker.io, host case, ports', () => {
    const digest = `sha256:${'0'.repeat(64)}`;
    expect(key('nginx')).toEqual(['docker.io/library/nginx', 'latest', undefined, []]);
    expect(key('nginx:1.27')).toEqual(['docker.io/library/nginx', '1.27', undefined, []]);
    expect(key('bitnami/redis:7')).toEqual(['docker.io/bitnami/redis', '7', undefined, []]);
    expect(key('index.docker.io/library/nginx')).toEqual(['docker.io/library/nginx', 'latest', undefined, []]);
    expect(key('docker.io/nginx')).toEqual(['docker.io/library/nginx', 'latest', undefined, []]);
    expect(key('Registry.Example.COM:5000/team/api:1.2')).toEqual(['registry.example.com:5000/team/api', '1.2', undefined, []]);
    expect(key(`localhost:5000/app@${digest}`)).toEqual(['localhost:5000/app', undefined, digest, []]);
    expect(key(`ghcr.io/o/app:1@${digest}`)).toEqual(['ghcr.io/o/app', '1', digest, []]);
  });

  it('a variable in the name never matches; a variable in the tag keeps the repository and drops the tag', () => {
    expect(key('${REGISTRY}/team/api:1')).toEqual(['unresolved', ['REGISTRY']]);
    expect(key('registry.example.com/$TEAM/api')).toEqual(['unresolved', ['TEAM']]);
    expect(key('{{ .Values.image }}')).toEqual(['unresolved', ['.Values.image']]);
    expect(key('%docker.registry%/api:%build.number%')).toEqual(['unresolved', ['docker.registry']]);
    expect(key('registry.example.com/team/api:${BUILD_NUMBER}')).toEqual(['registry.example.com/team/api', undefined, undefined, ['BUILD_NUMBER']]);
    expect(key('registry.example.com:5000/team/api:${{ github.sha }}')).toEqual(['registry.example.com:5000/team/api', undefined, undefined, ['github.sha']]);
    expect(key('registry.example.com/team/api:$(Build.BuildId)')).toEqual(['registry.example.com/team/api', undefined, undefined, ['Build.BuildId']]);
  });

  it('says why a reference is not one', () => {
    const k = imageKey('Team/API');
    expect(k.ok).toBe(false);
    expect(k.ok ? '' : k.reason).toMatch(/must be lowercase/);
    expect(imageKey('').ok).toBe(false);
  });
});

describe('variablesIn', () => {
  it('lists each variable once, in order', () => {
    expect(variablesIn('${A}/$B:${C:-x}-$A-$(D)-%E.f%-${{ env.G }}')).toEqual(['A', 'B', 'C', 'D', 'E.f', 'env.G']);
    expect(variablesIn('registry.example.com/a:1')).toEqual([]);
  });
});
