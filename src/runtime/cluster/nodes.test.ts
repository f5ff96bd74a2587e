import { describe, expect, it } from 'vitest';
import { nodeInfoOf, parseProviderId } from './nodes.js';

describe('parseProviderId', () => {
  it('decodes AWS, with and without a zone', () => {
    expect(parseProviderId('aws:///eu-west-1b/i-0123456789abcdef0')).toMatchObject({ provider: 'aws', zone: 'eu-west-1b', instanceId: 'i-0123456789abcdef0' });
    expect(parseProviderId('aws:///i-0123456789abcdef0')).toMatchObject({ provider: 'aws', zone: undefined, instanceId: 'i-0123456789abcdef0' });
  });

  it('decodes GCE project, zone and instance', () => {
    expect(parseProviderId('gce://my-project/us-central1-a/gke-pool-1-abcd')).toMatchObject({
      provider: 'gce',
      project: 'my-project',
      zone: 'us-central1-a',
      instanceId: 'gke-pool-1-abcd',
    });
  });

  it('decodes Azure VMs and scale-set instances', () => {
    const sub = '00000000-1111-2222-3333-444444444444';
    expect(parseProviderId(`azure:///subscriptions/${sub}/resourceGroups/mc_rg/providers/Microsoft.Compute/virtualMachines/vm-1`)).toMatchObject({
      provider: 'azure',
      subscription: sub,
      resourceGroup: 'mc_rg',
      instanceId: 'vm-1',
    });
    expect(
      parseProviderId(
        `azure:///subscriptions/${sub}/resourceGroups/mc_rg/providers/Microsoft.Compute/virtualMachineScaleSets/aks-nodepool1-123-vmss/virtualMachines/3`,
      ),
    ).toMatchObject({ instanceId: 'aks-nodepool1-123-vmss_3', resourceGroup: 'mc_rg' });
  });

  it('takes the last segment for other providers and rejects non-URLs', () => {
    expect(parseProviderId('kind://docker/kind/kind-control-plane')).toMatchObject({ provider: 'kind', instanceId: 'kind-control-plane' });
    expect(parseProviderId('not a provider id')).toBeUndefined();
  });
});

describe('nodeInfoOf', () => {
  it('falls back to beta labels and tolerates missing fields', () => {
    const info = nodeInfoOf({ metadata: { name: 'n1', labels: { 'failure-domain.beta.kubernetes.io/zone': 'z1', 'kubernetes.io/arch': 'arm64' } } });
    expect(info).toMatchObject({ name: 'n1', zone: 'z1', architecture: 'arm64', cloud: undefined, kernelVersion: undefined });
  });
});
