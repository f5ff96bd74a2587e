import path from 'node:path';
import { messageOf } from '../core/errors.js';
import { defaultLimits } from '../core/limits.js';
import { mapConcurrently } from '../image/read-image.js';
import { formatReference, parseReference } from '../image/reference.js';
import { RegistryClient } from '../image/registry/client.js';
import type { RegistryOptions } from '../image/registry/options.js';
import type { ShipshapeConfig } from '../lifecycle/config.js';
import { estateHostOf, registryOptionsOf } from './registry-scan.js';

/** How to reach a registry an image reference names: the address to connect to, its TLS and credentials. */
export type RegistryAccess = (registry: string) => { host: string; options: RegistryOptions };

/**
 * Access to the registries the estate's images name: a registry of the config (by its name or its
 * `as:` host) with its settings and credentials; any other with the Docker config's credentials
 * (`$DOCKER_CONFIG`, else `~/.docker`) — credentials only ever go to the host they are for.
 */
export function registryAccessOf(config: ShipshapeConfig | undefined, env: Readonly<Record<string, string | undefined>>, homedir: string): RegistryAccess {
  return (registry) => {
    const configured = config?.registries.find((r) => estateHostOf(r) === registry || r.registry === registry);
    if (configured) return { host: configured.registry, options: registryOptionsOf(configured, { env, homedir }) };
    return { host: registry, options: { dockerConfigPath: path.join(env.DOCKER_CONFIG ?? path.join(homedir, '.docker'), 'config.json') } };
  };
}

/**
 * The digest each tag reference points at now, asked of its registry (4 at a time), filed under the
 * reference as written and as normalised (`nginx:1.25` and `docker.io/library/nginx:1.25`). A
 * reference that cannot be resolved is named in `problems` with the reason: its change stays manual.
 */
export async function resolveDigests(
  references: Iterable<string>,
  access: RegistryAccess,
  signal?: AbortSignal | undefined,
): Promise<{ digests: Map<string, string>; problems: string[] }> {
  const digests = new Map<string, string>();
  const problems: string[] = [];
  const wanted = [...new Set(references)].filter((reference) => !reference.includes('@'));
  await mapConcurrently(wanted, 4, async (reference) => {
    let client: RegistryClient | undefined;
    try {
      const parsed = parseReference(reference);
      const { host, options } = access(parsed.registry);
      client = new RegistryClient(host, options);
      const fetched = await client.getManifest(parsed.repository, parsed.tag ?? 'latest', { signal, maxBytes: defaultLimits.maxDocumentBytes });
      digests.set(reference, fetched.digest);
      digests.set(formatReference({ ...parsed, digest: undefined }), fetched.digest);
    } catch (error) {
      problems.push(`${reference}: ${messageOf(error)}`);
    } finally {
      await client?.close();
    }
  });
  return { digests, problems };
}
