import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';

// name words that mark a credential; `KEY` only with a qualifier, so GPG_KEY/KEY_ID-style names pass
const secretWords =
  /(^|_)(PASSWORD|PASSWD|PWD|PASS|PASSPHRASE|SECRET|SECRETS|TOKEN|CREDENTIALS?|API_?KEY|APIKEY|PRIVATE_?KEY|ACCESS_?KEY|SECRET_?KEY|SIGNING_?KEY|ENCRYPTION_?KEY|CLIENT_?SECRET|AUTH)(_|$)/;
const harmless = /(^|_)(PUBLIC|GPG|PGP|FILE|PATH|DIR|URL|ID|HOST|PORT|USER|USERNAME|NAME|TYPE|LENGTH|EXPIRY|TTL)$|PUBLIC|_FILE_|^PWD$/;

const valuePatterns: [RegExp, string][] = [
  [/\bAKIA[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/\bgh[pousr]_[A-Za-z0-9]{36,}\b/, 'a GitHub token'],
  [/\bgithub_pat_[A-Za-z0-9_]{22,}/, 'a GitHub token'],
  [/\bglpat-[A-Za-z0-9_-]{20,}/, 'a GitLab token'],
  [/\bxox[baprs]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/\b[sr]k_live_[A-Za-z0-9]{20,}/, 'a Stripe key'],
  [/\bAIza[0-9A-Za-z_-]{35}\b/, 'a Google API key'],
  [/\bnpm_[A-Za-z0-9]{36}\b/, 'an npm token'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
  [/\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+/, 'a JWT'],
  [/[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@$]+@/i, 'a URL with a password'],
];

/** What in the value looks like a credential, if anything. */
function secretValue(value: string): string | undefined {
  return valuePatterns.find(([pattern]) => pattern.test(value))?.[1];
}

/** Shows only enough of a value to recognise it. */
function mask(value: string): string {
  return value.length <= 4 ? '****' : `${value.slice(0, 4)}****`;
}

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-020',
  title: 'Secret in ARG or ENV',
  severity: 'HIGH',
  rationale: 'ENV values are stored in the image configuration and ARG values in its build history: anyone who can pull the image can read them.',
  remediation:
    'Pass secrets with BuildKit secret mounts (`RUN --mount=type=secret,id=token …`) and at run time through the orchestrator’s secret store, never ARG/ENV.',
  references: ['CIS Docker Benchmark 4.10', 'hadolint DL3064', 'BuildKit SecretsUsedInArgOrEnv'],
  hadolint: 'DL3064',
  cis: '4.10',
};

/** SS-DF-020: credentials in ARG/ENV are stored in the image config or build history (hadolint DL3064, CIS 4.10). */
export const secretsInArgEnv: DockerfileRule = {
  meta,
  examples: {
    bad: [
      'FROM alpine:3\nENV DB_PASSWORD=hunter2\n',
      'FROM alpine:3\nARG NPM_TOKEN\n',
      'FROM alpine:3\nENV AWS_KEY_VALUE=AKIAIOSFODNN7EXAMPLE\n',
      'FROM alpine:3\nENV DATABASE_URL=postgres://app:s3cret@db:5432/app\n',
      'ARG API_KEY=abc\nFROM alpine:3\n',
    ],
    good: [
      'FROM alpine:3\nENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D\n',
      'FROM alpine:3\nENV PASSWORD_FILE=/run/secrets/db\n',
      'FROM alpine:3\nENV DATABASE_URL=postgres://db:5432/app\n',
      'FROM alpine:3\nENV TOKEN_TTL=3600\n',
    ],
  },
  check(dockerfile) {
    return dockerfile.instructions
      .filter((i) => i.keyword === 'ARG' || i.keyword === 'ENV')
      .flatMap((i) =>
        i.properties.flatMap((p) => {
          const name = p.name.toUpperCase().replace(/-/g, '_');
          const value = p.resolved ?? p.value ?? '';
          const kind = secretValue(value);
          if (kind) return [findingAt(meta, dockerfile, i, `${i.keyword} ${p.name} holds what looks like ${kind} (${mask(value)})`)];
          if (!secretWords.test(name) || harmless.test(name)) return [];
          // an empty ENV value stores nothing; an ARG is a secret channel whatever its default
          if (i.keyword === 'ENV' && value === '') return [];
          const shown = value === '' ? 'no default' : `value ${mask(value)}`;
          return [findingAt(meta, dockerfile, i, `${i.keyword} ${p.name} looks like a credential (${shown})`)];
        }),
      );
  },
};
