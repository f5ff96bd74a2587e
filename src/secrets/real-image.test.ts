import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImageModel } from '../image/read-image.js';
import type { RuleFinding } from '../rules/rule.js';
import { readOciArchive } from '../test-support/images.js';
import { sharedAbsent, sharedPath } from '../test-support/shared.js';
import { skipWhen } from '../test-support/skip.js';
import { secretFindings } from './assemble.js';
import { secretVisitor } from './visitor.js';

interface PlantedSecrets {
  files: { path: string; added_in_layer: number; deleted_in_layer: number; contains: { kind: string; value?: string; line: number }[] }[];
  config_env: { name: string; value: string }[];
}

const ruleOfKind: Record<string, string> = { 'aws-access-key-id': 'SS-SEC-001', 'aws-secret-access-key': 'SS-SEC-002', 'private-key': 'SS-SEC-013' };

describe('secrets in the real bullseye-app image', skipWhen(sharedAbsent), () => {
  let model: ImageModel;
  let findings: RuleFinding[];
  let planted: PlantedSecrets;

  beforeAll(async () => {
    planted = (JSON.parse(readFileSync(sharedPath('images', 'bullseye-app.expected.json'), 'utf8')) as { planted_secrets: PlantedSecrets }).planted_secrets;
    model = await readOciArchive(sharedPath('images', 'bullseye-app.oci.tar'), [secretVisitor()]);
    findings = secretFindings(model);
  });

  it('finds every planted secret of the deleted file, in the layer that added it, reported deleted', () => {
    for (const file of planted.files) {
      for (const secret of file.contains) {
        const finding = findings.find((f) => f.location.path === file.path && f.ruleId === ruleOfKind[secret.kind]);
        expect(finding, `${secret.kind} in ${file.path}`).toBeDefined();
        expect(finding?.location.layer?.index).toBe(file.added_in_layer);
        expect(finding?.location.startLine).toBe(secret.line);
        expect(finding?.location.layer?.createdBy).toContain(file.path);
        expect(finding?.message).toContain(`added in layer ${file.added_in_layer}`);
        expect(finding?.message).toContain(`deleted in layer ${file.deleted_in_layer}, but still in the image`);
      }
    }
    expect(findings.find((f) => f.ruleId === 'SS-SEC-001')?.message).toMatch(
      /^AWS access key id AKIA\*\*\*\* in \/opt\/leaked\/credentials\.txt line 4, added in layer 3 by `ADD /,
    );
  });

  it('finds the ENV password in the image config', () => {
    for (const { name } of planted.config_env) {
      expect(findings.find((f) => f.location.path === `config:Env/${name}`)).toMatchObject({
        ruleId: 'SS-SEC-019',
        message: expect.stringContaining('fake****') as unknown,
      });
    }
    // the ENV history line that set it is not a second finding
    expect(findings.filter((f) => f.ruleId === 'SS-SEC-019')).toHaveLength(planted.config_env.length);
  });

  it('never shows a planted secret in full', () => {
    const json = JSON.stringify(findings);
    for (const file of planted.files) for (const { value } of file.contains) if (value) expect(json).not.toContain(value);
    for (const { value } of planted.config_env) expect(json).not.toContain(value);
    expect(json).not.toContain('MIIEowIBAAKCAQEAtestonly');
  });

  it("reports nothing else but the debug package's published coveralls token (no Debian false positives)", () => {
    const planted = new Set(['/opt/leaked/credentials.txt', 'config:Env/DB_PASSWORD']);
    const others = findings.filter((f) => !planted.has(f.location.path ?? ''));
    // debug@2.x ships .coveralls.yml with a real repo_token: a true positive, in every Node image with it
    expect(others.map((f) => `${f.ruleId} ${f.location.path}`)).toEqual(['SS-SEC-018 /app/node_modules/debug/.coveralls.yml']);
  });
});
