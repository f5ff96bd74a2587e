import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as AjvModule from 'ajv';
import type * as AjvFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ImageModel } from '../../image/read-image.js';
import { analyzers } from '../../inventory/analyzers/registry.js';
import { buildInventory } from '../../inventory/build.js';
import { readOciArchive } from '../../test-support/images.js';
import { sharedAbsent, sharedPath } from '../../test-support/shared.js';
import { skipWhen } from '../../test-support/skip.js';
import { cyclonedxJson } from './cyclonedx.js';
import type { SbomInput } from './document.js';
import { spdxJson } from './spdx.js';

const examplePath = new URL('../../../examples/demo-app.oci.tar', import.meta.url).pathname;
// name, file, why it cannot be read here (the shared images skip without the shared data)
const images = [
  ['demo-app (bundled example)', examplePath, undefined],
  ['bullseye-app', sharedPath('images', 'bullseye-app.oci.tar'), sharedAbsent],
  ['debian-bookworm', sharedPath('images', 'debian-bookworm.oci.tar'), sharedAbsent],
] as const;

async function inputFor(file: string, overrides: Partial<SbomInput> = {}): Promise<SbomInput & { model: ImageModel }> {
  const model = await readOciArchive(file, analyzers);
  return {
    model,
    image: model.image,
    inventory: buildInventory(model),
    toolVersion: '0.0.0-test',
    timestamp: new Date('2024-05-06T07:08:09Z'),
    reproducible: true,
    randomUuid: 'unused',
    ...overrides,
  };
}

describe.each(images)('SBOMs of %s', (_name, file, missing) => {
  it('CycloneDX 1.6 JSON is valid against the official schema (strict)', skipWhen(missing), async () => {
    const input = await inputFor(file);
    const json = cyclonedxJson(input);
    const errors = await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(json);
    expect(errors).toBeNull();
    const bom = JSON.parse(json) as { components: { purl?: string; properties?: { name: string; value: string }[] }[] };
    const purls = bom.components.map((c) => c.purl).filter(Boolean);
    expect(purls).toEqual(expect.arrayContaining(input.inventory.packages.map((p) => p.purl)));
    const withLayer = bom.components.filter((c) => c.properties?.some((p) => p.name === 'shipshape:layer:index'));
    expect(withLayer).toHaveLength(input.inventory.packages.length);
  });

  it('SPDX 2.3 JSON has every required field, unique ids, and relationships that resolve', skipWhen(missing), async () => {
    const input = await inputFor(file);
    const document = spdxDocumentSchema.parse(JSON.parse(spdxJson(input)));
    const ids = document.packages.map((p) => p.SPDXID);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of document.relationships) expect([...ids, 'SPDXRef-DOCUMENT']).toEqual(expect.arrayContaining([r.spdxElementId, r.relatedSpdxElement]));
    const refs = new Set((document.hasExtractedLicensingInfos ?? []).map((l) => l.licenseId));
    for (const pkg of document.packages) for (const ref of pkg.licenseDeclared.match(/LicenseRef-[A-Za-z0-9.-]+/g) ?? []) expect(refs.has(ref)).toBe(true);
    expect(document.packages).toHaveLength(input.inventory.packages.length + (input.inventory.os ? 2 : 1));
  });

  it('is byte-identical across runs with --reproducible', skipWhen(missing), async () => {
    const [a, b] = await Promise.all([inputFor(file), inputFor(file, { randomUuid: 'different' })]);
    expect(cyclonedxJson(a)).toBe(cyclonedxJson(b));
    expect(spdxJson(a)).toBe(spdxJson(b));
  });
});

/**
 * The SPDX 2.3 document structure as the specification (chapters 6, 7, 11) requires it: checked on a
 * clone without the shared data; with it, the test below validates against the official JSON schema.
 */
const spdxId = z.string().regex(/^SPDXRef-[A-Za-z0-9.-]+$/);
const spdxDocumentSchema = z
  .object({
    spdxVersion: z.literal('SPDX-2.3'),
    dataLicense: z.literal('CC0-1.0'),
    SPDXID: z.literal('SPDXRef-DOCUMENT'),
    name: z.string().min(1),
    documentNamespace: z
      .string()
      .url()
      .refine((uri) => !uri.includes('#')),
    creationInfo: z.object({
      created: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      creators: z.array(z.string().regex(/^(Tool|Organization|Person): .+/)).min(1),
    }),
    packages: z.array(
      z
        .object({
          SPDXID: spdxId,
          name: z.string().min(1),
          versionInfo: z.string().optional(),
          downloadLocation: z.string().min(1),
          filesAnalyzed: z.boolean(),
          licenseConcluded: z.string().min(1),
          licenseDeclared: z.string().min(1),
          copyrightText: z.string().min(1),
          sourceInfo: z.string().optional(),
          primaryPackagePurpose: z
            .enum([
              'APPLICATION',
              'FRAMEWORK',
              'LIBRARY',
              'CONTAINER',
              'OPERATING_SYSTEM',
              'DEVICE',
              'FIRMWARE',
              'SOURCE',
              'ARCHIVE',
              'FILE',
              'INSTALL',
              'OTHER',
            ])
            .optional(),
          externalRefs: z
            .array(
              z.object({
                referenceCategory: z.enum(['SECURITY', 'PACKAGE-MANAGER', 'PERSISTENT-ID', 'OTHER']),
                referenceType: z.string(),
                referenceLocator: z.string().regex(/^pkg:/),
              }),
            )
            .optional(),
          annotations: z
            .array(z.object({ annotationType: z.enum(['REVIEW', 'OTHER']), annotator: z.string(), annotationDate: z.string(), comment: z.string() }))
            .optional(),
        })
        .strict(),
    ),
    relationships: z.array(
      z.object({ spdxElementId: z.string(), relationshipType: z.enum(['DESCRIBES', 'CONTAINS', 'DEPENDS_ON']), relatedSpdxElement: z.string() }),
    ),
    hasExtractedLicensingInfos: z
      .array(z.object({ licenseId: z.string().regex(/^LicenseRef-[A-Za-z0-9.-]+$/), extractedText: z.string(), name: z.string() }))
      .optional(),
  })
  .strict();

// with the shared data present the schema must be there too: a missing file fails, it does not skip
const officialSpdxSchema = sharedPath('schemas', 'spdx-2.3.schema.json');
describe('SPDX 2.3 against the official JSON schema (shared/schemas/spdx-2.3.schema.json)', skipWhen(sharedAbsent), () => {
  it.each(images)('%s', async (_name, file) => {
    // ajv and ajv-formats are CommonJS whose typings only describe `require`
    const require = createRequire(import.meta.url);
    const Ajv = require('ajv') as typeof AjvModule.default.default;
    const addFormats = require('ajv-formats') as typeof AjvFormatsModule.default.default;
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(officialSpdxSchema, 'utf8')) as object);
    expect(validate(JSON.parse(spdxJson(await inputFor(file)))), JSON.stringify(validate.errors)).toBe(true);
  });
});
