import type { Diagnostic } from '../core/diagnostics.js';
import { instructionOf } from '../image/history.js';
import type { ImageModel } from '../image/read-image.js';
import { jsonText, schemaName, type SchemaName } from './json-documents.js';

/**
 * The JSON contract of `shipshape image inspect --format json` (`schemas/shipshape/image-inspect.schema.json`).
 * Scripts rely on it: add fields, never rename or remove them without a new major in `schema`.
 */
export interface InspectReport {
  schema: SchemaName<'image-inspect'>;
  /** Kept for readers of the first releases; new readers use `schema`. */
  schemaVersion: 1;
  /** What was asked for: a path or a reference. */
  name: string;
  source: string;
  reference: string | null;
  /** Manifest digest; for a docker-archive (no manifest), the image ID (config digest). */
  digest: string;
  /** Whether `digest` is a manifest digest or, for docker-archives, the config digest. */
  digestOf: 'manifest' | 'config';
  indexDigest: string | null;
  imageId: string;
  mediaType: string | null;
  platform: { os: string; architecture: string; variant?: string };
  created: string | null;
  config: InspectConfig;
  layers: InspectLayer[];
  /** Non-directory files in the squashed image. */
  fileCount: number;
  /** Files that later layers deleted or overwrote but that still ship in a lower layer. */
  hiddenFileCount: number;
  diagnostics: Diagnostic[];
}

interface InspectConfig {
  user: string | null;
  entrypoint: string[] | null;
  cmd: string[] | null;
  workingDir: string | null;
  /** Names only: values often hold secrets, and are not for a report. */
  env: string[];
  exposedPorts: string[];
  volumes: string[];
  labels: Record<string, string>;
  stopSignal: string | null;
  healthcheck: string[] | null;
}

interface InspectLayer {
  index: number;
  digest: string;
  diffId: string;
  mediaType: string;
  /** Size of the blob as stored (compressed), bytes. */
  size: number;
  /** Size of the uncompressed tar, bytes. */
  uncompressedSize: number;
  createdBy: string | null;
  /** The Dockerfile-style instruction behind `createdBy`, when it can be read off it. */
  instruction: string | null;
  counts: { added: number; modified: number; deleted: number; opaqueDirs: number };
  /** Whether this layer's contents came from the layer cache instead of being read. */
  fromCache: boolean;
  added?: string[];
  modified?: string[];
  deleted?: string[];
  opaqueDirs?: string[];
}

export function inspectReport(model: ImageModel, options: { files: boolean }): InspectReport {
  const { image } = model;
  const settings = image.config.config;
  return {
    schema: schemaName('image-inspect'),
    schemaVersion: 1,
    name: image.name,
    source: image.source,
    reference: image.reference ?? null,
    digest: image.manifestDigest ?? image.configDigest,
    digestOf: image.manifestDigest ? 'manifest' : 'config',
    indexDigest: image.indexDigest ?? null,
    imageId: image.configDigest,
    mediaType: image.manifestMediaType ?? null,
    platform: {
      os: image.config.os,
      architecture: image.config.architecture,
      ...(image.config.variant ? { variant: image.config.variant } : {}),
    },
    created: image.config.created ?? null,
    config: {
      user: settings?.User || null,
      entrypoint: settings?.Entrypoint ?? null,
      cmd: settings?.Cmd ?? null,
      workingDir: settings?.WorkingDir || null,
      env: (settings?.Env ?? []).map((pair) => pair.split('=')[0] ?? pair),
      exposedPorts: Object.keys(settings?.ExposedPorts ?? {}).sort(),
      volumes: Object.keys(settings?.Volumes ?? {}).sort(),
      labels: settings?.Labels ?? {},
      stopSignal: settings?.StopSignal || null,
      healthcheck: settings?.Healthcheck?.Test ?? null,
    },
    layers: model.layers.map((layer, index): InspectLayer => {
      const { changes } = layer;
      const createdBy = layer.history?.created_by ?? null;
      const entry: InspectLayer = {
        index,
        digest: layer.blob.digest,
        diffId: layer.blob.diffId,
        mediaType: layer.blob.mediaType,
        size: layer.blob.size,
        uncompressedSize: layer.scan.uncompressedSize,
        createdBy,
        instruction: instructionOf(createdBy ?? undefined) ?? null,
        counts: {
          added: changes.added.length,
          modified: changes.modified.length,
          deleted: changes.deleted.length,
          opaqueDirs: changes.opaqueDirs.length,
        },
        fromCache: layer.fromCache,
      };
      if (options.files) {
        entry.added = [...changes.added].sort();
        entry.modified = [...changes.modified].sort();
        entry.deleted = [...changes.deleted].sort();
        entry.opaqueDirs = [...changes.opaqueDirs].sort();
      }
      return entry;
    }),
    fileCount: model.view.fileCount,
    hiddenFileCount: model.view.hidden.length,
    diagnostics: model.diagnostics,
  };
}

/** The document `image inspect -f json` writes: the whole report, or only layer `layer`'s entry. */
export function inspectJson(report: InspectReport, layer?: number): string {
  return jsonText(layer === undefined ? report : { ...report, layers: report.layers.filter((l) => l.index === layer) });
}
