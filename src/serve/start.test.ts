import { describe, expect, it } from 'vitest';
import { parseListen } from './start.js';

describe('--listen', () => {
  it('takes host:port, an IPv6 host in brackets, or a port alone on loopback', () => {
    expect(parseListen('0.0.0.0:8080')).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(parseListen('[::1]:9000')).toEqual({ host: '::1', port: 9000 });
    expect(parseListen(':8080')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseListen('8080')).toEqual({ host: '127.0.0.1', port: 8080 });
  });

  it('refuses anything else with a usage error', () => {
    for (const text of ['', 'host', 'host:', 'host:99999', 'a:b:80', 'host:80/x']) expect(() => parseListen(text), text).toThrow(/write host:port/);
  });
});
