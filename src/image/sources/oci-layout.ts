import { ManifestError, NotFoundError, UnsupportedError } from '../../core/errors.js';
import { imageManifestMediaTypes, MediaType } from '../media-types.js';
import { ociLayoutSchema, parseJson, parseManifestDocument, validate, type Descriptor, type ImageManifest } from '../schema.js';
import { refNameOf, requirePlatform, selectByPlatform, selectFromLayoutIndex } from '../select.js';
import type { ImageSelection, ImageSource, LayerBlob, ResolvedImage, SourceContext } from '../source.js';
import type { ArchiveFiles } from './archive-files.js';
import { blobPath, openVerified, parseImageConfig, readVerifiedBlob } from './blobs.js';
import { layerDiffIds } from './layer-count.js';

const maxIndexDepth = 4;

/** An OCI image layout, as a directory (`oci:`) or inside a tar (`oci-archive:`). */
export class OciLayoutSource implements ImageSource {
  constructor(
    readonly kind: 'oci-layout' | 'oci-archive',
    private readonly name: string,
    private readonly files: ArchiveFiles,
  ) {}

  async resolve(selection: ImageSelection, context: SourceContext): Promise<ResolvedImage> {
    const { files } = this;
    const { maxDocumentBytes } = context.limits;
    if (!(await files.has('oci-layout'))) throw new ManifestError(`${files.location} is not an OCI image layout (no oci-layout file)`);
    const layout = validate('oci-layout', ociLayoutSchema, parseJson('oci-layout', await files.read('oci-layout', maxDocumentBytes)));
    if (!layout.imageLayoutVersion.startsWith('1.')) {
      throw new UnsupportedError(`${files.location}: OCI layout version ${layout.imageLayoutVersion} is not supported (1.x is)`);
    }
    if (!(await files.has('index.json'))) throw new ManifestError(`${files.location} has no index.json`);
    const topDocument = parseManifestDocument('index.json', await files.read('index.json', maxDocumentBytes));
    if (topDocument.kind !== 'index') throw new ManifestError(`${files.location}: index.json is not an image index`);

    let descriptor = selectFromLayoutIndex(files.location, topDocument.index, selection.image, selection.platform);
    const reference = refNameOf(descriptor);
    let indexDigest: string | undefined;
    for (let depth = 0; ; depth++) {
      if (depth > maxIndexDepth) throw new ManifestError(`${files.location}: image indexes nested more than ${maxIndexDepth} deep`);
      const data = await readVerifiedBlob(files, descriptor, 'manifest', maxDocumentBytes);
      const document = parseManifestDocument(`manifest ${descriptor.digest}`, data, descriptor.mediaType);
      if (document.kind === 'manifest') {
        const image = await this.resolveManifest(descriptor, document.manifest, document.mediaType, reference, indexDigest, context);
        // chosen from an image index, it matched the platform there; listed alone in index.json, it must be the one asked for
        if (indexDigest === undefined) requirePlatform(files.location, image.config, selection.platform);
        return image;
      }
      indexDigest ??= descriptor.digest;
      descriptor = selectByPlatform(`index ${descriptor.digest}`, document.index, selection.platform);
    }
  }

  private async resolveManifest(
    descriptor: Descriptor,
    manifest: ImageManifest,
    mediaType: string,
    reference: string | undefined,
    indexDigest: string | undefined,
    context: SourceContext,
  ): Promise<ResolvedImage> {
    const { files } = this;
    if (!imageManifestMediaTypes.includes(mediaType)) {
      throw new UnsupportedError(`${files.location}: manifest ${descriptor.digest} has media type ${mediaType}, not an image`);
    }
    const configData = await readVerifiedBlob(files, manifest.config, 'config', context.limits.maxDocumentBytes);
    const config = parseImageConfig(`config ${manifest.config.digest}`, configData);
    const diffIds = layerDiffIds(files.location, manifest.layers.length, config);

    const layers: LayerBlob[] = [];
    for (const [index, layer] of manifest.layers.entries()) {
      const name = blobPath(layer.digest);
      if (!(await files.has(name))) {
        throw new NotFoundError(`${files.location}: the manifest points to a missing blob ${layer.digest} (layer ${index})`);
      }
      layers.push({
        index,
        digest: layer.digest,
        size: layer.size,
        mediaType: layer.mediaType || MediaType.ociLayerGzip,
        diffId: diffIds[index] as string,
        contentAddressed: true,
        open: async () => openVerified(files, name, `layer ${index} (${layer.digest})`, layer),
      });
    }
    return {
      source: this.kind,
      name: this.name,
      reference,
      manifestDigest: descriptor.digest,
      indexDigest,
      manifestMediaType: mediaType,
      manifest,
      configDigest: manifest.config.digest,
      config,
      layers,
    };
  }

  async close(): Promise<void> {
    // files are opened per read; nothing is held between calls
  }
}
