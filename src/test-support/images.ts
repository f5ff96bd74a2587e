import { defaultLimits } from '../core/limits.js';
import type { LayerFileVisitor } from '../image/layer/visitor.js';
import { readImage, type ImageModel } from '../image/read-image.js';
import { tarFiles } from '../image/sources/archive-files.js';
import { OciLayoutSource } from '../image/sources/oci-layout.js';
import { TarIndex } from '../image/sources/tar-index.js';

/** An oci-archive tar as an image source. */
async function ociArchiveSource(file: string): Promise<OciLayoutSource> {
  return new OciLayoutSource('oci-archive', file, tarFiles(await TarIndex.build(file, defaultLimits)));
}

/** Reads an oci-archive tar whole (no cache), handing the visitors the files they ask for. */
export async function readOciArchive(file: string, visitors: readonly LayerFileVisitor[] = []): Promise<ImageModel> {
  return readImage(await ociArchiveSource(file), { selection: {}, limits: defaultLimits, visitors });
}
