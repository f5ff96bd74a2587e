import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../core/errors.js';
import { defaultSecretConfig, loadSecretConfig, parseSecretConfig } from './config.js';

const dir = mkdtempSync(path.join(tmpdir(), 'shipshape-secret-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string): string => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('secret config', () => {
  it('defaults every field', () => {
    expect(parseSecretConfig({})).toEqual(defaultSecretConfig);
  });

  it('loads a JSON file and compiles its expressions', async () => {
    const config = await loadSecretConfig(
      write('ok.json', JSON.stringify({ disable: ['SS-SEC-012'], allowPaths: ['^/app/test/'], allowValues: ['EXAMPLE'], maxFileBytes: 1024 })),
    );
    expect(config.disable).toEqual(['SS-SEC-012']);
    expect(config.allowPaths[0]?.test('/app/test/x')).toBe(true);
    expect(config.allowValues[0]?.test('AKIAIOSFODNN7EXAMPLE')).toBe(true);
    expect(config.maxFileBytes).toBe(1024);
  });

  it.each([
    [{ disable: ['SS-SEC-999'] }, /disable: no secret rule SS-SEC-999/],
    [{ disable: ['aws'] }, /disable\.0: a rule id like SS-SEC-012/],
    [{ allowPaths: ['('] }, /allowPaths\.0: Invalid regular expression/],
    [{ maxFileBytes: -1 }, /maxFileBytes/],
    [{ allowValue: [] }, /allowValue/],
    [[], /\(root\)/],
  ])('rejects %j with a message naming the problem', (value, message) => {
    expect(() => parseSecretConfig(value)).toThrow(message);
    expect(() => parseSecretConfig(value)).toThrow(UsageError);
  });

  it('says when the file is not JSON or not there', async () => {
    await expect(loadSecretConfig(write('bad.json', 'disable: [SS-SEC-012]'))).rejects.toThrow(/is not valid JSON/);
    await expect(loadSecretConfig(path.join(dir, 'missing.json'))).rejects.toThrow(/cannot read the secret config/);
  });
});
