/** Signatures and attestations stored in a registry: discovery, classification, cosign key verification. */
export { discoverReferrers } from './discover.js';
export { loadPublicKey } from './keys.js';
export { isArtifactTag } from './tags.js';
