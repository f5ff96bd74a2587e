import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CorruptInputError } from '../core/errors.js';
import { parseReference } from '../image/reference.js';
import { loadBaseImages, normaliseReference, type BaseImage } from './base-images.js';
import { buildImage } from './builder.js';
import type { BuiltImage } from './image.js';

/**
 * `build.yaml` of an example estate: which images its pipelines build, in order, with the tags they
 * push. Only for producing bytes; the pipelines stay the truth the lifecycle map reads.
 */
const buildSchema = z
  .object({
    /** The repository directory, relative to the estate. */
    repo: z.string(),
    /** The pipeline file (relative to the repository) that builds and pushes it: documentation, and for tests. */
    pipeline: z.string().optional(),
    dockerfile: z.string().default('Dockerfile'),
    context: z.string().default('.'),
    created: z.string().datetime(),
    buildArgs: z.record(z.string(), z.string()).default({}),
    tags: z.array(z.string()).min(1),
  })
  .strict();
const estateBuildSchema = z.object({ baseImages: z.string(), builds: z.array(buildSchema).min(1) }).strict();

const estateBuildFile = 'build.yaml';

export interface EstateImage {
  /** The first tag, as the pipeline pushes it (`registry.shop.internal/shop/payments-api:142`). */
  reference: string;
  tags: string[];
  /** Repository directory relative to the estate, `/`-separated. */
  repo: string;
  dockerfile: string;
  pipeline: string | undefined;
  image: BuiltImage;
}

export interface BuiltEstate {
  /** In build order: push them in this order and each tag ends on its last build. */
  images: EstateImage[];
  /** The public parents (`debian:bullseye-slim`, `nginx:1.25`, `redis:7`, `busybox:1.36`). */
  baseImages: BaseImage[];
}

/** Builds every image of an estate's `build.yaml`, each after the images it is built FROM. */
export async function buildEstate(estateDir: string): Promise<BuiltEstate> {
  const file = path.join(estateDir, estateBuildFile);
  const parsed = estateBuildSchema.safeParse(parseYaml(await readFile(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CorruptInputError(`${file}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  const baseImages = await loadBaseImages(path.join(estateDir, parsed.data.baseImages));
  const parents = new Map<string, BuiltImage>();
  for (const base of baseImages) for (const reference of base.references) parents.set(reference, base.image);

  const images: EstateImage[] = [];
  for (const build of parsed.data.builds) {
    const repoDir = path.join(estateDir, build.repo);
    const dockerfile = path.join(repoDir, build.dockerfile);
    const image = await buildImage(dockerfile, path.join(repoDir, build.context), { parents, created: new Date(build.created), buildArgs: build.buildArgs });
    for (const tag of build.tags) {
      parents.set(normaliseReference(tag), image);
      const { registry, repository } = parseReference(tag);
      parents.set(`${registry}/${repository}@${image.digest}`, image); // FROM name@digest finds earlier builds too
    }
    images.push({
      reference: build.tags[0] ?? '',
      tags: build.tags,
      repo: build.repo,
      dockerfile: path.posix.join(build.repo, build.dockerfile),
      pipeline: build.pipeline === undefined ? undefined : path.posix.join(build.repo, build.pipeline),
      image,
    });
  }
  return { images, baseImages };
}
