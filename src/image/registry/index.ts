/** The OCI distribution registry client and the registry image source. */
export { openRegistryImage } from './image-source.js';
export type { RegistryOptions } from './options.js';
