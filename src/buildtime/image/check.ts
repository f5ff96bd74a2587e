import type { ImageModel } from '../../image/read-image.js';
import { fingerprintOf } from '../../rules/fingerprint.js';
import type { RuleFinding } from '../../rules/rule.js';
import { compareSeverity } from '../../core/severity.js';
import { imageRules } from './registry.js';
import type { ImageRule, ImageRuleContext } from './rule.js';

/**
 * Runs the image rules on a read image and returns their findings, fingerprinted, most severe
 * first, then by rule id, layer and path. Fingerprints use the rule, layer index and path (file
 * findings) or the message (config findings), not digests, so they survive a rebuild.
 */
export function checkImage(model: ImageModel, context: ImageRuleContext, rules: readonly ImageRule[] = imageRules): RuleFinding[] {
  const findings = rules.flatMap((rule) =>
    rule.check(model, context).map((finding): RuleFinding => {
      const { layer, path } = finding.location;
      const fingerprint = path === undefined ? fingerprintOf(finding.ruleId, layer?.index, finding.message) : fingerprintOf(finding.ruleId, layer?.index, path);
      return { ...finding, fingerprint };
    }),
  );
  return findings.sort(
    (a, b) =>
      compareSeverity(b.severity, a.severity) ||
      a.ruleId.localeCompare(b.ruleId) ||
      (a.location.layer?.index ?? -1) - (b.location.layer?.index ?? -1) ||
      (a.location.path ?? '').localeCompare(b.location.path ?? '') ||
      a.message.localeCompare(b.message),
  );
}
