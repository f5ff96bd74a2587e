/** The OCI distribution registry client and the registry image source. */
export { openRegistryImage, RegistryImageSource } from './image-source.js';
export { RegistryClient, type ClientInternals, type FetchedManifest, type FetchOptions, type ManifestHead } from './client.js';
export type { RegistryOptions } from './options.js';
export type { Credentials } from './credentials.js';
export { parseWwwAuthenticate, type AuthChallenge } from './www-authenticate.js';
