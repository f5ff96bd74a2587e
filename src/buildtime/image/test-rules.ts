import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultLimits } from '../../core/limits.js';
import { readImage, type ImageModel } from '../../image/read-image.js';
import { directoryFiles } from '../../image/sources/archive-files.js';
import { OciLayoutSource } from '../../image/sources/oci-layout.js';
import { buildImage, ociLayoutFiles, writeDirectory, type ImageSpec } from '../../test-support/image-builder.js';
import type { ImageFinding, ImageRule, ImageRuleContext } from './rule.js';

/** Test support: builds the image in an OCI layout directory and reads it back as the scanner would. */
export async function readSpec(spec: ImageSpec): Promise<ImageModel> {
  const dir = await mkdtemp(path.join(tmpdir(), 'shipshape-image-rules-'));
  try {
    const layout = await writeDirectory(dir, ociLayoutFiles([{ image: await buildImage(spec) }]));
    return await readImage(new OciLayoutSource('oci-layout', layout, directoryFiles(layout)), { selection: {}, limits: defaultLimits });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Test support: a container config that passes the config rules (non-root user, health check). */
export const goodConfig = { User: 'app', Healthcheck: { Test: ['CMD', '/bin/true'] }, Cmd: ['/app/run'], ExposedPorts: { '8080/tcp': {} } };

/** Test support: a base layer and a build layer, with the given items in the build layer. */
export function twoLayers(buildItems: ImageSpec['layers'][number]['items'], createdBy = 'RUN make'): ImageSpec['layers'] {
  return [
    {
      items: [
        { name: 'etc/os-release', content: 'ID=debian\n' },
        { name: 'bin/sh', content: 'sh', mode: 0o755 },
      ],
      createdBy: 'ADD file:abc in /',
    },
    { items: buildItems, createdBy },
  ];
}

/** Test support: runs one rule with the given context (base = first layer by default). */
export function run(rule: ImageRule, model: ImageModel, context: Partial<ImageRuleContext> = {}): ImageFinding[] {
  return rule.check(model, { baseLayers: 1, ...context });
}
