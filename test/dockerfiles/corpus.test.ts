import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lintDockerfile } from '../../src/buildtime/dockerfile/lint.js';
import { sharedAbsent, sharedPath } from '../../src/test-support/shared.js';
import { skipWhen } from '../../src/test-support/skip.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const goldenPath = path.join(here, 'golden.json');
const cases = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(path.join(here, d.name, 'Dockerfile')))
  .map((d) => d.name)
  .sort();

/** `RULE@line` for every finding of a case, in the linter's order. */
function lintCase(name: string): string[] {
  const dir = path.join(here, name);
  const content = readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
  const findings = lintDockerfile(content, { file: `${name}/Dockerfile`, hasDockerignore: existsSync(path.join(dir, '.dockerignore')) });
  return findings.map((f) => `${f.ruleId}@${f.location.startLine ?? 0}`);
}

describe('Dockerfile corpus (golden findings)', () => {
  const actual = Object.fromEntries(cases.map((name) => [name, lintCase(name)]));
  // UPDATE_GOLDEN=1 rewrites the golden file: review the diff before keeping it
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(goldenPath, `${JSON.stringify(actual, null, 2)}\n`);
  const golden = JSON.parse(readFileSync(goldenPath, 'utf8')) as Record<string, string[]>;

  it('has a golden entry for every case and no stale ones', () => {
    expect(Object.keys(golden).sort()).toEqual(cases);
  });

  it.each(cases)('%s matches its golden findings', (name) => {
    expect(actual[name]).toEqual(golden[name]);
  });
});

describe('bullseye-app recipe Dockerfile', skipWhen(sharedAbsent), () => {
  it('finds root user, ADD, missing HEALTHCHECK, ENV secret and unpinned apt packages', () => {
    const content = readFileSync(sharedPath('images', 'recipes', 'bullseye-app', 'Dockerfile'), 'utf8');
    const findings = lintDockerfile(content, { file: 'Dockerfile', hasDockerignore: false });
    const at = (ruleId: string) => findings.filter((f) => f.ruleId === ruleId).map((f) => f.location.startLine);
    expect(at('SS-DF-003')).toEqual([25]); // USER root
    expect(at('SS-DF-004')).toEqual([18]); // ADD secrets/credentials.txt
    expect(at('SS-DF-023')).toEqual([7]); // no HEALTHCHECK: reported on the final FROM
    expect(at('SS-DF-020')).toEqual([24]); // ENV DB_PASSWORD
    expect(at('SS-DF-006')).toEqual([10]); // curl openssl python3-yaml unpinned
    expect(findings.find((f) => f.ruleId === 'SS-DF-020')?.message).not.toContain('fake-db-password');
    // FROM ${BASE} without a default cannot be judged for tag or digest
    expect(at('SS-DF-001')).toEqual([]);
    expect(at('SS-DF-002')).toEqual([]);
  });
});
