/** Where a node runs, decoded from `spec.providerID`. */
export interface CloudInstance {
  /** The providerID scheme: `aws`, `gce`, `azure`, `kind`, `openstack`... */
  provider: string;
  /** The instance id or VM name: `i-0abc...`, the GCE instance name, the Azure VM name. */
  instanceId: string | undefined;
  /** Availability zone when the providerID carries it (AWS, GCE). */
  zone: string | undefined;
  /** GCE project. */
  project: string | undefined;
  /** Azure subscription id. */
  subscription: string | undefined;
  /** Azure resource group. */
  resourceGroup: string | undefined;
}

/** What the inventory and reports need to know about one cluster node. */
export interface NodeInfo {
  name: string;
  osImage: string | undefined;
  operatingSystem: string | undefined;
  kernelVersion: string | undefined;
  containerRuntimeVersion: string | undefined;
  kubeletVersion: string | undefined;
  architecture: string | undefined;
  /** `spec.providerID` as written. */
  providerId: string | undefined;
  cloud: CloudInstance | undefined;
  instanceType: string | undefined;
  region: string | undefined;
  zone: string | undefined;
  labels: Record<string, string>;
}

/** Builds a `NodeInfo` from a Node as the API server returns it; missing fields stay undefined. */
export function nodeInfoOf(node: Record<string, unknown>): NodeInfo {
  const metadata = record(node['metadata']);
  const spec = record(node['spec']);
  const info = record(record(node['status'])['nodeInfo']);
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(record(metadata['labels']))) {
    if (typeof value === 'string') labels[key] = value;
  }
  const providerId = str(spec['providerID']);
  const cloud = providerId === undefined ? undefined : parseProviderId(providerId);
  return {
    name: str(metadata['name']) ?? '',
    osImage: str(info['osImage']),
    operatingSystem: str(info['operatingSystem']) ?? labels['kubernetes.io/os'],
    kernelVersion: str(info['kernelVersion']),
    containerRuntimeVersion: str(info['containerRuntimeVersion']),
    kubeletVersion: str(info['kubeletVersion']),
    architecture: str(info['architecture']) ?? labels['kubernetes.io/arch'],
    providerId,
    cloud,
    // The beta labels are still set by older clusters and some managed offerings.
    instanceType: labels['node.kubernetes.io/instance-type'] ?? labels['beta.kubernetes.io/instance-type'],
    region: labels['topology.kubernetes.io/region'] ?? labels['failure-domain.beta.kubernetes.io/region'],
    zone: labels['topology.kubernetes.io/zone'] ?? labels['failure-domain.beta.kubernetes.io/zone'] ?? cloud?.zone,
    labels,
  };
}

/**
 * Decodes a providerID: `aws:///us-east-1a/i-0abc`, `gce://project/zone/name`,
 * `azure:///subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Compute/virtualMachines/<vm>`
 * (or a scale-set instance), and any other `scheme://.../<id>` with its last segment as the id.
 * Returns undefined when the value has no `scheme://`.
 */
export function parseProviderId(providerId: string): CloudInstance | undefined {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(providerId.trim());
  if (match === null) return undefined;
  const provider = (match[1] ?? '').toLowerCase();
  const parts = (match[2] ?? '').split('/').filter((part) => part !== '');
  const result: CloudInstance = {
    provider,
    instanceId: parts.at(-1),
    zone: undefined,
    project: undefined,
    subscription: undefined,
    resourceGroup: undefined,
  };
  if (provider === 'aws') {
    // `aws:///zone/id`, or `aws:///id` on some self-managed clusters.
    if (parts.length >= 2) result.zone = parts[0];
  } else if (provider === 'gce' && parts.length >= 3) {
    result.project = parts[0];
    result.zone = parts[1];
  } else if (provider === 'azure') {
    const lower = parts.map((part) => part.toLowerCase());
    const after = (key: string): string | undefined => {
      const index = lower.indexOf(key);
      return index < 0 ? undefined : parts[index + 1];
    };
    result.subscription = after('subscriptions');
    result.resourceGroup = after('resourcegroups');
    // A scale-set instance ends in `virtualMachines/<index>`: name it `<scale set>_<index>` as Azure does.
    const scaleSet = after('virtualmachinescalesets');
    const vm = after('virtualmachines');
    result.instanceId = scaleSet !== undefined && vm !== undefined ? `${scaleSet}_${vm}` : (vm ?? result.instanceId);
  }
  return result;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
