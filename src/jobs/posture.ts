import path from 'node:path';
import type { ShipshapeConfig } from '../lifecycle/config.js';
import type { EstateEvidence } from '../lifecycle/estate-model.js';
import type { LifecycleMap } from '../lifecycle/model.js';
import { assessPosture } from '../lifecycle/posture/assess.js';
import { postureControlIds } from '../lifecycle/posture/controls/registry.js';
import { defaultPolicy, loadPolicy, type Policy } from '../lifecycle/posture/policy.js';
import { estateFindings } from '../report/estate-findings.js';
import type { ReportInput } from '../report/html/input.js';
import type { AdvisoryLookup } from '../vuln/match/matcher.js';

/**
 * The policy an estate is assessed by: `policyFile` (a flag) or the config's `policy:`, else the
 * default; the estate's allowed registries stand for the policy's when the policy names none.
 */
export async function loadEstatePolicy(
  config: ShipshapeConfig | undefined,
  overrides: { policyFile?: string | undefined; allowedRegistries?: string[] | undefined } = {},
): Promise<Policy> {
  const policyFile = overrides.policyFile ?? config?.policy;
  const loaded = policyFile ? await loadPolicy(policyFile, postureControlIds()) : defaultPolicy;
  const estateAllowed = overrides.allowedRegistries ?? config?.allowedRegistries ?? [];
  return loaded.allowedRegistries.length > 0 ? loaded : { ...loaded, allowedRegistries: estateAllowed };
}

/** The default title of an estate's posture report: the folder its config is in. */
export function postureTitle(config: ShipshapeConfig | undefined): string {
  return `Shipshape posture report — ${config ? path.basename(path.dirname(path.resolve(config.file))) : 'estate'}`;
}

/** The posture of a collected estate and everything its reports show: the one assessment `posture` and the server both make. */
export function assessEstate(
  evidence: EstateEvidence,
  map: LifecycleMap,
  options: {
    policy: Policy;
    now: Date;
    advisories: AdvisoryLookup | undefined;
    title: string;
    toolVersion: string;
    /** Digests of unpinned images asked of their registries (`fix --resolve`). */
    resolvedDigests?: ReadonlyMap<string, string> | undefined;
  },
): ReportInput {
  const posture = assessPosture(evidence, map, {
    policy: options.policy,
    now: options.now,
    resolvedDigests: options.resolvedDigests,
    ...(options.advisories ? { advisories: options.advisories } : {}),
  });
  return {
    title: options.title,
    generatedAt: options.now.toISOString(),
    toolVersion: options.toolVersion,
    map,
    posture,
    findings: estateFindings(evidence, map),
  };
}
