import { describe, expect, it } from 'vitest';
import { loadManifests } from '../manifests/load.js';
import { checkWorkloads } from './check.js';

// A small estate: plain manifests for a shop, and `helm template` output for a monitoring chart.
const shop = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: Namespace
metadata:
  name: payments
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: payments
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: deployer
  namespace: shop
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: deployer-admin
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin
subjects:
  - kind: ServiceAccount
    name: deployer
    namespace: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  template:
    metadata:
      labels: { app: web }
    spec:
      serviceAccountName: deployer
      containers:
        - name: web
          image: registry.example.com/shop/web:2.3.1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
          resources:
            limits: { cpu: 500m, memory: 256Mi }
          securityContext:
            readOnlyRootFilesystem: true
            capabilities: { drop: [ALL] }
          readinessProbe: { httpGet: { path: /ready, port: 8080 } }
          livenessProbe: { httpGet: { path: /healthz, port: 8080 } }
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: payments
spec:
  serviceName: db
  template:
    spec:
      automountServiceAccountToken: false
      containers:
        - name: postgres
          image: postgres:16
          env:
            - name: POSTGRES_PASSWORD
              value: s3cr3t-Passw0rd-123
          resources:
            limits: { cpu: "1", memory: 1Gi }
          securityContext:
            readOnlyRootFilesystem: true
            capabilities: { drop: [NET_RAW] }
          readinessProbe: { exec: { command: [pg_isready] } }
          livenessProbe: { exec: { command: [pg_isready] } }
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
  namespace: payments
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          automountServiceAccountToken: false
          containers:
            - name: report
              image: registry.example.com/payments/report:latest
              resources:
                limits: { cpu: 200m, memory: 128Mi }
              securityContext:
                readOnlyRootFilesystem: true
                capabilities: { drop: [ALL] }
`;

const helm = `---
# Source: node-exporter/templates/serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: node-exporter
  labels:
    helm.sh/chart: node-exporter-4.0.0
---
# Source: node-exporter/templates/daemonset.yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-exporter
  labels:
    helm.sh/chart: node-exporter-4.0.0
spec:
  template:
    spec:
      serviceAccountName: node-exporter
      automountServiceAccountToken: false
      hostNetwork: true
      containers:
        - name: node-exporter
          image: "quay.io/prometheus/node-exporter:v1.8.2"
          resources:
            limits:
              cpu: 250m
              memory: 180Mi
          securityContext:
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
          livenessProbe:
            httpGet: { path: /, port: 9100 }
          readinessProbe:
            httpGet: { path: /, port: 9100 }
      volumes:
        - name: root
          hostPath:
            path: /
        - name: proc
          hostPath:
            path: /proc
        - name: textfile
          hostPath:
            path: /var/lib/node-exporter
---
# Source: node-exporter/templates/unused.yaml
`;

const { objects, diagnostics } = loadManifests([
  { name: 'shop.yaml', text: shop },
  { name: 'rendered/node-exporter.yaml', text: helm },
]);
const findings = checkWorkloads(objects, { allowedRegistries: ['registry.example.com', 'quay.io/prometheus'] });
const summary = findings.map((f) => `${f.location.file}:${f.location.startLine} ${f.ruleId} ${f.message}`);

describe('an estate of manifests', () => {
  it('loads cleanly', () => {
    expect(diagnostics).toEqual([]);
    expect(objects.map((o) => o.kind)).toEqual([
      'Namespace',
      'Namespace',
      'NetworkPolicy',
      'ServiceAccount',
      'ClusterRoleBinding',
      'Deployment',
      'StatefulSet',
      'CronJob',
      'ServiceAccount',
      'DaemonSet',
    ]);
  });

  it('reports exactly the expected findings, in file and line order', () => {
    expect(summary).toEqual([
      'rendered/node-exporter.yaml:14 SS-K8S-010 DaemonSet default/node-exporter has no namespace, so it goes wherever it is applied (usually default)',
      'rendered/node-exporter.yaml:25 SS-K8S-001 DaemonSet default/node-exporter container "node-exporter" uses image "quay.io/prometheus/node-exporter:v1.8.2", which is not pinned by digest',
      'rendered/node-exporter.yaml:25 SS-K8S-014 DaemonSet default/node-exporter container "node-exporter" image "quay.io/prometheus/node-exporter:v1.8.2" is a mutable tag pulled with the default imagePullPolicy IfNotPresent',
      'rendered/node-exporter.yaml:41 SS-K8S-009 DaemonSet default/node-exporter volume "root" mounts host path "/" (the host root filesystem)',
      'rendered/node-exporter.yaml:44 SS-K8S-009 DaemonSet default/node-exporter volume "proc" mounts host path "/proc" (under /proc)',
      'shop.yaml:4 SS-K8S-013 namespace shop has no NetworkPolicy in the input',
      'shop.yaml:33 SS-K8S-011 ClusterRoleBinding deployer-admin binds service account shop/deployer to cluster-admin',
      'shop.yaml:74 SS-K8S-001 StatefulSet payments/db container "postgres" uses image "postgres:16", which is not pinned by digest',
      'shop.yaml:74 SS-K8S-003 StatefulSet payments/db container "postgres" image "postgres:16" comes from docker.io, which is not in the allowed registries (registry.example.com, quay.io/prometheus)',
      'shop.yaml:74 SS-K8S-014 StatefulSet payments/db container "postgres" image "postgres:16" is a mutable tag pulled with the default imagePullPolicy IfNotPresent',
      'shop.yaml:77 SS-K8S-007 StatefulSet payments/db container "postgres" sets POSTGRES_PASSWORD to a literal value (s3cr****)',
      'shop.yaml:101 SS-K8S-001 CronJob payments/report container "report" uses image "registry.example.com/payments/report:latest", which is not pinned by digest',
      'shop.yaml:101 SS-K8S-002 CronJob payments/report container "report" image "registry.example.com/payments/report:latest" uses the `latest` tag',
    ]);
    expect(JSON.stringify(findings)).not.toContain('s3cr3t-Passw0rd');
  });

  it('flags the token of an unbound service account, not of one with a binding', () => {
    const withoutOptOut = helm.replace('      automountServiceAccountToken: false\n', '');
    const again = loadManifests([
      { name: 'shop.yaml', text: shop },
      { name: 'h.yaml', text: withoutOptOut },
    ]);
    const tokens = checkWorkloads(again.objects).filter((f) => f.ruleId === 'SS-K8S-012');
    expect(tokens.map((f) => [f.location.file, f.location.startLine])).toEqual([['h.yaml', 20]]);
    expect(tokens[0]?.message).toContain('service account default/node-exporter');
  });
});
