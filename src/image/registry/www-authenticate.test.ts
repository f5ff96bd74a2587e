import { describe, expect, it } from 'vitest';
import { parseWwwAuthenticate } from './www-authenticate.js';

describe('parseWwwAuthenticate', () => {
  it('reads a Docker Hub bearer challenge', () => {
    const header = 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"';
    expect(parseWwwAuthenticate(header)).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/alpine:pull',
        },
      },
    ]);
  });

  it('keeps commas and escaped quotes inside quoted strings', () => {
    const header = 'Bearer realm="https://a/token",scope="repository:x:pull,push",error="say \\"hi\\""';
    expect(parseWwwAuthenticate(header)[0]?.params).toEqual({
      realm: 'https://a/token',
      scope: 'repository:x:pull,push',
      error: 'say "hi"',
    });
  });

  it('splits several challenges in one value, with spaces and mixed case', () => {
    const header = 'Basic realm="basic-realm", BEARER Realm = "https://t/token" , service=reg, Negotiate';
    expect(parseWwwAuthenticate(header)).toEqual([
      { scheme: 'basic', params: { realm: 'basic-realm' } },
      { scheme: 'bearer', params: { realm: 'https://t/token', service: 'reg' } },
      { scheme: 'negotiate', params: {} },
    ]);
  });

  it('reads repeated header lines and token68 challenges', () => {
    expect(parseWwwAuthenticate(['Negotiate abc+/=', 'Basic realm=r'])).toEqual([
      { scheme: 'negotiate', params: {}, token68: 'abc+/=' },
      { scheme: 'basic', params: { realm: 'r' } },
    ]);
  });

  it('tolerates missing, empty and malformed values', () => {
    expect(parseWwwAuthenticate(undefined)).toEqual([]);
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(parseWwwAuthenticate('Bearer realm="unterminated')).toEqual([{ scheme: 'bearer', params: { realm: 'unterminated' } }]);
    expect(parseWwwAuthenticate('"junk" Basic realm="x"')).toEqual([
      { scheme: 'junk', params: {} },
      { scheme: 'basic', params: { realm: 'x' } },
    ]);
  });
});
