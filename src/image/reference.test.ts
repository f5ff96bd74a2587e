import { describe, expect, it } from 'vitest';
import { UsageError } from '../core/errors.js';
import { formatReference, parseReference, registryEndpoint, type ImageReference } from './reference.js';

const sha = `sha256:${'a'.repeat(64)}`;

describe('parseReference', () => {
  const cases: [string, ImageReference][] = [
    ['alpine', { registry: 'docker.io', repository: 'library/alpine', tag: 'latest', digest: undefined }],
    ['alpine:3.20', { registry: 'docker.io', repository: 'library/alpine', tag: '3.20', digest: undefined }],
    ['team/app:1.2', { registry: 'docker.io', repository: 'team/app', tag: '1.2', digest: undefined }],
    ['docker.io/alpine', { registry: 'docker.io', repository: 'library/alpine', tag: 'latest', digest: undefined }],
    ['index.docker.io/team/app', { registry: 'docker.io', repository: 'team/app', tag: 'latest', digest: undefined }],
    ['registry.example:5000/team/app:1.2', { registry: 'registry.example:5000', repository: 'team/app', tag: '1.2', digest: undefined }],
    ['localhost/app', { registry: 'localhost', repository: 'app', tag: 'latest', digest: undefined }],
    ['localhost:5000/a/b/c', { registry: 'localhost:5000', repository: 'a/b/c', tag: 'latest', digest: undefined }],
    [`127.0.0.1:5000/app@${sha}`, { registry: '127.0.0.1:5000', repository: 'app', tag: undefined, digest: sha }],
    [`app:v1@${sha}`, { registry: 'docker.io', repository: 'library/app', tag: 'v1', digest: sha }],
    ['[::1]:5000/app:x', { registry: '[::1]:5000', repository: 'app', tag: 'x', digest: undefined }],
    ['ghcr.io/o-r_g/a__b.c--d:Tag_1.x-y', { registry: 'ghcr.io', repository: 'o-r_g/a__b.c--d', tag: 'Tag_1.x-y', digest: undefined }],
    // A colon without a slash is a tag: docker reads `localhost:5000` the same way.
    ['localhost:5000', { registry: 'docker.io', repository: 'library/localhost', tag: '5000', digest: undefined }],
    // An upper-case first component can only be a host.
    ['Registry/app', { registry: 'Registry', repository: 'app', tag: 'latest', digest: undefined }],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(parseReference(text)).toEqual(expected);
  });

  const invalid: [string, RegExp][] = [
    ['', /empty/],
    ['Alpine', /must be lowercase/],
    ['team/App', /must be lowercase/],
    ['a'.repeat(64), /image ID/],
    ['app:', /tag ""/],
    ['app:-x', /tag/],
    [`app:${'t'.repeat(129)}`, /tag/],
    ['app@sha256:xyz', /not a digest/],
    [`app@md5:${'a'.repeat(32)}`, /sha256 or sha512/],
    [`app@sha256:${'A'.repeat(64)}`, /lowercase/],
    ['team//app', /path components/],
    ['team/app_', /path components/],
    ['-bad.host/app', /registry/],
    ['host:port/app', /registry/],
    [`x.io/${'a'.repeat(260)}`, /longer than 255/],
    ['app:1:2', /tag/],
    [`app@${sha}@${sha}`, /not a digest/],
  ];
  it.each(invalid)('refuses %j', (text, message) => {
    expect(() => parseReference(text)).toThrow(UsageError);
    expect(() => parseReference(text)).toThrow(message);
  });
});

describe('formatReference', () => {
  it('writes the canonical form', () => {
    expect(formatReference(parseReference('alpine'))).toBe('docker.io/library/alpine:latest');
    expect(formatReference(parseReference(`host:5000/a/b@${sha}`))).toBe(`host:5000/a/b@${sha}`);
    expect(formatReference(parseReference(`a:1@${sha}`))).toBe(`docker.io/library/a:1@${sha}`);
  });
});

describe('registryEndpoint', () => {
  it('maps Docker Hub to its API host only', () => {
    expect(registryEndpoint('docker.io')).toBe('registry-1.docker.io');
    expect(registryEndpoint('ghcr.io')).toBe('ghcr.io');
    expect(registryEndpoint('127.0.0.1:5000')).toBe('127.0.0.1:5000');
  });
});
