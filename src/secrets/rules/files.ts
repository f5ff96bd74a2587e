import { isPlaceholder } from '../mask.js';
import type { SecretRule } from '../types.js';
import { layerRationale, refs, rotateRemediation } from './common.js';

const notPlaceholder = (secret: string): boolean => !isPlaceholder(secret);

/**
 * Config files the generic password rule reads: `key = value` is a setting there, not code.
 * nsswitch.conf is not one: its `passwd: files` names a database.
 */
const configFilePaths = /^(?!.*\/nsswitch\.conf$).*(?:\.(?:conf|cnf|cfg|ini|properties|ya?ml|toml|json|env)|\/\.env(?:\.[\w-]+)?)$/i;

/** Whether the match sits on a comment line (`#`, `;`, `//`): commented-out examples, not settings. */
function onCommentLine(match: RegExpExecArray): boolean {
  const lineStart = match.input.lastIndexOf('\n', match.index) + 1;
  return /^\s*(?:#|;|\/\/)/.test(match.input.slice(lineStart, match.index + 1));
}

/** Key names ending like these hold a setting about a secret, not the secret. */
const settingSuffix =
  /[_.-](?:file|path|dir|length|len|min|max|policy|prompt|type|hash|hashed|env|cmd|command|regex|pattern|field|name|enabled|required|expiry|expires|ttl|lifetime|timeout|header|endpoint|url|uri|id|count|algorithm|encoding|mode|store|provider|source|size|ref)$/i;

/** Whether a generic assignment's key and value look like a real credential. */
function isCredentialAssignment(secret: string, match: RegExpExecArray): boolean {
  const key = match[1] ?? '';
  if (settingSuffix.test(key)) return false;
  if (secret.length < 4 || isPlaceholder(secret) || onCommentLine(match)) return false;
  // numbers (ports, lengths) and versions (`"pbkdf2-password": "1.2.1"` in package.json) are not passwords
  return !/^\d{1,5}$/.test(secret) && !/^[~^<>=v]*\d+(?:\.\d+)+(?:[-+.][\w.]+)?$/.test(secret);
}

/** Private keys and credential files: Docker, git, netrc, npmrc, and `password =` settings. */
export const fileRules: SecretRule[] = [
  {
    meta: {
      id: 'SS-SEC-013',
      title: 'Private key',
      severity: 'CRITICAL',
      rationale: `A PEM, OpenSSH or PGP private key lets its holder impersonate the server, user or signer it belongs to. ${layerRationale}`,
      remediation: `Replace the key pair (and revoke any certificate for it). Mount keys at run time. ${rotateRemediation}`,
      references: refs('https://datatracker.ietf.org/doc/html/rfc7468'),
    },
    scope: 'content',
    keywords: ['private key'],
    // the body, when the PEM block is whole, is the secret (its fingerprint tells keys apart)
    pattern:
      /-----BEGIN (?:(?:RSA|EC|OPENSSH|DSA|PGP|ENCRYPTED) )?PRIVATE KEY(?: BLOCK)?-----(?:\r?\n(?:[A-Za-z-]+: [^\r\n]*\r?\n)*\s*([A-Za-z0-9+/=\r\n]{16,65536}?)\s*-----END)?/g,
    secretGroup: 1,
    examples: {
      bad: [
        '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAtestonlyFAKEKEY\n-----END RSA PRIVATE KEY-----',
        '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----',
        '-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: x\n\nlQOYBF0ABCDEFGHIJKL\n-----END PGP PRIVATE KEY BLOCK-----',
        '"key": "-----BEGIN PRIVATE KEY-----\\nMIIE..."',
      ],
      good: ['-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0B\n-----END PUBLIC KEY-----', '-----BEGIN CERTIFICATE-----', 'BEGIN RSA PRIVATE KEY'],
    },
  },
  {
    meta: {
      id: 'SS-SEC-014',
      title: 'Docker registry credentials',
      severity: 'HIGH',
      rationale: `The \`auth\` of a Docker config.json \`auths\` entry is base64 of user:password for a registry. ${layerRationale}`,
      remediation: `Change the registry password or token; log in at run time or use a credential helper. ${rotateRemediation}`,
      references: refs('https://docs.docker.com/reference/cli/docker/login/'),
    },
    scope: 'content',
    keywords: ['"auths"'],
    pattern: /"(?:auth|identitytoken)"\s*:\s*"([A-Za-z0-9+/_.-]{8,}={0,2})"/g,
    secretGroup: 1,
    examples: {
      bad: ['{"auths": {"registry.example.com": {"auth": "dXNlcjpzM2NyZXQtcGFzc3dvcmQ="}}}'],
      good: ['{"auths": {"registry.example.com": {}}, "credsStore": "desktop"}', '{"auth": "dXNlcjpzM2NyZXQ="}'],
    },
  },
  {
    meta: {
      id: 'SS-SEC-015',
      title: 'Git credentials store entry',
      severity: 'HIGH',
      rationale: `git's credential store keeps user:token pairs in clear text, one URL per line. ${layerRationale}`,
      remediation: `Revoke the token. ${rotateRemediation}`,
      references: refs('https://git-scm.com/docs/git-credential-store'),
    },
    scope: 'content',
    keywords: ['@'],
    pattern: /^[a-z][a-z0-9+.-]*:\/\/[^:@\s/]+:([^@\s/]+)@\S+$/gm,
    secretGroup: 1,
    paths: /\/\.?git-credentials$/,
    accept: notPlaceholder,
    examples: {
      examplePath: '/root/.git-credentials',
      bad: ['https://octocat:s3cr3t-token-value@github.com'],
      good: ['https://github.com', 'https://user:${TOKEN}@github.com'],
    },
  },
  {
    meta: {
      id: 'SS-SEC-016',
      title: 'Password in .netrc',
      severity: 'HIGH',
      rationale: `.netrc gives ftp, curl and git a clear-text login and password per machine. ${layerRationale}`,
      remediation: rotateRemediation,
      references: refs('https://everything.curl.dev/usingcurl/netrc.html'),
    },
    scope: 'content',
    keywords: ['password'],
    pattern: /(?<!\S)password\s+(\S+)/g,
    secretGroup: 1,
    paths: /\/[._]netrc$/,
    accept: (secret, match) => notPlaceholder(secret) && !onCommentLine(match),
    examples: { examplePath: '/root/.netrc', bad: ['machine example.com login me password hunter22'], good: ['machine example.com login me'] },
  },
  {
    meta: {
      id: 'SS-SEC-017',
      title: 'npm registry credentials in .npmrc',
      severity: 'HIGH',
      rationale: `An .npmrc \`_authToken\`, \`_auth\` or \`_password\` logs in to the registry as its user. ${layerRationale}`,
      remediation: `Revoke the token; pass it with a build secret and reference it as \${NPM_TOKEN}. ${rotateRemediation}`,
      references: refs('https://docs.npmjs.com/cli/configuring-npm/npmrc#auth-related-configuration'),
    },
    scope: 'content',
    keywords: ['_auth', '_password'],
    pattern: /(?:_authToken|_auth|_password)[ \t]*=[ \t]*["']?([^\s"']+)/g,
    secretGroup: 1,
    paths: /\/\.?npmrc$/,
    accept: notPlaceholder,
    examples: {
      examplePath: '/app/.npmrc',
      bad: ['//registry.example.com/:_authToken=1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d'],
      good: ['//registry.npmjs.org/:_authToken=${NPM_TOKEN}', 'registry=https://registry.npmjs.org/'],
    },
  },
  {
    meta: {
      id: 'SS-SEC-018',
      title: 'Password or secret in a configuration file',
      severity: 'MEDIUM',
      rationale: `A configuration file sets a password, secret, token or API key to a literal value. ${layerRationale}`,
      remediation: `Read the value from the environment or a mounted secret at run time. ${rotateRemediation}`,
      references: refs(),
    },
    scope: 'content',
    keywords: ['pass', 'pwd', 'secret', 'token', 'api_key', 'apikey', 'api-key'],
    // key (bare or quoted) containing a secret word, `=` or `:`, then an unquoted or quoted value
    pattern:
      /(?<![A-Za-z0-9_.-])["']?([A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key)[A-Za-z0-9_.-]*)["']?[ \t]*[:=][ \t]*["']?([^\s"'#;,}\]<>]{1,200})/gi,
    secretGroup: 2,
    paths: configFilePaths,
    accept: isCredentialAssignment,
    examples: {
      examplePath: '/etc/app/app.conf',
      bad: ['db_password = s3cr3t-value', 'password: changeme', '"client_secret": "9f8e7d6c5b4a"', 'API_KEY=abcd1234efgh'],
      good: [
        '# input_password = secret',
        '  ; password = hunter22',
        '"pbkdf2-password": "1.2.1",',
        'password =',
        'password = ${DB_PASSWORD}',
        'password: <password>',
        'password = xxxx',
        'password_file = /run/secrets/db',
        'min_password_length = 8',
        'token_type: bearer',
        'secret: true',
      ],
    },
  },
];
