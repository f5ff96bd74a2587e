import { fingerprintOf } from '../../rules/fingerprint.js';
import type { RegistryFinding, RegistryScanReport } from '../model.js';
import { registryRules } from './registry.js';
import type { RegistryRuleContext } from './rule.js';

/** Applies every SS-REG rule to a scan; findings in rule order, each with a stable fingerprint. */
export function checkRegistry(report: Omit<RegistryScanReport, 'findings'>, options: Omit<RegistryRuleContext, 'report'>): RegistryFinding[] {
  const context: RegistryRuleContext = { ...options, report };
  return registryRules.flatMap((rule) =>
    rule.check(context).map((draft): RegistryFinding => {
      const target = { registry: report.registry, ...draft.target };
      return {
        ruleId: rule.meta.id,
        title: rule.meta.title,
        severity: draft.severity ?? rule.meta.severity,
        message: draft.message,
        location: {},
        fingerprint: fingerprintOf(rule.meta.id, target.registry, target.repository, target.tag, target.digest, draft.message),
        target,
      };
    }),
  );
}
