import { adminBinding } from './checks/admin-binding.js';
import { automountToken } from './checks/automount-token.js';
import { defaultNamespace } from './checks/default-namespace.js';
import { envSecrets } from './checks/env-secrets.js';
import { imageDigest } from './checks/image-digest.js';
import { imageLatest } from './checks/image-latest.js';
import { imagePullPolicy } from './checks/image-pull-policy.js';
import { imageRegistry } from './checks/image-registry.js';
import { missingNetworkPolicy } from './checks/missing-network-policy.js';
import { netRaw } from './checks/net-raw.js';
import { probes } from './checks/probes.js';
import { readOnlyRootFs } from './checks/read-only-root-fs.js';
import { resourceLimits } from './checks/resource-limits.js';
import { sensitiveHostPathRule } from './checks/sensitive-host-path.js';
import type { WorkloadRule } from './rule.js';

/** Every workload rule (SS-K8S-NNN), in id order. Ids are permanent: retire a rule, never reuse its id. */
export const workloadRules: readonly WorkloadRule[] = [
  imageDigest, // SS-K8S-001
  imageLatest, // SS-K8S-002
  imageRegistry, // SS-K8S-003
  resourceLimits, // SS-K8S-004
  readOnlyRootFs, // SS-K8S-005
  netRaw, // SS-K8S-006
  envSecrets, // SS-K8S-007
  probes, // SS-K8S-008
  sensitiveHostPathRule, // SS-K8S-009
  defaultNamespace, // SS-K8S-010
  adminBinding, // SS-K8S-011
  automountToken, // SS-K8S-012
  missingNetworkPolicy, // SS-K8S-013
  imagePullPolicy, // SS-K8S-014
];
