import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { DigestMismatchError, NotFoundError, UnsupportedError } from '../../core/errors.js';
import { parseDigest } from '../digest.js';
import { MediaType, type Compression } from '../media-types.js';
import { sniffCompression } from '../layer/decompress.js';
import { dockerArchiveManifestSchema, parseJson, validate } from '../schema.js';
import { refNameMatches, requirePlatform } from '../select.js';
import type { ImageSelection, ImageSource, LayerBlob, ResolvedImage, SourceContext } from '../source.js';
import type { ArchiveFiles } from './archive-files.js';
import { openVerified, parseImageConfig } from './blobs.js';
import { layerDiffIds } from './layer-count.js';

const layerMediaType: Record<Compression, string> = {
  none: MediaType.dockerLayer,
  gzip: MediaType.dockerLayerGzip,
  zstd: MediaType.ociLayerZstd,
};

type ArchiveEntry = ReturnType<typeof dockerArchiveManifestSchema.parse>[number];

/**
 * A docker-archive (`docker save`, `podman save`, `skopeo copy ... docker-archive:`): `manifest.json`
 * lists each image's config and layer files, either content-addressed (`blobs/sha256/<hex>`) or in the
 * legacy `<id>/layer.tar` layout. It has no registry manifest, so an image is identified by its
 * config digest (Docker's image ID).
 */
export class DockerArchiveSource implements ImageSource {
  readonly kind = 'docker-archive' as const;

  constructor(
    private readonly name: string,
    private readonly files: ArchiveFiles,
  ) {}

  async resolve(selection: ImageSelection, context: SourceContext): Promise<ResolvedImage> {
    const { files } = this;
    const { maxDocumentBytes } = context.limits;
    const entries = validate('manifest.json', dockerArchiveManifestSchema, parseJson('manifest.json', await files.read('manifest.json', maxDocumentBytes)));
    const entry = this.select(entries, selection.image);

    const expectedConfigDigest = digestInName(entry.Config);
    const configData = await files.read(entry.Config, maxDocumentBytes);
    const configDigest = `sha256:${createHash('sha256').update(configData).digest('hex')}`;
    if (expectedConfigDigest && expectedConfigDigest !== configDigest) {
      throw new DigestMismatchError(`config ${entry.Config}`, expectedConfigDigest, configDigest);
    }
    const config = parseImageConfig(`config ${entry.Config}`, configData);
    requirePlatform(files.location, config, selection.platform);
    const diffIds = layerDiffIds(files.location, entry.Layers.length, config);

    const layers: LayerBlob[] = [];
    for (const [index, member] of entry.Layers.entries()) {
      if (!(await files.has(member))) {
        throw new NotFoundError(`${files.location}: manifest.json points to a missing layer file ${member} (layer ${index})`);
      }
      const diffId = diffIds[index] as string;
      const compression = sniffCompression(await files.head(member, 4));
      // Legacy `<id>/layer.tar` files are the uncompressed tars, so their digest is the diffID; a
      // compressed one (rare) has to be hashed to be named.
      const digest = digestInName(member) ?? (compression === 'none' ? diffId : await this.digestOf(member));
      const what = `layer ${index} (${member})`;
      layers.push({
        index,
        digest,
        size: await files.size(member),
        mediaType: layerMediaType[compression],
        diffId,
        // a file name the archive chose, not an address: the layer cache stands in for it only once hashed
        contentAddressed: false,
        open: async () => openVerified(files, member, what, { digest }),
      });
    }
    return {
      source: this.kind,
      name: this.name,
      reference: entry.RepoTags?.[0],
      manifestDigest: undefined,
      indexDigest: undefined,
      manifestMediaType: undefined,
      manifest: undefined,
      configDigest,
      config,
      layers,
    };
  }

  private select(entries: ArchiveEntry[], wanted: string | undefined): ArchiveEntry {
    const tags = entries.flatMap((e) => e.RepoTags ?? []);
    if (wanted !== undefined) {
      const found = entries.find((e) => (e.RepoTags ?? []).some((tag) => refNameMatches(tag, wanted)));
      if (!found)
        throw new NotFoundError(`${this.files.location} has no image tagged ${JSON.stringify(wanted)}; it has: ${tags.join(', ') || 'untagged images only'}`);
      return found;
    }
    const [first] = entries;
    if (!first) throw new NotFoundError(`${this.files.location}: manifest.json lists no images`);
    if (entries.length > 1) {
      throw new UnsupportedError(`${this.files.location} holds ${entries.length} images; choose one with --image NAME:TAG (${tags.join(', ')})`);
    }
    return first;
  }

  private async digestOf(member: string): Promise<string> {
    const hash = createHash('sha256');
    await pipeline(this.files.open(member), new Writable({ write: (chunk: Buffer, _e, done) => (hash.update(chunk), done()) }));
    return `sha256:${hash.digest('hex')}`;
  }

  async close(): Promise<void> {
    // nothing held open
  }
}

/** `blobs/sha256/<hex>` or `<hex>.json` → `sha256:<hex>`; undefined for legacy `<id>/layer.tar`. */
function digestInName(name: string): string | undefined {
  const blob = /(?:^|\/)blobs\/(sha256|sha512)\/([a-f0-9]+)$/.exec(name);
  if (blob) return checked(`${blob[1]}:${blob[2]}`);
  const json = /^([a-f0-9]{64})\.json$/.exec(name);
  return json ? `sha256:${json[1]}` : undefined;
}

function checked(digest: string): string {
  parseDigest(digest);
  return digest;
}
