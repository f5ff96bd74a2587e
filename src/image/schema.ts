import { z } from 'zod';
import { ManifestError, UnsupportedError, CorruptInputError } from '../core/errors.js';
import { indexMediaTypes, MediaType, schema1MediaTypes } from './media-types.js';

/**
 * Schemas for the image documents Shipshape reads. Foreign data, so lenient: unknown fields are
 * kept out of the way, not rejected; what is required is what we cannot work without.
 */
const platformSchema = z.object({
  os: z.string(),
  architecture: z.string(),
  variant: z.string().optional(),
  'os.version': z.string().optional(),
});

/**
 * A map of strings (labels, annotations) that keeps every key as written. zod's record copies
 * into a plain object, where a key named `__proto__` sets the prototype instead of a property: a
 * label by that name would vanish, unseen by every check. This one copies into an object without
 * a prototype.
 */
const stringRecord = z.unknown().transform((input, ctx): Record<string, string> => {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    ctx.addIssue({ code: 'custom', message: 'expected an object of strings' });
    return z.NEVER;
  }
  const out = Object.create(null) as Record<string, string>;
  for (const [key, value] of Object.entries(input)) {
    if (typeof value !== 'string') {
      ctx.addIssue({ code: 'custom', message: 'expected a string', path: [key] });
      return z.NEVER;
    }
    out[key] = value;
  }
  return out;
});

const descriptorSchema = z.object({
  mediaType: z.string(),
  digest: z.string(),
  size: z.number().int().nonnegative(),
  urls: z.array(z.string()).optional(),
  annotations: stringRecord.optional(),
  platform: platformSchema.optional(),
  artifactType: z.string().optional(),
});
export type Descriptor = z.infer<typeof descriptorSchema>;

export const indexSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  manifests: z.array(descriptorSchema),
  annotations: stringRecord.optional(),
});
export type ImageIndex = z.infer<typeof indexSchema>;

const manifestSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  artifactType: z.string().optional(),
  config: descriptorSchema,
  layers: z.array(descriptorSchema),
  subject: descriptorSchema.optional(),
  annotations: stringRecord.optional(),
});
export type ImageManifest = z.infer<typeof manifestSchema>;

const nullableStrings = z.array(z.string()).nullish();
const stringMap = stringRecord.nullish();

const containerConfigSchema = z.object({
  User: z.string().nullish(),
  ExposedPorts: z.record(z.string(), z.unknown()).nullish(),
  Env: nullableStrings,
  Entrypoint: nullableStrings,
  Cmd: nullableStrings,
  Volumes: z.record(z.string(), z.unknown()).nullish(),
  WorkingDir: z.string().nullish(),
  Labels: stringMap,
  StopSignal: z.string().nullish(),
  Healthcheck: z.object({ Test: nullableStrings }).passthrough().nullish(),
});

const historySchema = z.object({
  created: z.string().optional(),
  created_by: z.string().optional(),
  author: z.string().optional(),
  comment: z.string().optional(),
  empty_layer: z.boolean().optional(),
});
export type HistoryEntry = z.infer<typeof historySchema>;

export const imageConfigSchema = z.object({
  architecture: z.string(),
  os: z.string(),
  variant: z.string().optional(),
  created: z.string().optional(),
  author: z.string().optional(),
  config: containerConfigSchema.nullish(),
  rootfs: z.object({ type: z.string(), diff_ids: z.array(z.string()) }),
  history: z.array(historySchema).optional(),
});
export type ImageConfig = z.infer<typeof imageConfigSchema>;

/** `manifest.json` at the root of a docker-archive (`docker save`, `podman save`, skopeo). */
export const dockerArchiveManifestSchema = z.array(
  z.object({
    Config: z.string(),
    RepoTags: z.array(z.string()).nullish(),
    Layers: z.array(z.string()),
  }),
);

/** `index.json` / `oci-layout` of an OCI image layout. */
export const ociLayoutSchema = z.object({ imageLayoutVersion: z.string() });

/** Parses JSON bytes, with a CorruptInputError naming `what` instead of a bare SyntaxError. */
export function parseJson(what: string, data: Buffer | string): unknown {
  try {
    return JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch (error) {
    throw new CorruptInputError(`${what} is not valid JSON`, { cause: error });
  }
}

/** Validates `value` with `schema`; failures name the document and the first offending fields. */
export function validate<T>(what: string, schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
  throw new ManifestError(`${what} does not follow the expected schema (${issues})`);
}

export type ManifestDocument = { kind: 'index'; mediaType: string; index: ImageIndex } | { kind: 'manifest'; mediaType: string; manifest: ImageManifest };

/**
 * Decides whether a manifest document is an index or an image manifest — by its `mediaType` field,
 * else by the Content-Type it came with, else by shape — and validates it. Docker schema1 manifests
 * are refused with a clear message: they carry no content digests a scanner could verify.
 */
export function parseManifestDocument(what: string, data: Buffer, contentType?: string): ManifestDocument {
  const json = parseJson(what, data);
  const declared = typeof json === 'object' && json !== null && 'mediaType' in json && typeof json.mediaType === 'string' ? json.mediaType : undefined;
  const schemaVersion = typeof json === 'object' && json !== null && 'schemaVersion' in json ? json.schemaVersion : undefined;
  const mediaType = declared ?? normaliseContentType(contentType);
  if (schemaVersion === 1 || (mediaType !== undefined && schema1MediaTypes.includes(mediaType))) {
    throw new UnsupportedError(`${what} is a Docker schema1 manifest, which is deprecated and not supported`, {
      hint: 'push the image again with a current Docker, buildah or skopeo (they write schema2 or OCI manifests)',
    });
  }
  const looksLikeIndex = typeof json === 'object' && json !== null && 'manifests' in json;
  if ((mediaType !== undefined && indexMediaTypes.includes(mediaType)) || (mediaType === undefined && looksLikeIndex)) {
    return { kind: 'index', mediaType: mediaType ?? MediaType.ociIndex, index: validate(what, indexSchema, json) };
  }
  return { kind: 'manifest', mediaType: mediaType ?? MediaType.ociManifest, manifest: validate(what, manifestSchema, json) };
}

function normaliseContentType(contentType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0]?.trim();
  return type && type !== 'application/json' && type !== 'application/octet-stream' ? type : undefined;
}
