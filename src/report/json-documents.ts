/**
 * Every JSON document the CLI writes, in one list: its `schema` name (`shipshape/<id>@<major>`) and
 * the JSON Schema file in `schemas/shipshape/` that describes it. Fields are only ever added to a
 * document; a rename or removal is a new major. SARIF, CycloneDX and SPDX are not listed: they carry
 * their own standard's fields.
 */
export const jsonDocuments = [
  { id: 'image-inspect', command: 'shipshape image inspect -f json' },
  { id: 'sbom', command: 'shipshape sbom -f json' },
  { id: 'scan', command: 'shipshape scan image -f json' },
  { id: 'dockerfile-lint', command: 'shipshape dockerfile lint -f json' },
  { id: 'compose-check', command: 'shipshape compose check -f json' },
  { id: 'k8s-check', command: 'shipshape k8s check -f json' },
  { id: 'registry-scan', command: 'shipshape registry scan -f json' },
  { id: 'registry-history', command: 'shipshape history -f json' },
  { id: 'db-status', command: 'shipshape db status -f json' },
  { id: 'lifecycle-map', command: 'shipshape map -f json' },
  { id: 'lifecycle-trace', command: 'shipshape trace -f json' },
  { id: 'posture-report', command: 'shipshape posture -f json' },
  { id: 'fix', command: 'shipshape fix -f json' },
  { id: 'host-scan', command: 'shipshape host scan -f json' },
] as const;

/** The id of a JSON document the CLI writes. */
export type JsonDocumentId = (typeof jsonDocuments)[number]['id'];

/** The `schema` field of a document: `shipshape/<id>@1`. */
export type SchemaName<Id extends JsonDocumentId> = `shipshape/${Id}@1`;

/** The `schema` field a document carries. */
export function schemaName<Id extends JsonDocumentId>(id: Id): SchemaName<Id> {
  return `shipshape/${id}@1`;
}

/** Where the document's JSON Schema is, relative to the package root. */
export function schemaFile(id: JsonDocumentId): string {
  return `schemas/shipshape/${id}.schema.json`;
}

/** A document as the CLI writes it: two-space indented, one trailing newline. */
export function jsonText(document: object): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
