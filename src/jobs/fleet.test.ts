import { describe, expect, it } from 'vitest';
import { redisConnection } from './fleet.js';

describe('--redis', () => {
  it('takes redis:// and rediss:// URLs; commands wait for a reconnect rather than fail', () => {
    expect(redisConnection('redis://127.0.0.1:6379')).toEqual({ url: 'redis://127.0.0.1:6379', maxRetriesPerRequest: null, enableOfflineQueue: true });
    expect(redisConnection('rediss://user:secret@redis.internal:6380/2')).toMatchObject({ url: 'rediss://user:secret@redis.internal:6380/2' });
  });

  it('refuses anything else as a usage error', () => {
    expect(() => redisConnection('127.0.0.1:6379')).toThrow(/--redis .* is not a URL|use redis:\/\//);
    expect(() => redisConnection('http://redis:6379')).toThrow(/use redis:\/\/ or rediss:\/\//);
  });
});
