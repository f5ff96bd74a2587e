import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { defaultLimits } from '../core/limits.js';
import type { FileEntry } from '../image/layer/entry.js';
import { scanLayer } from '../image/layer/scan.js';
import { makeTar } from '../test-support/image-builder.js';
import { defaultMaxFileBytes, isScannablePath, secretVisitor } from './visitor.js';

const token = `ghp_${'a1B2c3D4e5'.repeat(4).slice(0, 36)}`;
const file = (path: string, size: number): FileEntry => ({ path, type: 'file', size, mode: 0o644, uid: 0, gid: 0 });

describe('secretVisitor', () => {
  it('asks for regular files up to the size limit, outside documentation and binary formats', () => {
    const visitor = secretVisitor();
    expect(visitor.id).toBe('secrets');
    expect(visitor.version).toBe(1);
    expect(visitor.maxBytes).toBe(defaultMaxFileBytes);
    expect(visitor.required('/etc/app.conf', file('/etc/app.conf', 100))).toBe(true);
    expect(visitor.required('/etc/app.conf', file('/etc/app.conf', defaultMaxFileBytes + 1))).toBe(false);
    expect(visitor.required('/etc/app.conf', file('/etc/app.conf', 0))).toBe(false);
    expect(visitor.required('/etc/link', { ...file('/etc/link', 0), type: 'symlink' })).toBe(false);
    expect(secretVisitor({ maxFileBytes: 10 }).required('/a', file('/a', 11))).toBe(false);
  });

  it.each([
    '/usr/share/doc/curl/README',
    '/usr/share/locale/de/LC_MESSAGES/x.mo',
    '/usr/share/zoneinfo/Asia/Tokyo',
    '/proc/1/environ',
    '/app/logo.png',
    '/usr/lib/x86_64-linux-gnu/libssl.so.1.1',
  ])('skips %s by path', (path) => expect(isScannablePath(path)).toBe(false));

  it.each(['/etc/ssl/private/server.key', '/root/.git-credentials', '/app/.env', '/app/config.json', '/usr/bin/deploy.sh'])('reads %s', (path) =>
    expect(isScannablePath(path)).toBe(true),
  );

  it('skips binaries (a NUL byte in the first 8 KiB) and returns masked matches as plain JSON', () => {
    const visitor = secretVisitor();
    const analyze = (content: Buffer) => visitor.analyze({ path: '/app/x', entry: file('/app/x', content.length), content });
    expect(analyze(Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0]), Buffer.from(token)]))).toBeUndefined();
    // a NUL past the first 8 KiB does not make a text file binary
    expect(analyze(Buffer.concat([Buffer.from(`${token}\n`), Buffer.alloc(9000, 0x20), Buffer.from([0])]))).toBeDefined();
    const output = analyze(Buffer.from(`GITHUB_TOKEN=${token}\n`));
    expect(JSON.parse(JSON.stringify(output))).toEqual(output);
    expect(output).toEqual({ matches: [expect.objectContaining({ ruleId: 'SS-SEC-005', line: 1, column: 14, masked: 'ghp_****' })] });
    expect(analyze(Buffer.from('nothing here\n'))).toBeUndefined();
  });

  it('reads files while a layer streams, and leaves files over the limit unread', async () => {
    const tar = await makeTar([
      { name: 'app/', type: 'directory' },
      { name: 'app/.env', content: `GITHUB_TOKEN=${token}\n` },
      { name: 'app/big.env', content: `${' '.repeat(200)}\nGITHUB_TOKEN=${token}\n` },
      { name: 'usr/share/doc/x/README', content: `GITHUB_TOKEN=${token}\n` },
    ]);
    const scan = await scanLayer(Readable.from([tar]), { what: 'layer 0', limits: defaultLimits, visitors: [secretVisitor({ maxFileBytes: 100 })] });
    expect(scan.analyses.map((a) => [a.analyzer, a.path, a.error])).toEqual([['secrets', '/app/.env', undefined]]);
  });
});
