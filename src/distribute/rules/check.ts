import { uniqueBy } from '../../core/collections.js';
import { fingerprintOf } from '../../rules/fingerprint.js';
import type { RegistryFinding, RegistryScanReport } from '../model.js';
import { registryRules } from './registry.js';
import type { RegistryRuleContext } from './rule.js';

/**
 * How registry fingerprints are made; the scan history keeps it per scan, so that scans fingerprinted
 * another way are still compared sensibly. 1: rule, target (with the first tag) and message; 2: rule,
 * registry, repository and the finding's identity.
 */
export const registryFingerprintScheme = 2;

/**
 * Applies every SS-REG rule to a scan; findings in rule order, each with a fingerprint that does not
 * depend on how tags group on digests (a finding twice over is kept once).
 */
export function checkRegistry(report: Omit<RegistryScanReport, 'findings'>, options: Omit<RegistryRuleContext, 'report'>): RegistryFinding[] {
  const context: RegistryRuleContext = { ...options, report };
  const findings = registryRules.flatMap((rule) =>
    rule.check(context).map((draft): RegistryFinding => {
      const target = { registry: report.registry, ...draft.target };
      return {
        ruleId: rule.meta.id,
        title: rule.meta.title,
        severity: draft.severity ?? rule.meta.severity,
        message: draft.message,
        location: {},
        fingerprint: fingerprintOf(rule.meta.id, target.registry, target.repository, ...(draft.identity ?? [target.digest])),
        target,
      };
    }),
  );
  return uniqueBy(findings, (finding) => finding.fingerprint);
}
