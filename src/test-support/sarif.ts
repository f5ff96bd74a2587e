import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as AjvModule from 'ajv';
import type * as AjvFormatsModule from 'ajv-formats';

/** The SARIF 2.1.0 schema, kept as test data (its source and license: test/schemas/README.md). */
const schemaFile = fileURLToPath(new URL('../../test/schemas/sarif-2.1.0-rtm.5.json', import.meta.url));

/** Checks a SARIF log against the official SARIF 2.1.0 schema; returns the first errors, or undefined when valid. */
export async function sarifErrors(log: unknown): Promise<string | undefined> {
  const require = createRequire(import.meta.url);
  // the SARIF schema is JSON Schema draft-04; its `language` pattern is not valid with the u flag
  const Ajv = require('ajv-draft-04') as typeof AjvModule.default.default;
  const addFormats = require('ajv-formats') as typeof AjvFormatsModule.default.default;
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(await readFile(schemaFile, 'utf8')) as object);
  return validate(log) ? undefined : JSON.stringify(validate.errors?.slice(0, 3));
}
