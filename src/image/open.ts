import { stat } from 'node:fs/promises';
import { NotFoundError, ShipshapeError, UsageError } from '../core/errors.js';
import type { Limits } from '../core/limits.js';
import { parseReference } from './reference.js';
import type { RegistryOptions } from './registry/index.js';
import { directoryFiles, tarFiles } from './sources/archive-files.js';
import { DockerArchiveSource } from './sources/docker-archive.js';
import { OciLayoutSource } from './sources/oci-layout.js';
import { TarIndex } from './sources/tar-index.js';
import type { ImageSource } from './source.js';

export interface OpenOptions {
  limits: Limits;
  registry: RegistryOptions;
}

/**
 * Opens what the user named as an image: a transport-prefixed name as skopeo writes them
 * (`docker-archive:x.tar`, `oci-archive:x.tar`, `oci:dir`, `docker://ref`), an existing path
 * (its format sniffed), or else a registry reference.
 */
export async function openImage(name: string, options: OpenOptions): Promise<ImageSource> {
  const prefixed = /^(docker-archive|oci-archive|oci|docker|registry):(?:\/\/)?(.+)$/.exec(name);
  if (prefixed) {
    const [, transport, rest] = prefixed as unknown as [string, string, string];
    if (transport === 'docker' || transport === 'registry') return openRegistry(rest, options.registry);
    if (transport === 'oci') return new OciLayoutSource('oci-layout', name, directoryFiles(rest));
    const files = tarFiles(await indexArchive(rest, options.limits));
    return transport === 'oci-archive' ? new OciLayoutSource('oci-archive', name, files) : new DockerArchiveSource(name, files);
  }

  const info = await stat(name).catch(() => undefined);
  if (info?.isDirectory()) return new OciLayoutSource('oci-layout', name, directoryFiles(name));
  if (info?.isFile()) {
    const index = await indexArchive(name, options.limits);
    // `docker save` since Docker 25 writes both formats in one tar; the OCI layout has the manifest digest.
    if (index.has('oci-layout') && index.has('index.json')) return new OciLayoutSource('oci-archive', name, tarFiles(index));
    if (index.has('manifest.json')) return new DockerArchiveSource(name, tarFiles(index));
    throw new NotFoundError(`${name} is a tar archive but not an image (no manifest.json, no oci-layout)`);
  }

  if (/^[./~]|\.tar$/.test(name)) throw new NotFoundError(`${name}: no such file or directory`);
  try {
    return await openRegistry(name, options.registry);
  } catch (error) {
    if (error instanceof UsageError) {
      throw new NotFoundError(`${name}: no such file or directory, and not a valid image reference (${error.message})`);
    }
    throw error;
  }
}

/** The registry client (and undici under it) is loaded only when a registry is used: it costs ~0.1 s of start-up. */
async function openRegistry(reference: string, options: RegistryOptions): Promise<ImageSource> {
  const parsed = parseReference(reference);
  const { openRegistryImage } = await import('./registry/index.js');
  return openRegistryImage(parsed, options);
}

async function indexArchive(file: string, limits: Limits): Promise<TarIndex> {
  try {
    return await TarIndex.build(file, limits);
  } catch (error) {
    if (error instanceof ShipshapeError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`${file}: no such file`);
    if ((error as NodeJS.ErrnoException).code === 'EISDIR') throw new UsageError(`${file} is a directory, not an archive`);
    throw error;
  }
}
