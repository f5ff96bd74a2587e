import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeContent } from '../../../test-support/analyze.js';
import { commandMissing, fileMissing, skipWhen } from '../../../test-support/skip.js';
import { buildElf } from '../elf/test-elf.js';
import { cargoAuditableAnalyzer } from './index.js';

/** What cargo-auditable embeds for a binary `hello` using two crates and a proc macro. */
const auditJson = {
  packages: [
    { name: 'itoa', version: '1.0.11', source: 'crates.io' },
    { name: 'proc-macro2', version: '1.0.86', source: 'crates.io', kind: 'build' },
    { name: 'serde', version: '1.0.204', source: 'crates.io', dependencies: [1] },
    { name: 'hello', version: '0.1.0', source: 'local', dependencies: [0, 2], root: true },
  ],
};
const expected = [
  { type: 'cargo', name: 'itoa', version: '1.0.11', properties: { source: 'crates.io' } },
  { type: 'cargo', name: 'serde', version: '1.0.204', properties: { source: 'crates.io' } },
  { type: 'cargo', name: 'hello', version: '0.1.0', properties: { source: 'local', root: 'true' } },
];

describe('cargoAuditableAnalyzer', () => {
  it('wants executable regular files with ELF content', () => {
    const entry = { path: '/usr/bin/hello', type: 'file' as const, size: 1, mode: 0o755, uid: 0, gid: 0 };
    expect(cargoAuditableAnalyzer.required('/usr/bin/hello', entry)).toBe(true);
    expect(cargoAuditableAnalyzer.required('/usr/lib/libx.so', { ...entry, mode: 0o644 })).toBe(false);
    expect(analyzeContent(cargoAuditableAnalyzer, '/usr/bin/hello', 'MZ', 0o755)).toBeUndefined();
  });

  it('reads the runtime crates of the .dep-v0 section, leaving build-only ones out', () => {
    const elf = buildElf({
      sections: [
        { name: '.text', data: Buffer.alloc(16), addr: 0x1000 },
        { name: '.dep-v0', data: deflateSync(JSON.stringify(auditJson)) },
      ],
    });
    expect(analyzeContent(cargoAuditableAnalyzer, '/usr/bin/hello', elf, 0o755)).toEqual({ packages: expected });
  });

  it('gives nothing for binaries without the section, or without section headers', () => {
    expect(analyzeContent(cargoAuditableAnalyzer, '/bin/x', buildElf({ sections: [{ name: '.text', data: Buffer.alloc(16) }] }), 0o755)).toEqual({});
    const stripped = buildElf({ noSectionHeaders: true, sections: [{ name: '.dep-v0', data: deflateSync('{}') }] });
    expect(analyzeContent(cargoAuditableAnalyzer, '/bin/x', stripped, 0o755)).toEqual({});
    expect(analyzeContent(cargoAuditableAnalyzer, '/bin/x', Buffer.from('\x7fELF\x09'), 0o755)).toEqual({});
  });

  it('reports at most 20 000 crates', () => {
    const packages = Array.from({ length: 20_003 }, (_, i) => ({ name: `c${i}`, version: '1.0.0', source: 'crates.io' }));
    const elf = buildElf({ sections: [{ name: '.dep-v0', data: deflateSync(JSON.stringify({ packages })) }] });
    const out = analyzeContent(cargoAuditableAnalyzer, '/bin/x', elf, 0o755);
    expect(out?.packages).toHaveLength(20_000);
    expect(out?.notes).toEqual(['cargo-auditable data lists 20003 crates: only the first 20000 are reported']);
  });

  it('notes a damaged section', () => {
    const elf = buildElf({ sections: [{ name: '.dep-v0', data: Buffer.from('not zlib') }] });
    expect(analyzeContent(cargoAuditableAnalyzer, '/bin/x', elf, 0o755)).toEqual({ packages: [], notes: ['cargo-auditable data is not valid zlib data'] });
    const shoff = Number(elf.readBigUInt64LE(40));
    elf.writeBigUInt64LE(BigInt(elf.length), shoff + 64 + 24); // section 1's offset: past the end
    expect(analyzeContent(cargoAuditableAnalyzer, '/bin/x', elf, 0o755)).toEqual({ notes: ['section .dep-v0 lies outside the file'] });
  });
});

// cargo-auditable itself cannot be installed here (no crates.io): real binaries get the section
// the way it adds it, with objcopy.
describe('cargoAuditableAnalyzer on real binaries given a .dep-v0 section by objcopy', skipWhen(commandMissing('objcopy', 'binutils')), () => {
  let dir: string;
  const addSection = (input: string, output: string): Buffer => {
    const result = spawnSync(
      'objcopy',
      ['--add-section', `.dep-v0=${path.join(dir, 'dep.z')}`, '--set-section-flags', '.dep-v0=noload,readonly', input, output],
      { encoding: 'utf8' },
    );
    if (result.status !== 0) throw new Error(`objcopy: ${result.stderr}`);
    return readFileSync(output);
  };

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'shipshape-cargo-'));
    writeFileSync(path.join(dir, 'dep.z'), deflateSync(JSON.stringify(auditJson)));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a C binary (/bin/true)', skipWhen(fileMissing('/bin/true', 'a C binary')), () => {
    copyFileSync('/bin/true', path.join(dir, 'true'));
    const binary = addSection(path.join(dir, 'true'), path.join(dir, 'true-audited'));
    expect(analyzeContent(cargoAuditableAnalyzer, '/usr/bin/true', binary, 0o755)).toEqual({ packages: expected });
    expect(analyzeContent(cargoAuditableAnalyzer, '/usr/bin/true', readFileSync('/bin/true'), 0o755)).toEqual({});
  });

  it('a Rust binary built by rustc', skipWhen(commandMissing('rustc')), () => {
    writeFileSync(path.join(dir, 'hello.rs'), 'fn main() { println!("hello"); }\n');
    const build = spawnSync('rustc', ['-O', '-o', path.join(dir, 'hello'), path.join(dir, 'hello.rs')], { encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`rustc: ${build.stderr}`);
    const binary = addSection(path.join(dir, 'hello'), path.join(dir, 'hello-audited'));
    expect(spawnSync(path.join(dir, 'hello-audited'), { encoding: 'utf8' }).stdout).toBe('hello\n'); // still runs
    expect(analyzeContent(cargoAuditableAnalyzer, '/usr/local/bin/hello', binary, 0o755)).toEqual({ packages: expected });
  });
});
