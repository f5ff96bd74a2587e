import { isPlaceholder, maskSecret } from '../../../secrets/mask.js';
import type { ComposeRule, ComposeRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { isInterpolated, scalarText } from '../fields.js';
import { isRecord } from '../../../core/records.js';

/** Variable names that hold credentials. `PWD` (the working directory) is deliberately absent. */
const secretName = /PASSWORD|PASSWD|(?:^|_)PASS(?:_|$)|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|AUTH_?KEY|CREDENTIAL/i;

const meta: ComposeRuleMeta = {
  id: 'SS-CMP-014',
  title: 'Secret written in environment',
  severity: 'HIGH',
  rationale: 'A literal credential in a compose file is committed with it, and ends up in `docker inspect`, process environments and logs.',
  remediation:
    'Use compose `secrets:` (mounted as files; many images read `*_FILE` variables), or interpolate from the deployment environment (`${DB_PASSWORD}`) or an untracked `env_file`. Rotate the exposed value.',
  references: ['CIS Docker Benchmark v1.6.0 4.10', 'https://docs.docker.com/compose/how-tos/use-secrets/'],
  cis: '4.10',
};

/** SS-CMP-014: a credential-named variable with a literal value, in list or map `environment` syntax. The value is masked. */
export const environmentSecrets: ComposeRule = {
  meta,
  examples: {
    bad: [
      'services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: hunter2hunter2\n',
      'services:\n  api:\n    image: acme/api:1\n    environment:\n      - GITHUB_TOKEN=ghp_abcdefghijklmnop\n',
    ],
    good: [
      'services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n      POSTGRES_PASSWORD_FILE: /run/secrets/db\n',
      'services:\n  api:\n    image: acme/api:1\n    environment:\n      - API_KEY\n      - LOG_LEVEL=debug\n      - PWD=/srv\n',
    ],
  },
  check(service, file) {
    return entriesOf(service.raw.environment).flatMap(({ key, name, value }) => {
      if (value === undefined || !secretName.test(name) || /_FILE$/i.test(name)) return [];
      if (isInterpolated(value) || isPlaceholder(value)) return [];
      return [findingAt(meta, service, file, ['environment', key], `${name} has a literal value (${maskSecret(value)})`)];
    });
  },
};

interface EnvEntry {
  /** The key of the entry in the YAML: the variable name (map syntax) or the list index. */
  key: string | number;
  name: string;
  /** Undefined when the variable is passed through from the host (`- NAME`, `NAME:` with no value). */
  value: string | undefined;
}

function entriesOf(environment: unknown): EnvEntry[] {
  if (isRecord(environment)) {
    return Object.entries(environment).map(([name, value]) => ({ key: name, name, value: scalarText(value) }));
  }
  if (!Array.isArray(environment)) return [];
  return environment.flatMap((entry: unknown, index): EnvEntry[] => {
    const text = scalarText(entry);
    if (text === undefined) return [];
    const eq = text.indexOf('=');
    return [{ key: index, name: (eq < 0 ? text : text.slice(0, eq)).trim(), value: eq < 0 ? undefined : text.slice(eq + 1) }];
  });
}
