/** Signatures and attestations stored in a registry: discovery, classification, cosign key verification. */
export { discoverReferrers, type ReferrerDiscovery, type ReferrerDiscoveryOptions } from './discover.js';
export { loadPublicKey } from './keys.js';
export { cosignTag, isArtifactTag, referrersTag } from './tags.js';
export { attestationKind } from './predicates.js';
export { isAttestationEntry } from './buildkit.js';
