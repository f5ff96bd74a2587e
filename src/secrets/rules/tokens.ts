import type { SecretRule } from '../types.js';
import { layerRationale, refs, rotateRemediation } from './common.js';

const tokenRemediation = `Revoke the token where it was issued. ${rotateRemediation}`;

/** Whether a JWT's first segment decodes to a JSON header with an `alg`: rules out look-alike base64. */
function isJwtHeader(_secret: string, match: RegExpExecArray): boolean {
  const header = match[0].slice(0, match[0].indexOf('.'));
  try {
    const parsed: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && 'alg' in parsed;
  } catch {
    return false;
  }
}

// fake, well-formed tokens for the examples, built so this file holds no scannable literal
const alnum = (n: number): string => 'aB3dE5gH7jK9mN1pQ2sT4vW6yZ8'.repeat(8).slice(0, n);

/** Tokens of code hosts, chat, payment and package services, and JWTs. */
export const tokenRules: SecretRule[] = [
  {
    meta: {
      id: 'SS-SEC-005',
      title: 'GitHub token',
      severity: 'HIGH',
      rationale: `GitHub personal access, OAuth, app and fine-grained tokens act on repositories and organisations as their owner. ${layerRationale}`,
      remediation: tokenRemediation,
      references: refs('https://docs.github.com/authentication/keeping-your-account-and-data-secure/about-authentication-to-github#githubs-token-formats'),
    },
    scope: 'content',
    keywords: ['ghp_', 'gho_', 'ghs_', 'ghu_', 'ghr_', 'github_pat_'],
    pattern: /(?<![A-Za-z0-9_])((?:ghp|gho|ghs|ghu|ghr)_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})(?![A-Za-z0-9_])/g,
    secretGroup: 1,
    examples: {
      bad: [`GITHUB_TOKEN=ghp_${alnum(36)}`, `token: gho_${alnum(36)}`, `github_pat_${alnum(22)}_${alnum(59)}`],
      good: ['ghp_short', `ghp_${alnum(35)}`, 'see https://github.com/settings/tokens'],
    },
  },
  {
    meta: {
      id: 'SS-SEC-006',
      title: 'GitLab personal access token',
      severity: 'HIGH',
      rationale: `A GitLab personal access token acts on projects and the API as its user. ${layerRationale}`,
      remediation: tokenRemediation,
      references: refs('https://docs.gitlab.com/ee/security/tokens/'),
    },
    scope: 'content',
    keywords: ['glpat-'],
    pattern: /(?<![A-Za-z0-9_-])(glpat-[A-Za-z0-9_-]{20,64})(?![A-Za-z0-9_-])/g,
    secretGroup: 1,
    examples: { bad: [`PRIVATE-TOKEN: glpat-${alnum(20)}`], good: ['glpat-xxxx', 'glpat-<token>'] },
  },
  {
    meta: {
      id: 'SS-SEC-007',
      title: 'Slack token',
      severity: 'HIGH',
      rationale: `Slack bot, user, app and refresh tokens read and post messages in a workspace. ${layerRationale}`,
      remediation: tokenRemediation,
      references: refs('https://api.slack.com/authentication/token-types'),
    },
    scope: 'content',
    keywords: ['xoxb-', 'xoxp-', 'xoxa-', 'xoxr-', 'xoxs-'],
    pattern: /(?<![A-Za-z0-9])(xox[bpars]-[0-9]{8,}-[0-9A-Za-z-]{8,250})/g,
    secretGroup: 1,
    examples: { bad: [`SLACK_BOT_TOKEN=xoxb-123456789012-1234567890123-${alnum(24)}`], good: ['xoxb-your-token-here', 'xoxb-'] },
  },
  {
    meta: {
      id: 'SS-SEC-008',
      title: 'Slack incoming webhook URL',
      severity: 'MEDIUM',
      rationale: `Anyone with an incoming webhook URL can post to its channel (phishing from a trusted source). ${layerRationale}`,
      remediation: `Regenerate the webhook in the Slack app settings. ${rotateRemediation}`,
      references: refs('https://api.slack.com/messaging/webhooks'),
    },
    scope: 'content',
    keywords: ['hooks.slack.com'],
    pattern: /(https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9]{8,}\/[A-Za-z0-9]{8,}\/[A-Za-z0-9]{16,})/g,
    secretGroup: 1,
    examples: {
      bad: [`url = "https://hooks.slack.com/services/T0123ABCD/B0123ABCD/${alnum(24)}"`],
      good: ['https://hooks.slack.com/services/T000/B000/XXXX', 'https://hooks.slack.com/'],
    },
  },
  {
    meta: {
      id: 'SS-SEC-009',
      title: 'Stripe live secret or restricted key',
      severity: 'CRITICAL',
      rationale: `A live Stripe secret (sk_live_) or restricted (rk_live_) key makes charges and refunds and reads customer data. ${layerRationale}`,
      remediation: `Roll the key in the Stripe dashboard. ${rotateRemediation}`,
      references: refs('https://docs.stripe.com/keys'),
    },
    scope: 'content',
    keywords: ['sk_live_', 'rk_live_'],
    pattern: /(?<![A-Za-z0-9_])((?:sk|rk)_live_[A-Za-z0-9]{20,247})(?![A-Za-z0-9_])/g,
    secretGroup: 1,
    examples: { bad: [`STRIPE_KEY=sk_live_${alnum(24)}`, `rk_live_${alnum(99)}`], good: [`sk_test_${alnum(24)}`, 'sk_live_xxx'] },
  },
  {
    meta: {
      id: 'SS-SEC-010',
      title: 'npm access token',
      severity: 'HIGH',
      rationale: `An npm access token publishes packages as its user (a supply-chain attack on every dependent). ${layerRationale}`,
      remediation: `Revoke it (npm token revoke) and use a granular, read-only token at build time through a build secret. ${rotateRemediation}`,
      references: refs('https://docs.npmjs.com/about-access-tokens'),
    },
    scope: 'content',
    keywords: ['npm_'],
    pattern: /(?<![A-Za-z0-9_])(npm_[A-Za-z0-9]{36})(?![A-Za-z0-9_])/g,
    secretGroup: 1,
    examples: { bad: [`//registry.npmjs.org/:_authToken=npm_${alnum(36)}`], good: ['npm_config_cache=/tmp', 'NPM_TOKEN=${NPM_TOKEN}'] },
  },
  {
    meta: {
      id: 'SS-SEC-011',
      title: 'PyPI upload token',
      severity: 'HIGH',
      rationale: `A PyPI API token uploads releases of its user's (or one project's) packages. ${layerRationale}`,
      remediation: tokenRemediation,
      references: refs('https://pypi.org/help/#apitoken'),
    },
    scope: 'content',
    // `pypi-` and the base64 of the macaroon's fixed start, "\x02\x01\x08pypi.org"
    keywords: ['pypi-ageichlwas5vcmc'],
    pattern: /(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})/g,
    secretGroup: 1,
    examples: { bad: [`password = pypi-AgEIcHlwaS5vcmc${alnum(60)}`], good: ['password = pypi-token', 'pypi-AgEIcHlwaS5vcmcshort'] },
  },
  {
    meta: {
      id: 'SS-SEC-012',
      title: 'JSON Web Token',
      severity: 'MEDIUM',
      rationale: `A JWT is a bearer credential: whoever holds it is its subject until it expires (often never, for service tokens). ${layerRationale}`,
      remediation: `Revoke or rotate the signing key if the token does not expire. ${rotateRemediation}`,
      references: refs('https://datatracker.ietf.org/doc/html/rfc7519'),
    },
    scope: 'content',
    keywords: ['eyj'],
    pattern: /(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})/g,
    secretGroup: 1,
    accept: isJwtHeader,
    examples: {
      bad: [
        // {"alg":"HS256","typ":"JWT"}.{"sub":"1234567890","name":"John Doe","iat":1516239022}
        'Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
      ],
      // header without alg: {"typ":"JWT","x":"y"}
      good: ['eyJ0eXAiOiJKV1QiLCJ4IjoieSJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV', 'eyJhbGciOiJIUzI1NiJ9'],
    },
  },
];
