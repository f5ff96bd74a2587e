import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as AjvModule from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { hostilePatch, samplePinPatch, sampleReportInput } from './html/test-sample.js';
import { schemaFile } from './json-documents.js';
import { postureJson } from './posture-json.js';

// ajv is CommonJS whose typings only describe `require`
const require = createRequire(import.meta.url);
const Ajv2020 = require('ajv/dist/2020.js') as typeof AjvModule.default.default;
const schema = JSON.parse(readFileSync(new URL(`../../${schemaFile('posture-report')}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const validate = new Ajv2020({ strict: true, allErrors: true, validateFormats: false }).compile(schema);

interface Change {
  summary: string;
  patch?: string;
  rules?: string[];
}

const changesOf = (document: { posture: { controls: { changes: Change[] }[] } }): Change[] => document.posture.controls.flatMap((c) => c.changes);

describe('posture -f json', () => {
  it("passes each change's patch and rules through, exactly, and its schema describes them", () => {
    const input = sampleReportInput();
    const first = input.posture.controls[0];
    first?.changes.push({ summary: 'hostile', file: 'x', line: 1, snippet: undefined, edits: [], nodes: [], rules: ['SS-DF-012'], patch: hostilePatch });
    const document = JSON.parse(postureJson(input)) as Parameters<typeof changesOf>[0];
    const changes = changesOf(document);
    expect(changes.find((c) => c.summary === 'Pin the parent image by digest')).toMatchObject({ patch: samplePinPatch, rules: ['SS-DF-003'] });
    expect(changes.find((c) => c.summary === 'hostile')).toMatchObject({ patch: hostilePatch, rules: ['SS-DF-012'] });
    // a manual change has neither
    const manual = changes.find((c) => c.summary.startsWith('Replace the Ubuntu node group'));
    expect(manual && 'patch' in manual).toBe(false);

    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    const wrong = changes[0];
    if (wrong) wrong.rules = 'SS-DF-003' as unknown as string[];
    expect(validate(document)).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath)).toEqual(['/posture/controls/0/changes/0/rules']);
  });
});
