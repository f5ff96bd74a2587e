import { isPlaceholder } from '../mask.js';
import type { SecretRule } from '../types.js';
import { refs } from './common.js';

/** Variable names that say they hold a secret. `*_FILE`, `*_PATH`... point at one instead. */
const secretName = /(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?|auth)/i;
const pointerName = /[_.-](?:file|path|dir|url|uri|host|user(?:name)?|id|type|mode|method|enabled)$/i;

/** A `NAME=value` whose name says secret, whose value is a literal, and not a setting about a secret. */
function isSecretAssignment(secret: string, match: RegExpExecArray): boolean {
  const name = match[1] ?? '';
  return secretName.test(name) && !pointerName.test(name) && !isPlaceholder(secret) && secret.length >= 4;
}

const keywords = ['pass', 'pwd', 'secret', 'token', 'key', 'credential', 'auth'];

/** Secrets in the image configuration: environment variables, labels and build arguments in history. */
export const imageConfigRules: SecretRule[] = [
  {
    meta: {
      id: 'SS-SEC-019',
      title: 'Secret in an environment variable of the image',
      severity: 'HIGH',
      rationale:
        'ENV values are stored in clear text in the image config: `docker inspect` and every registry client shows them, and every container inherits them.',
      remediation:
        'Remove the ENV; pass the secret at run time (orchestrator secrets, a mounted file with a *_FILE variable). Rotate it: the published image keeps it.',
      references: refs('dockle CIS-DI-0010'),
    },
    scope: 'env',
    keywords,
    pattern: /^([A-Za-z_][A-Za-z0-9_.-]*)=(.+)$/g,
    secretGroup: 2,
    accept: isSecretAssignment,
    examples: {
      bad: ['DB_PASSWORD=fake-db-password-do-not-use', 'GITHUB_TOKEN=abcdef123456', 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI'],
      good: [
        'PATH=/usr/local/bin:/usr/bin',
        'DB_PASSWORD_FILE=/run/secrets/db',
        'DB_PASSWORD=',
        'API_KEY=${API_KEY}',
        'GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D',
      ],
    },
  },
  {
    meta: {
      id: 'SS-SEC-020',
      title: 'Secret in an image label',
      severity: 'HIGH',
      rationale: 'Labels are public metadata of the image, shown by `docker inspect` and registries.',
      remediation: 'Remove the label and rebuild; rotate the secret.',
      references: refs(),
    },
    scope: 'label',
    keywords,
    pattern: /^([^=]+)=(.+)$/g,
    secretGroup: 2,
    accept: isSecretAssignment,
    examples: {
      bad: ['com.example.deploy-token=abcdef123456'],
      good: ['org.opencontainers.image.source=https://example.com/repo', 'com.example.token-url=https://x'],
    },
  },
  {
    meta: {
      id: 'SS-SEC-021',
      title: 'Secret passed as a build argument',
      severity: 'HIGH',
      rationale:
        "Build arguments used by a RUN step are recorded in that step's `created_by` history line (`|1 TOKEN=... /bin/sh -c ...`), which ships with the image.",
      remediation: 'Use build secrets (`RUN --mount=type=secret,id=...`) instead of ARG for credentials; rotate the secret.',
      references: refs('https://docs.docker.com/build/building/secrets/'),
    },
    scope: 'build-arg',
    keywords,
    pattern: /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/g,
    secretGroup: 2,
    accept: isSecretAssignment,
    examples: { bad: ['NPM_TOKEN=0123456789abcdef'], good: ['VERSION=1.2.3', 'NPM_TOKEN='] },
  },
];
