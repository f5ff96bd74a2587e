import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeAuditData } from './auditable.js';

const z = (value: unknown): Buffer => deflateSync(typeof value === 'string' ? value : JSON.stringify(value));

describe('decodeAuditData', () => {
  it('reads the packages cargo-auditable writes', () => {
    const data = {
      format: 1,
      packages: [
        { name: 'adler', version: '1.0.2', source: 'crates.io' },
        { name: 'proc-macro2', version: '1.0.86', source: 'crates.io', kind: 'build' },
        { name: 'internal', version: '0.3.0', source: { Other: 'my-registry' } },
        { name: 'hello', version: '0.1.0', source: 'local', dependencies: [0, 1, 2], root: true },
      ],
    };
    expect(decodeAuditData(z(data))).toEqual({
      packages: [
        { name: 'adler', version: '1.0.2', source: 'crates.io', kind: 'runtime', root: false },
        { name: 'proc-macro2', version: '1.0.86', source: 'crates.io', kind: 'build', root: false },
        { name: 'internal', version: '0.3.0', source: 'my-registry', kind: 'runtime', root: false },
        { name: 'hello', version: '0.1.0', source: 'local', kind: 'runtime', root: true },
      ],
      notes: [],
    });
  });

  it('skips packages without a name or version, with a note', () => {
    const data = { packages: [{ name: 'ok', version: '1.0.0', source: 'crates.io' }, { name: 'nover' }, 'junk', null, { version: '1' }] };
    expect(decodeAuditData(z(data))).toEqual({
      packages: [{ name: 'ok', version: '1.0.0', source: 'crates.io', kind: 'runtime', root: false }],
      notes: ['cargo-auditable data: 4 packages without a name and version skipped'],
    });
  });

  it('notes data that is not zlib, not JSON, or has no package list', () => {
    expect(decodeAuditData(Buffer.from('{"packages":[]}')).notes).toEqual(['cargo-auditable data is not valid zlib data']);
    expect(decodeAuditData(z('{"packages": [')).notes).toEqual(['cargo-auditable data is not valid JSON']);
    expect(decodeAuditData(z({ crates: [] })).notes).toEqual(['cargo-auditable data has no "packages" list']);
    expect(decodeAuditData(z([1, 2])).notes).toEqual(['cargo-auditable data has no "packages" list']);
  });

  it('stops inflating at 8 MiB (a zlib bomb)', () => {
    const bomb = deflateSync(Buffer.alloc(16 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(20_000);
    expect(decodeAuditData(bomb)).toEqual({ packages: [], notes: ['cargo-auditable data inflates past 8388608 bytes'] });
  });
});
