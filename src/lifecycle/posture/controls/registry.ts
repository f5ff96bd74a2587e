import { trustedParentImages } from './b01-trusted-parent-images.js';
import { gatingScanBeforePush } from './b02-gating-scan-before-push.js';
import { noSecretsInImages } from './b03-no-secrets-in-images.js';
import { nonRootImages } from './b04-non-root-images.js';
import { sbomGenerated } from './b05-sbom-generated.js';
import { imagesSigned } from './b06-images-signed.js';
import { provenanceProduced } from './b07-provenance.js';
import { dockerfileRulesClean } from './b08-dockerfile-rules-clean.js';
import type { PostureControl } from './control.js';
import { registryPullAuth } from './d01-registry-pull-auth.js';
import { registryTls } from './d02-registry-tls.js';
import { imagesSignedVerifiable } from './d03-images-signed-verifiable.js';
import { immutableTags } from './d04-immutable-tags.js';
import { staleImagesPruned } from './d05-stale-images-pruned.js';
import { vulnerabilitiesWithinPolicy } from './d06-vulnerabilities-within-policy.js';
import { containerOptimisedOs } from './h01-container-optimised-os.js';
import { kubeletSupported } from './h02-kubelet-supported.js';
import { runtimeSupported } from './h03-runtime-supported.js';
import { runtimeAdvisories } from './h04-runtime-advisories.js';
import { kernelSupported } from './h05-kernel-supported.js';
import { engineConfiguration } from './h06-engine-configuration.js';
import { noRuntimeDrift } from './h07-no-runtime-drift.js';
import { containersConfined } from './h08-containers-confined.js';
import { namespacesEnforcePss } from './r01-namespaces-enforce-pss.js';
import { workloadsRestricted } from './r02-workloads-restricted.js';
import { imagesByDigestFromAllowed } from './r03-images-by-digest-allowed.js';
import { admissionVerifiesSignatures } from './r04-admission-verifies-signatures.js';
import { networkPolicies } from './r05-network-policies.js';
import { noPrivilegedWorkloads } from './r06-no-privileged-workloads.js';

/** The posture catalogue, phase by phase (build, distribute, run, host), ids in order. */
export const postureControls: readonly PostureControl[] = [
  trustedParentImages,
  gatingScanBeforePush,
  noSecretsInImages,
  nonRootImages,
  sbomGenerated,
  imagesSigned,
  provenanceProduced,
  dockerfileRulesClean,
  registryPullAuth,
  registryTls,
  imagesSignedVerifiable,
  immutableTags,
  staleImagesPruned,
  vulnerabilitiesWithinPolicy,
  namespacesEnforcePss,
  workloadsRestricted,
  imagesByDigestFromAllowed,
  admissionVerifiesSignatures,
  networkPolicies,
  noPrivilegedWorkloads,
  containerOptimisedOs,
  kubeletSupported,
  runtimeSupported,
  runtimeAdvisories,
  kernelSupported,
  engineConfiguration,
  noRuntimeDrift,
  containersConfined,
];

export function postureControl(id: string): PostureControl | undefined {
  return postureControls.find((control) => control.meta.id === id);
}

/** The control ids, for checking a policy's accepted risks. */
export function postureControlIds(): Set<string> {
  return new Set(postureControls.map((control) => control.meta.id));
}
