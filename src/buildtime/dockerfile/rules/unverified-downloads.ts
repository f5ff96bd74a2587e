import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { hasFlag, programOf, unwrap } from '../shell.js';
import { runCommands } from '../stages.js';

// options that switch off signature or TLS verification, whichever tool they are given to
const insecureWords = new Set([
  '--allow-unauthenticated',
  '--allow-insecure-repositories',
  '--allow-downgrades-to-insecure-repositories',
  '--nogpgcheck',
  '--no-gpg-check',
  '--allow-untrusted',
  '--nosignature',
  '--nodigest',
  '--no-check-certificate',
  '--trusted-host',
]);
const insecureSettings =
  /^(APT::Get::AllowUnauthenticated=(true|1)|Acquire::AllowInsecureRepositories=(true|1)|Acquire::https::Verify-Peer=(false|0)|gpgcheck=(0|false)|--setopt=gpgcheck=(0|false)|sslverify=(0|false)|http\.sslVerify=false|strict-ssl=false)$/i;
const insecureEnv: Record<string, RegExp> = {
  NODE_TLS_REJECT_UNAUTHORIZED: /^0$/,
  GIT_SSL_NO_VERIFY: /^(1|true)$/i,
  PYTHONHTTPSVERIFY: /^0$/,
  PIP_TRUSTED_HOST: /./,
  NPM_CONFIG_STRICT_SSL: /^false$/i,
};

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-040',
  title: 'Package or download verification disabled',
  severity: 'HIGH',
  rationale: 'Skipping GPG signature or TLS certificate checks lets anyone on the network path substitute packages and downloads that end up in the image.',
  remediation:
    'Remove the option (`--allow-unauthenticated`, `--nogpgcheck`, `--allow-untrusted`, `curl -k`, `--no-check-certificate`…) and install the right CA or signing key instead.',
  references: ['CIS Docker Benchmark 4.11', 'checkov CKV2_DOCKER_2..17'],
  cis: '4.11',
};

/** SS-DF-040: package signatures or TLS verification switched off (CIS 4.11). */
export const unverifiedDownloads: DockerfileRule = {
  meta,
  examples: {
    bad: [
      'FROM debian:12\nRUN apt-get install -y --allow-unauthenticated foo\n',
      'FROM alpine:3\nRUN curl -kfsSL https://x.io/a -o /a\n',
      'FROM fedora:40\nRUN dnf install -y --nogpgcheck foo\n',
      'FROM node:20\nENV NODE_TLS_REJECT_UNAUTHORIZED=0\n',
      'FROM alpine:3\nRUN wget --no-check-certificate https://x.io/a\n',
    ],
    good: ['FROM alpine:3\nRUN curl -fsSL https://x.io/a -o /a\n', 'FROM node:20\nENV NODE_ENV=production\n'],
  },
  check(dockerfile) {
    const runs = runCommands(dockerfile).flatMap(({ run, commands }) => {
      const bad = commands.flatMap((c) => {
        const words = unwrap(c);
        const found = words.filter((w) => insecureWords.has(w.split('=')[0] ?? '') || insecureSettings.test(w));
        if (programOf(c) === 'curl' && hasFlag(words.slice(1), ['--insecure'], ['k'])) found.push('curl -k');
        return found;
      });
      return bad.length > 0 ? [findingAt(meta, dockerfile, run, `verification disabled: ${[...new Set(bad)].join(', ')}`)] : [];
    });
    const envs = dockerfile.instructions
      .filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG')
      .flatMap((i) =>
        i.properties
          .filter((p) => insecureEnv[p.name.toUpperCase()]?.test(p.resolved ?? '') === true)
          .map((p) => findingAt(meta, dockerfile, i, `${i.keyword} ${p.name}=${p.resolved ?? ''} disables verification`)),
      );
    return [...runs, ...envs];
  },
};
