import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLimits } from '../core/limits.js';
import type { ImageModel } from '../image/read-image.js';
import { readImage } from '../image/read-image.js';
import { directoryFiles } from '../image/sources/archive-files.js';
import { OciLayoutSource } from '../image/sources/oci-layout.js';
import { buildImage, ociLayoutFiles, writeDirectory } from '../test-support/image-builder.js';
import { secretFindings } from './assemble.js';
import { buildArgs, envAssignments } from './config-scan.js';
import { secretVisitor } from './visitor.js';

const ghToken = `ghp_${'Zx9Yw8Vu7T'.repeat(4).slice(0, 36)}`;
const npmToken = `npm_${'Qa1Ws2Ed3R'.repeat(4).slice(0, 36)}`;
const confPassword = 's3cr3t-Conf-Password';
const gitToken = 'gitTokenValue-0123456789';
const envToken = 'env-token-value-0123456789';
const historyEnvSecret = 'old-Api-Key-0123456789';
const allSecrets = [ghToken, npmToken, confPassword, gitToken, envToken, historyEnvSecret];

let dir: string;
let model: ImageModel;

beforeAll(async () => {
  const image = await buildImage({
    layers: [
      {
        createdBy: '/bin/sh -c #(nop) COPY dir:abc in /',
        items: [
          { name: 'etc/', type: 'directory' },
          { name: 'etc/app/', type: 'directory' },
          { name: 'etc/app/app.conf', content: `[db]\nhost = db\npassword = ${confPassword}\n` },
          { name: 'root/', type: 'directory' },
          { name: 'root/.git-credentials', content: `https://me:${gitToken}@github.com\n` },
          { name: 'usr/', type: 'directory' },
          { name: 'usr/bin/', type: 'directory' },
          { name: 'usr/bin/tool', content: Buffer.concat([Buffer.from('\x7fELF\0\0'), Buffer.from(ghToken)]) },
          { name: 'big.txt', content: `${' '.repeat(5000)}\n${ghToken}\n` },
        ],
      },
      {
        // a build arg recorded in the RUN step's history line
        createdBy: `|1 NPM_TOKEN=${npmToken} /bin/sh -c npm ci`,
        items: [
          { name: 'etc/', type: 'directory' },
          { name: 'etc/app/', type: 'directory' },
          { name: 'etc/app/app.conf', content: '[db]\nhost = db\npassword = ${DB_PASSWORD}\n' },
          { name: 'app/', type: 'directory' },
          { name: 'app/.env', content: `GITHUB_TOKEN=${ghToken}\n` },
        ],
      },
      {
        createdBy: '/bin/sh -c rm /root/.git-credentials',
        items: [
          { name: 'root/', type: 'directory' },
          { name: 'root/.wh..git-credentials', content: '' },
        ],
      },
    ],
    emptyHistoryAfter: { 2: [`/bin/sh -c #(nop)  ENV API_KEY=${historyEnvSecret}`, `/bin/sh -c #(nop)  ENV API_TOKEN=${envToken}`] },
    config: {
      config: {
        Env: ['PATH=/usr/bin', `API_TOKEN=${envToken}`, 'DB_PASSWORD_FILE=/run/secrets/db'],
        Labels: { 'org.example.token': 'tok-1234567890abcdef', team: 'a' },
      },
    },
  });
  dir = mkdtempSync(path.join(tmpdir(), 'shipshape-secrets-'));
  await writeDirectory(dir, ociLayoutFiles([{ image }]));
  model = await readImage(new OciLayoutSource('oci-layout', dir, directoryFiles(dir)), {
    selection: {},
    limits: defaultLimits,
    visitors: [secretVisitor({ maxFileBytes: 4096 })],
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('secretFindings', () => {
  it('finds secrets in files of every layer, and says which later layer hid them', () => {
    const files = secretFindings(model).filter((f) => !f.location.path?.startsWith('config:'));
    expect(files.map((f) => [f.ruleId, f.location.path, f.location.layer?.index, f.location.startLine])).toEqual([
      ['SS-SEC-018', '/etc/app/app.conf', 0, 3],
      ['SS-SEC-015', '/root/.git-credentials', 0, 1],
      ['SS-SEC-005', '/app/.env', 1, 1],
    ]);
    const [conf, git, env] = files;
    expect(conf?.message).toMatch(
      /^Password or secret in a configuration file s3cr\*\*\*\* in \/etc\/app\/app\.conf line 3, added in layer 0 by `COPY dir:abc in \/`; overwritten in layer 1, but still in the image/,
    );
    expect(git?.message).toContain('deleted in layer 2, but still in the image');
    expect(env?.message).toContain('present in the final filesystem');
  });

  it('skips binaries and files over the size limit', () => {
    const paths = secretFindings(model).map((f) => f.location.path);
    expect(paths).not.toContain('/usr/bin/tool');
    expect(paths).not.toContain('/big.txt');
  });

  it('finds secrets in ENV, labels and build args, once each, at their config entry', () => {
    const config = secretFindings(model).filter((f) => f.location.path?.startsWith('config:'));
    expect(config.map((f) => [f.ruleId, f.location.path, f.location.layer?.index])).toEqual([
      ['SS-SEC-019', 'config:Env/API_TOKEN', undefined],
      ['SS-SEC-020', 'config:Labels/org.example.token', undefined],
      ['SS-SEC-010', 'config:history/1', 1],
      // an ENV value a later ENV replaced is still in the history
      ['SS-SEC-019', 'config:history/3', undefined],
    ]);
    expect(config[2]?.message).toBe('npm access token npm_**** in history step 1 (RUN) of the image config');
  });

  it('never puts a full secret in findings: messages, locations (created_by) and fingerprints', () => {
    const json = JSON.stringify(secretFindings(model));
    for (const secret of allSecrets) expect(json).not.toContain(secret);
    expect(json).toContain('|1 NPM_TOKEN=npm_**** /bin/sh -c npm ci');
  });

  it('gives stable, distinct fingerprints', () => {
    const fingerprints = secretFindings(model).map((f) => f.fingerprint);
    expect(new Set(fingerprints).size).toBe(fingerprints.length);
    expect(secretFindings(model).map((f) => f.fingerprint)).toEqual(fingerprints);
  });

  it('applies disabled rules, allowed paths and allowed config values', () => {
    const ids = (options: Parameters<typeof secretFindings>[1]) => secretFindings(model, options).map((f) => `${f.ruleId} ${f.location.path}`);
    expect(ids({ disable: ['SS-SEC-018', 'SS-SEC-019'] }).some((id) => /SS-SEC-01[89]/.test(id))).toBe(false);
    expect(ids({ allowPaths: [/^\/root\//] })).not.toContain('SS-SEC-015 /root/.git-credentials');
    expect(ids({ allowValues: [/^env-token/] })).not.toContain('SS-SEC-019 config:Env/API_TOKEN');
  });
});

describe('history parsing', () => {
  it('reads build args of classic and BuildKit history lines', () => {
    expect(buildArgs('|2 A=1 TOKEN=abc /bin/sh -c make')).toEqual(['A=1', 'TOKEN=abc']);
    expect(buildArgs('RUN |1 TOKEN=abc /bin/sh -c make # buildkit')).toEqual(['TOKEN=abc']);
    expect(buildArgs('/bin/sh -c make TOKEN=abc')).toEqual([]);
  });
  it('reads ENV assignments, both forms', () => {
    expect(envAssignments('ENV A=1 B="two words"')).toEqual(['A=1', 'B=two words']);
    expect(envAssignments('ENV PASSWORD hunter22')).toEqual(['PASSWORD=hunter22']);
  });
});
