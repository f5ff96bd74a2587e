import { dockerfileRules } from '../buildtime/dockerfile/registry.js';
import { registryRules } from '../distribute/rules/registry.js';
import type { EstateEvidence } from '../lifecycle/estate-model.js';
import { lifecycleRules } from '../lifecycle/findings.js';
import type { LifecycleMap } from '../lifecycle/model.js';
import { workloadRules } from '../runtime/rules/registry.js';
import type { RuleFindingSet } from './rule-findings.js';
import { ruleSarifJson } from './sarif.js';

/** Every rule finding of an estate as one SARIF log: Dockerfiles, registries, workloads, lifecycle breaks. */
export function postureSarif(evidence: EstateEvidence, map: LifecycleMap, toolVersion: string): string {
  const sets: RuleFindingSet[] = [
    {
      scanner: 'dockerfile',
      rules: dockerfileRules.map((r) => r.meta),
      findings: evidence.build.dockerfiles.flatMap((d) => d.findings.map((f) => ({ ...f, location: { ...f.location, file: f.location.file ?? d.file } }))),
    },
    {
      scanner: 'registry',
      rules: registryRules.map((r) => r.meta),
      findings: evidence.registries.flatMap((report) =>
        report.findings.map((f) => ({
          ...f,
          location: { file: `docker://${f.target.registry}${f.target.repository ? `/${f.target.repository}` : ''}${f.target.tag ? `:${f.target.tag}` : ''}` },
        })),
      ),
    },
    { scanner: 'workload', rules: workloadRules.map((r) => r.meta), findings: evidence.run?.findings ?? [] },
    { scanner: 'lifecycle', rules: lifecycleRules, findings: map.findings },
  ];
  return ruleSarifJson(
    sets,
    toolVersion,
    map.inputs.unscannedRegistries.map((r) => `The registry ${r.registry} could not be scanned (${r.reason}): what it stores was not assessed`),
  );
}
