import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { UsageError, messageOf } from '../core/errors.js';
import { secretRule } from './registry.js';
import { defaultMaxFileBytes } from './visitor.js';

/** The `--secret-config` file as written: JSON. */
const secretConfigSchema = z
  .object({
    disable: z.array(z.string().regex(/^SS-SEC-\d{3}$/, 'a rule id like SS-SEC-012')).default([]),
    allowPaths: z.array(z.string()).default([]),
    allowValues: z.array(z.string()).default([]),
    maxFileBytes: z
      .number()
      .int()
      .positive()
      .max(1024 * 1024 * 1024)
      .default(defaultMaxFileBytes),
  })
  .strict();

/** A secret config, checked and with its regular expressions compiled. */
export interface SecretConfig {
  /** Rule ids not reported. */
  disable: string[];
  /** Image paths whose findings are not reported. */
  allowPaths: RegExp[];
  /** Secret values not reported (e.g. known test fixtures). */
  allowValues: RegExp[];
  /** Larger files are not read. */
  maxFileBytes: number;
}

/** The configuration used when no `--secret-config` is given. */
export const defaultSecretConfig: SecretConfig = { disable: [], allowPaths: [], allowValues: [], maxFileBytes: defaultMaxFileBytes };

/**
 * Checks a parsed secret config: known fields only, known rule ids, valid regular expressions.
 * Throws a UsageError naming `what` and every problem found.
 */
export function parseSecretConfig(value: unknown, what = 'secret config'): SecretConfig {
  const result = secretConfigSchema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new UsageError(`${what} is not valid: ${issues.join('; ')}`, {
      hint: 'expected {"disable": [ids], "allowPaths": [regex], "allowValues": [regex], "maxFileBytes": N}',
    });
  }
  const { disable, allowPaths, allowValues, maxFileBytes } = result.data;
  const problems: string[] = [];
  for (const id of disable) if (!secretRule(id)) problems.push(`disable: no secret rule ${id}`);
  const compile = (field: string, sources: string[]): RegExp[] =>
    sources.flatMap((source, i) => {
      try {
        return [new RegExp(source)];
      } catch (error) {
        problems.push(`${field}.${i}: ${messageOf(error)}`);
        return [];
      }
    });
  const config: SecretConfig = { disable, allowPaths: compile('allowPaths', allowPaths), allowValues: compile('allowValues', allowValues), maxFileBytes };
  if (problems.length > 0) throw new UsageError(`${what} is not valid: ${problems.join('; ')}`);
  return config;
}

/** Reads and checks a `--secret-config` JSON file. */
export async function loadSecretConfig(file: string): Promise<SecretConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the secret config ${file}: ${messageOf(error)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`the secret config ${file} is not valid JSON: ${messageOf(error)}`, { hint: 'only JSON is read (no YAML)' });
  }
  return parseSecretConfig(value, `the secret config ${file}`);
}
