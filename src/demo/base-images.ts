import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CorruptInputError, UsageError } from '../core/errors.js';
import { formatReference, parseReference } from '../image/reference.js';
import { readTree } from './context.js';
import { applyChanges, emptyChanges, hasChanges, normalisePath, type FileNode, type FileTree } from './file-tree.js';
import { dpkgStatusPath, mergeDpkgStatus } from './recorded-runs.js';
import { assembleImage, makeLayer, type BuiltImage, type ContainerSettings, type HistoryRecord } from './image.js';
import type { WrittenLayer } from '../image/build/image.js';

/**
 * The public parent images of the estate (`debian:bullseye-slim`, `nginx:1.25`…), rebuilt offline
 * from `<baseImages>/<name>/image.yaml`: what such an image holds that scanners read (os-release,
 * the package database, users), not the whole distribution.
 */
const historyEntrySchema = z
  .object({
    createdBy: z.string(),
    /** A directory (relative to image.yaml) whose files this step added. */
    rootfs: z.string().optional(),
    /** Symlinks this step made, path → target (git checkouts on some systems lose them). */
    symlinks: z.record(z.string(), z.string()).optional(),
    /** Directories this step made, path → octal mode (git keeps no empty directories). */
    dirs: z.record(z.string(), z.string().regex(/^[0-7]{3,4}$/)).optional(),
    /** A file of dpkg status paragraphs this step installed, merged into /var/lib/dpkg/status. */
    dpkg: z.string().optional(),
  })
  .strict();

const stringMap = z.record(z.string(), z.string());
const emptyObjects = z.array(z.string()).transform((keys) => Object.fromEntries(keys.map((key) => [key, {} as Record<string, never>])));
const containerSchema = z
  .object({
    User: z.string().optional(),
    ExposedPorts: emptyObjects.optional(),
    Env: z.array(z.string()).optional(),
    Entrypoint: z.array(z.string()).optional(),
    Cmd: z.array(z.string()).optional(),
    Volumes: emptyObjects.optional(),
    WorkingDir: z.string().optional(),
    Labels: stringMap.optional(),
    StopSignal: z.string().optional(),
  })
  .strict();

const baseImageSchema = z
  .object({
    /** The references Dockerfiles and manifests use for it (`debian:bullseye-slim`). */
    references: z.array(z.string()).min(1),
    /** Another base image this one is built on (its layers come first). */
    from: z.string().optional(),
    created: z.string().datetime(),
    architecture: z.string().default('amd64'),
    os: z.string().default('linux'),
    history: z.array(historyEntrySchema).min(1),
    config: containerSchema.default({}),
  })
  .strict();

const baseImageFile = 'image.yaml';

/** A base image and the references it answers to (normalised: `docker.io/library/debian:bullseye-slim`). */
export interface BaseImage {
  references: string[];
  image: BuiltImage;
}

/** Builds every base image found in `dir/<name>/image.yaml` (bases of bases first). */
export async function loadBaseImages(dir: string): Promise<BaseImage[]> {
  const specs = new Map<string, { file: string; spec: z.infer<typeof baseImageSchema> }>();
  for (const name of (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()) {
    const file = path.join(dir, name, baseImageFile);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    const parsed = baseImageSchema.safeParse(parseYaml(text));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CorruptInputError(`${file}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
    }
    for (const reference of parsed.data.references) specs.set(normaliseReference(reference), { file, spec: parsed.data });
  }
  const built = new Map<string, Promise<BuiltImage>>();
  const build = (reference: string, chain: string[]): Promise<BuiltImage> => {
    const known = built.get(reference);
    if (known) return known;
    const entry = specs.get(reference);
    if (!entry) throw new UsageError(`base image ${reference} is not in ${dir}`);
    if (chain.includes(reference)) throw new UsageError(`base images in ${dir} are built on each other in a loop: ${[...chain, reference].join(' → ')}`);
    const { file, spec } = entry;
    const promise = (async () => {
      const parent = spec.from === undefined ? undefined : await build(normaliseReference(spec.from), [...chain, reference]);
      return buildBaseImage(path.dirname(file), spec, parent);
    })();
    for (const alias of spec.references) built.set(normaliseReference(alias), promise);
    return promise;
  };
  const result: BaseImage[] = [];
  const seen = new Set<string>();
  for (const [reference, { file, spec }] of specs) {
    if (seen.has(file)) continue;
    seen.add(file);
    result.push({ references: spec.references.map(normaliseReference), image: await build(reference, []) });
  }
  return result;
}

async function buildBaseImage(dir: string, spec: z.infer<typeof baseImageSchema>, parent: BuiltImage | undefined): Promise<BuiltImage> {
  const created = new Date(spec.created);
  let files: FileTree = parent?.files ?? new Map();
  const layers: WrittenLayer[] = [...(parent?.layers ?? [])];
  const history: HistoryRecord[] = [...(parent?.configDocument.history ?? [])];
  for (const step of spec.history) {
    const changes = emptyChanges();
    if (step.rootfs !== undefined) {
      const tree = new Map<string, FileNode>();
      await readTree(path.join(dir, step.rootfs), '', tree);
      for (const [file, node] of tree) changes.added.set(file, node);
    }
    for (const [dirPath, mode] of Object.entries(step.dirs ?? {})) {
      changes.added.set(normalisePath(dirPath), { type: 'dir', mode: parseInt(mode, 8), uid: 0, gid: 0 });
    }
    for (const [link, target] of Object.entries(step.symlinks ?? {})) {
      changes.added.set(normalisePath(link), { type: 'symlink', target, mode: 0o777, uid: 0, gid: 0 });
    }
    if (step.dpkg !== undefined) {
      const current = changes.added.get(dpkgStatusPath) ?? files.get(dpkgStatusPath);
      const merged = mergeDpkgStatus(current?.type === 'file' ? current.content.toString('utf8') : '', await readFile(path.join(dir, step.dpkg), 'utf8'));
      changes.added.set(dpkgStatusPath, { type: 'file', content: Buffer.from(merged), mode: 0o644, uid: 0, gid: 0 });
    }
    const record: HistoryRecord = { created: spec.created, created_by: step.createdBy };
    if (hasChanges(changes)) {
      layers.push(await makeLayer(changes, files, created));
      files = applyChanges(files, changes);
    } else {
      record.empty_layer = true;
    }
    history.push(record);
  }
  const config: ContainerSettings = { ...(parent?.configDocument.config ?? {}), ...spec.config };
  return assembleImage(
    { architecture: spec.architecture, config, created: spec.created, history, os: spec.os, rootfs: { type: 'layers', diff_ids: [] } },
    layers,
    files,
  );
}

/** `debian:bullseye-slim` → `docker.io/library/debian:bullseye-slim`; digests kept. */
export function normaliseReference(reference: string): string {
  return formatReference(parseReference(reference));
}
