import type { RuleMeta } from '../../rules/rule.js';
import type { StoredScan } from '../history.js';
import type { PlatformImage, RegistryFinding, RegistryScanReport, RegistryTarget, RepositoryReport, StoredImage } from '../model.js';

/** What the SS-REG rules see: the scan (without findings) and the policy knobs. */
export interface RegistryRuleContext {
  report: Omit<RegistryScanReport, 'findings'>;
  now: Date;
  /** Images older than this are stale. */
  maxImageAgeDays: number;
  /** cosign keys were given: signatures can be verified. */
  keysGiven: boolean;
  previous: StoredScan | undefined;
}

/** A finding before its fingerprint and the rule's title/severity are filled in. */
export interface RegistryFindingDraft {
  message: string;
  target: Omit<RegistryTarget, 'registry'>;
  /** Overrides the rule's severity (e.g. the worst vulnerability found). */
  severity?: RegistryFinding['severity'] | undefined;
  /**
   * What tells this finding apart from the rule's others in the same repository (default: the
   * target's digest). The fingerprint is made of it, so it holds nothing that changes while the
   * image does not: no tag grouping, age or count.
   */
  identity?: readonly (string | number | undefined)[];
}

export interface RegistryRule {
  meta: RuleMeta;
  check(context: RegistryRuleContext): RegistryFindingDraft[];
}

/** Each stored image with its repository. */
export function* storedImages(report: Omit<RegistryScanReport, 'findings'>): Generator<{ repository: RepositoryReport; image: StoredImage }> {
  for (const repository of report.repositories) for (const image of repository.images) yield { repository, image };
}

/** Each platform image with its stored image and repository. */
export function* platformImages(
  report: Omit<RegistryScanReport, 'findings'>,
): Generator<{ repository: RepositoryReport; image: StoredImage; platform: PlatformImage }> {
  for (const { repository, image } of storedImages(report)) for (const platform of image.platforms) yield { repository, image, platform };
}

/** `team/app:1.2` or `team/app@sha256:…` for messages. */
export function imageName(repository: RepositoryReport, image: StoredImage): string {
  return image.tags.length > 0 ? `${repository.name}:${image.tags.join(',')}` : `${repository.name}@${image.digest}`;
}

export function imageTarget(repository: RepositoryReport, image: StoredImage, digest = image.digest): RegistryFindingDraft['target'] {
  return { repository: repository.name, tag: image.tags[0], digest };
}

export const nist = (section: string, title: string): string => `NIST SP 800-190 ${section} ${title}`;
