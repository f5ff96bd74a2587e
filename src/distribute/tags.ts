import { AbortedError, AuthError, NotFoundError, messageOf } from '../core/errors.js';
import { indexMediaTypes, imageManifestMediaTypes } from '../image/media-types.js';
import { mapConcurrently } from '../image/read-image.js';
import type { RegistryClient } from '../image/registry/client.js';
import type { TagReport, UnreadItem } from './model.js';

export interface ResolveTagsOptions {
  /** Tags resolved at once. */
  parallel: number;
  signal?: AbortSignal | undefined;
}

export interface ResolvedTags {
  /** In the order the tags were given; tags that could not be resolved are left out (see diagnostics). */
  resolved: TagReport[];
  diagnostics: string[];
  /** The tags among them that exist but could not be read (a tag gone since it was listed is only a diagnostic). */
  unread: UnreadItem[];
}

interface Unresolved extends UnreadItem {
  gone: boolean;
}

const knownManifestTypes = new Set([...indexMediaTypes, ...imageManifestMediaTypes]);

/**
 * Resolves tags to the digests they point at now. A HEAD is enough when the registry sends
 * `Docker-Content-Digest` and a manifest media type; otherwise (no header, a registry that refuses
 * HEAD with 405, or any other HEAD failure but "no such tag" and "denied") the manifest is fetched
 * and hashed. A tag that cannot be resolved is a diagnostic, not a failure of the whole scan.
 * `movedFrom` is left undefined: the caller knows the previous scan.
 */
export async function resolveTags(client: RegistryClient, repository: string, tags: readonly string[], options: ResolveTagsOptions): Promise<ResolvedTags> {
  const results = await mapConcurrently(tags, Math.max(1, options.parallel), async (tag): Promise<TagReport | Unresolved> => {
    try {
      return await resolveTag(client, repository, tag, options.signal);
    } catch (error) {
      if (error instanceof AbortedError || options.signal?.aborted) throw error;
      return { where: `${repository}:${tag}`, message: `the tag could not be resolved: ${messageOf(error)}`, gone: error instanceof NotFoundError };
    }
  });
  // diagnostics in tag order, whatever order the requests finished in
  const unresolved = results.filter((result): result is Unresolved => 'where' in result);
  return {
    resolved: results.filter((result): result is TagReport => !('where' in result)),
    diagnostics: unresolved.map((u) => `${u.where}: ${u.message}`),
    unread: unresolved.filter((u) => !u.gone).map(({ where, message }) => ({ where, message })),
  };
}

async function resolveTag(client: RegistryClient, repository: string, tag: string, signal: AbortSignal | undefined): Promise<TagReport> {
  try {
    const head = await client.headManifest(repository, tag, { signal });
    if (head.digest !== undefined && head.mediaType !== undefined && knownManifestTypes.has(head.mediaType)) {
      return { tag, digest: head.digest, mediaType: head.mediaType, movedFrom: undefined };
    }
  } catch (error) {
    // a GET would be refused or find nothing too
    if (error instanceof NotFoundError || error instanceof AuthError || error instanceof AbortedError) throw error;
  }
  const manifest = await client.getManifest(repository, tag, { signal });
  return { tag, digest: manifest.digest, mediaType: manifest.mediaType, movedFrom: undefined };
}
