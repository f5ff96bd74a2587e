import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadManifests } from '../../../runtime/manifests/load.js';
import { podTemplateOf } from '../../../runtime/manifests/pods.js';
import { node } from '../test-evidence.js';
import { defaultDenyManifests, hardenPod, isDnsLabel, namespaceManifest, newManifest, policyVersion, yamlBlock } from './manifest-edits.js';

const object = (text: string, file = 'k8s/pod.yaml') => {
  const [loaded] = loadManifests([{ name: file, text }]).objects;
  if (loaded === undefined) throw new Error('no object');
  return loaded;
};

describe('manifest edits', () => {
  it('takes only DNS labels as namespace names', () => {
    expect(['shop', 'shop-prod', 'a1', 'x'.repeat(63)].every(isDnsLabel)).toBe(true);
    expect(['', 'Shop', '-shop', 'shop-', 'a.b', '../x', 'a/b', 'x'.repeat(64), 'shop\n', 'a b'].some(isDnsLabel)).toBe(false);
  });

  it('writes its patches as block YAML whose values read back exactly (YAML 1.1 words quoted)', () => {
    const text = yamlBlock({
      metadata: { name: 'yes', labels: { 'pod-security.kubernetes.io/enforce': 'on' } },
      security_opt: ['no-new-privileges:true', 'ALL'],
    });
    expect(text).toBe('metadata:\n  name: "yes"\n  labels:\n    pod-security.kubernetes.io/enforce: "on"\nsecurity_opt: ["no-new-privileges:true", ALL]');
    expect(parse(text, { version: '1.1' })).toEqual({
      metadata: { name: 'yes', labels: { 'pod-security.kubernetes.io/enforce': 'on' } },
      security_opt: ['no-new-privileges:true', 'ALL'],
    });
  });

  it('writes Namespace and NetworkPolicy manifests the loader reads back', () => {
    const objects = loadManifests([
      { name: 'ns.yaml', text: namespaceManifest('true', 'restricted', 'v1.29') },
      { name: 'np.yaml', text: defaultDenyManifests('true', { deny: 'default-deny', dns: 'allow-dns' }) },
    ]);
    expect(objects.diagnostics).toEqual([]);
    expect(objects.objects.map((o) => [o.kind, o.name, o.namespace])).toEqual([
      ['Namespace', 'true', undefined],
      ['NetworkPolicy', 'default-deny', 'true'],
      ['NetworkPolicy', 'allow-dns', 'true'],
    ]);
    const docs = parseAllDocuments(defaultDenyManifests('shop', { deny: 'd', dns: 'n' }));
    expect((Array.isArray(docs) ? docs : []).map((d) => (d.toJS() as { spec: unknown }).spec)).toEqual([
      { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
      {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
            ],
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
        ],
      },
    ]);
  });

  it('puts a new manifest beside the anchor, or at its end when the anchor was named itself, and nowhere for a cluster or stdin', () => {
    expect(newManifest('/e/k8s/apps/web.yaml', ['/e/k8s'], 'shop-namespace.yaml', 'x')).toEqual({
      kind: 'create',
      file: '/e/k8s/apps/shop-namespace.yaml',
      text: 'x',
    });
    expect(newManifest('/e/web.yaml', ['/e/./web.yaml'], 'n.yaml', 'x')).toEqual({ kind: 'append', file: '/e/web.yaml', text: '---\nx' });
    expect(newManifest('/e/web.json', ['/e/web.json'], 'n.yaml', 'x')).toBeUndefined();
    expect(newManifest('cluster:prod', ['cluster:prod'], 'n.yaml', 'x')).toBeUndefined();
    expect(newManifest('(stdin)', ['-'], 'n.yaml', 'x')).toBeUndefined();
  });

  it('pins the policy version of the oldest kubelet read', () => {
    expect(policyVersion([node('a', { kubeletVersion: 'v1.31.1' }), node('b', { kubeletVersion: 'v1.29.0-eks-5e0fdde' })])).toBe('v1.29');
    expect(policyVersion([node('a', { kubeletVersion: undefined })])).toBeUndefined();
    expect(policyVersion([])).toBeUndefined();
  });

  it('hardens only what the level fails: at baseline, privileged and host namespaces, not the restricted fields', () => {
    const pod = object(
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostIPC: true\n  containers:\n    - name: c\n      image: x:1\n      securityContext:\n        privileged: true\n',
    );
    const template = podTemplateOf(pod);
    if (template === undefined) throw new Error('no template');
    const hardening = hardenPod(pod, template, { level: 'baseline', runsAsRoot: () => undefined });
    expect(hardening.edits).toEqual([
      { kind: 'yaml-merge', file: 'k8s/pod.yaml', line: 6, within: '(root)', text: 'hostIPC: false' },
      { kind: 'yaml-merge', file: 'k8s/pod.yaml', line: 8, within: 'containers', text: 'securityContext:\n  privileged: false' },
    ]);
    expect(hardening.manual).toEqual([]);
    expect(hardening.cautions).toEqual([]);
  });
});
