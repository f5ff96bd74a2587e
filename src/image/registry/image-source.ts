import { ManifestError } from '../../core/errors.js';
import { parseDigest } from '../digest.js';
import { formatReference, type ImageReference } from '../reference.js';
import { imageConfigSchema, parseJson, validate } from '../schema.js';
import { requirePlatform, selectByPlatform } from '../select.js';
import { layerDiffIds } from '../sources/layer-count.js';
import type { ImageSelection, ImageSource, LayerBlob, ResolvedImage, SourceContext } from '../source.js';
import { RegistryClient, type ClientInternals, type FetchedManifest } from './client.js';
import type { RegistryOptions } from './options.js';

/**
 * An image in a registry, read through the OCI distribution API. `client`: a client of that registry
 * to share (its connections and tokens), e.g. across the images of a registry scan; it stays open.
 */
export function openRegistryImage(ref: ImageReference, options: RegistryOptions, client?: RegistryClient): ImageSource {
  return new RegistryImageSource(ref, options, {}, client);
}

/**
 * Resolves a reference to a verified manifest and config: by digest when the reference has one
 * (the tag is then only for display), else by tag; an index is narrowed to the wanted platform
 * (linux/amd64 unless chosen); a single-platform image must be the platform chosen, if one was.
 * Layers stream straight from the registry, verified as they flow.
 */
export class RegistryImageSource implements ImageSource {
  readonly kind = 'registry' as const;
  private client: RegistryClient | undefined;

  constructor(
    private readonly ref: ImageReference,
    private readonly options: RegistryOptions,
    private readonly internals: Omit<ClientInternals, 'diagnostics'> = {},
    private readonly sharedClient?: RegistryClient,
  ) {
    this.client = sharedClient;
  }

  // `selection.image` names an image inside an archive; a reference already names exactly one.
  async resolve(selection: ImageSelection, context: SourceContext): Promise<ResolvedImage> {
    this.client ??= new RegistryClient(this.ref.registry, this.options, { ...this.internals, diagnostics: context.diagnostics });
    const client = this.client;
    const { repository } = this.ref;
    const name = formatReference(this.ref);
    const fetch = { signal: context.signal, maxBytes: context.limits.maxDocumentBytes };

    const top = await client.getManifest(repository, this.ref.digest ?? this.ref.tag ?? 'latest', fetch);
    let image: FetchedManifest = top;
    let indexDigest: string | undefined;
    if (top.document.kind === 'index') {
      const chosen = selectByPlatform(name, top.document.index, selection.platform);
      indexDigest = top.digest;
      image = await client.getManifest(repository, chosen.digest, { ...fetch, expectedSize: chosen.size });
    }
    if (image.document.kind !== 'manifest') {
      throw new ManifestError(`${name}: the index entry ${image.digest} is itself an index, not an image manifest`);
    }
    const { manifest } = image.document;
    for (const descriptor of [manifest.config, ...manifest.layers]) parseDigest(descriptor.digest);

    const what = `config ${manifest.config.digest} of ${name}`;
    const configBytes = await client.getBlob(repository, manifest.config, fetch);
    const config = validate(what, imageConfigSchema, parseJson(what, configBytes));
    const diffIds = layerDiffIds(name, manifest.layers.length, config);
    if (indexDigest === undefined) requirePlatform(name, config, selection.platform);

    const layers = manifest.layers.map((descriptor, index): LayerBlob => ({
      index,
      digest: descriptor.digest,
      size: descriptor.size,
      mediaType: descriptor.mediaType,
      diffId: diffIds[index] as string,
      contentAddressed: true,
      open: (signal) => client.openBlob(repository, descriptor, signal),
    }));
    return {
      source: 'registry',
      name,
      reference: name,
      manifestDigest: image.digest,
      indexDigest,
      manifestMediaType: image.mediaType,
      manifest,
      configDigest: manifest.config.digest,
      config,
      layers,
    };
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    // a shared client belongs to whoever shared it
    if (client !== this.sharedClient) await client?.close();
  }
}
