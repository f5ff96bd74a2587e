import { assembleImage as assembleManifest, layerOf, ociLayoutFiles, writeDirectory, type WrittenImage, type WrittenLayer } from '../image/build/image.js';
import { storedGzip } from '../image/build/gzip.js';
import { MediaType } from '../image/media-types.js';
import type { FileTree, LayerChanges } from './file-tree.js';
import { layerTar } from './tar-layer.js';

/** The container settings of an image config, in the order BuildKit writes them. */
export interface ContainerSettings {
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  Volumes?: Record<string, Record<string, never>>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
}

export interface HistoryRecord {
  created: string;
  created_by: string;
  comment?: string;
  empty_layer?: true;
}

export interface ImageConfigDocument {
  architecture: string;
  config: ContainerSettings;
  created: string;
  history: HistoryRecord[];
  os: string;
  rootfs: { type: 'layers'; diff_ids: string[] };
}

/** An OCI image held in memory: the bytes to push, the parsed config, and the squashed files. */
export interface BuiltImage extends WrittenImage {
  configDocument: ImageConfigDocument;
  /** The image's filesystem, for later stages (`COPY --from`) and images built on this one. */
  files: FileTree;
}

/** Turns a layer's changes into the gzip blob a registry stores. */
export async function makeLayer(changes: LayerChanges, below: FileTree, mtime: Date): Promise<WrittenLayer> {
  const tar = await layerTar(changes, below, mtime);
  return layerOf(tar, storedGzip(tar), MediaType.ociLayerGzip);
}

/** Serialises the config (its diff_ids those of the layers) and the manifest. */
export function assembleImage(document: ImageConfigDocument, layers: WrittenLayer[], files: FileTree): BuiltImage {
  const configDocument: ImageConfigDocument = { ...document, rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.diffId) } };
  return { ...assembleManifest(Buffer.from(JSON.stringify(configDocument)), layers), configDocument, files };
}

/** Writes images as an OCI image layout directory, each named by `refName` in index.json. */
export function writeOciLayout(dir: string, images: readonly { image: BuiltImage; refName?: string | undefined }[]): Promise<string> {
  return writeDirectory(dir, ociLayoutFiles(images));
}
