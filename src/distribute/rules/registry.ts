import { anonymousCatalog, anonymousPull, certificateExpiry, plainHttp, untrustedCertificate } from './access.js';
import { endOfLifeOs, rootImage, secretInImage, staleImage, uncheckedImage, vulnerableImage } from './images.js';
import type { RegistryRule } from './rule.js';
import { badSignature, noProvenance, noSbom, unsigned } from './signing.js';
import { latestTag, movedTag, untagged } from './tags.js';

/** Every SS-REG rule, in id order. */
export const registryRules: readonly RegistryRule[] = [
  plainHttp,
  anonymousPull,
  anonymousCatalog,
  untrustedCertificate,
  certificateExpiry,
  unsigned,
  badSignature,
  noProvenance,
  noSbom,
  movedTag,
  latestTag,
  staleImage,
  endOfLifeOs,
  vulnerableImage,
  untagged,
  secretInImage,
  rootImage,
  uncheckedImage,
];
