import type { ImageModel } from '../../image/read-image.js';
import type { RuleFinding, RuleMeta } from '../../rules/rule.js';

/** An image rule's metadata: the common rule fields plus the CIS Docker Benchmark and dockle ids it maps to. */
export type ImageRuleMeta = RuleMeta & {
  /** CIS Docker Benchmark v1.6.0 recommendation, e.g. `4.6`. */
  cis?: string;
  /** dockle checkpoint, e.g. `CIS-DI-0006`. */
  dockle?: string;
};

/** What a rule knows besides the image itself. */
export interface ImageRuleContext {
  /** How many of the image's layers come from its base image; undefined when unknown. */
  baseLayers: number | undefined;
  /** Size from which a file written and later deleted or overwritten counts as waste (default 10 MiB). */
  wasteThresholdBytes?: number | undefined;
}

/** A finding as a rule returns it; `checkImage` adds the fingerprint. */
export type ImageFinding = Omit<RuleFinding, 'fingerprint'>;

/** A check on a built image's configuration, history or files; no Dockerfile needed. */
export interface ImageRule {
  meta: ImageRuleMeta;
  check(model: ImageModel, context: ImageRuleContext): ImageFinding[];
}
