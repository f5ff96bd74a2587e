import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { bounded, checkNoMaskedCrash, checkOutputBound, fuzz, preview, Reach } from '../../test-support/fuzz.js';
import { mutatedJson, mutatedText } from '../../test-support/fuzz-mutate.js';
import { checkPodSecurity } from '../pod-security.js';
import { checkWorkloads } from '../rules/check.js';
import { imageReferences } from './images.js';
import { classify, namespaceInfo, networkPolicyInfo, roleBindingInfo, roleInfo, serviceAccountInfo } from './kinds.js';
import { loadManifests } from './load.js';

// Kubernetes manifests: the project's own (test/k8s, examples/estate/k8s) and objects written from
// the API's shapes (pods and the workloads that template them, namespaces with PSA labels, RBAC,
// network policies, Lists), damaged as values and as YAML text.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const repositoryManifests = ['test/k8s', 'examples/estate/k8s'].flatMap((dir) =>
  readdirSync(path.join(root, dir))
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => readFileSync(path.join(root, dir, name), 'utf8')),
);

const name = fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), fc.constantFrom('__proto__', 'constructor', 'kube-system', ''));
const container = fc.record({
  name,
  image: fc.constantFrom('nginx', 'registry.example/app:1.2@sha256:' + 'a'.repeat(64), 'docker.io/library/redis:latest', ':bad', ''),
  securityContext: fc.record(
    {
      privileged: fc.boolean(),
      runAsUser: fc.constantFrom(0, 1000, -1, 2 ** 53),
      runAsNonRoot: fc.boolean(),
      allowPrivilegeEscalation: fc.boolean(),
      readOnlyRootFilesystem: fc.boolean(),
      capabilities: fc.record({ add: fc.constantFrom(['NET_ADMIN'], ['ALL'], []), drop: fc.constantFrom(['ALL'], []) }),
      seccompProfile: fc.record({ type: fc.constantFrom('RuntimeDefault', 'Unconfined', 'Localhost') }),
    },
    { requiredKeys: [] },
  ),
  ports: fc.array(fc.record({ containerPort: fc.constantFrom(80, 22, 0, 70000), hostPort: fc.constantFrom(80, 0) }, { requiredKeys: ['containerPort'] }), {
    maxLength: 2,
  }),
  env: fc.array(fc.record({ name: fc.constantFrom('DB_PASSWORD', 'X'), value: fc.constantFrom('hunter2', '') }), { maxLength: 2 }),
  resources: fc.record({ limits: fc.record({ memory: fc.constantFrom('128Mi', '1e9', 'x') }) }, { requiredKeys: [] }),
});
const podSpec = fc.record(
  {
    containers: fc.array(container, { minLength: 1, maxLength: 2 }),
    initContainers: fc.array(container, { maxLength: 1 }),
    hostNetwork: fc.boolean(),
    hostPID: fc.boolean(),
    serviceAccountName: name,
    automountServiceAccountToken: fc.boolean(),
    securityContext: fc.record(
      { runAsNonRoot: fc.boolean(), sysctls: fc.constantFrom([{ name: 'kernel.shm_rmid_forced', value: '1' }], [{ name: 'net.x', value: '1' }]) },
      { requiredKeys: [] },
    ),
    volumes: fc.array(
      fc.oneof(
        fc.record({ name, hostPath: fc.record({ path: fc.constantFrom('/', '/var/run/docker.sock') }) }),
        fc.record({ name, emptyDir: fc.constant({}) }),
      ),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: ['containers'] },
);
const metadata = fc.record(
  {
    name,
    namespace: name,
    labels: fc.dictionary(
      fc.constantFrom('app', 'pod-security.kubernetes.io/enforce', 'pod-security.kubernetes.io/enforce-version', 'pod-security.kubernetes.io/warn'),
      fc.constantFrom('restricted', 'baseline', 'privileged', 'v1.29', 'latest', 'v9.x', 'web'),
    ),
  },
  { requiredKeys: ['name'] },
);
const template = fc.record({ metadata, spec: podSpec });

const object = fc.oneof(
  fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('Pod'), metadata, spec: podSpec }),
  fc.record({
    apiVersion: fc.constant('apps/v1'),
    kind: fc.constantFrom('Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'),
    metadata,
    spec: fc.record({ template }),
  }),
  fc.record({
    apiVersion: fc.constant('batch/v1'),
    kind: fc.constant('CronJob'),
    metadata,
    spec: fc.record({ schedule: fc.constant('* * * * *'), jobTemplate: fc.record({ spec: fc.record({ template }) }) }),
  }),
  fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('Namespace'), metadata }),
  fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('ServiceAccount'), metadata, automountServiceAccountToken: fc.boolean() }),
  fc.record({
    apiVersion: fc.constant('rbac.authorization.k8s.io/v1'),
    kind: fc.constantFrom('Role', 'ClusterRole'),
    metadata,
    rules: fc.constant([{ apiGroups: ['*'], resources: ['secrets', '*'], verbs: ['get', '*'] }]),
  }),
  fc.record({
    apiVersion: fc.constant('rbac.authorization.k8s.io/v1'),
    kind: fc.constantFrom('RoleBinding', 'ClusterRoleBinding'),
    metadata,
    roleRef: fc.record({ kind: fc.constantFrom('Role', 'ClusterRole'), name }),
    subjects: fc.constant([
      { kind: 'ServiceAccount', name: 'default', namespace: 'web' },
      { kind: 'Group', name: 'system:authenticated' },
    ]),
  }),
  fc.record({
    apiVersion: fc.constant('networking.k8s.io/v1'),
    kind: fc.constant('NetworkPolicy'),
    metadata,
    spec: fc.constantFrom({ podSelector: {}, policyTypes: ['Ingress'] }, { podSelector: { matchLabels: { app: 'web' } }, ingress: [{}] }),
  }),
);
const documents = fc.oneof(
  fc.array(object, { minLength: 1, maxLength: 4 }),
  fc.array(object, { maxLength: 4 }).map((items) => [{ apiVersion: 'v1', kind: 'List', items }]),
);

const yamlTokens = [
  '&a ',
  '*a',
  '<<: *a\n',
  '!!binary ',
  '!!timestamp 2001-12-14',
  '!!str ',
  '? ',
  '---\n',
  'kind: List\nitems:\n',
  'apiVersion: v1\nkind: Pod\n',
  'containers:\n- image: x\n',
  'privileged: true',
  '0o777',
  '0x1F',
  '.inf',
  '~',
];

/** Manifest text: the repository's, or generated objects as YAML documents or JSON; damaged as values, then as text. */
const manifests = mutatedText(
  fc.oneof(
    fc.constantFrom(...repositoryManifests),
    documents.map((docs) => docs.map((doc) => stringify(doc)).join('---\n')),
    // JSON is YAML; the yaml package's writer recurses on the deep values damage puts in
    fc.array(mutatedJson(object), { minLength: 1, maxLength: 3 }).map((docs) => docs.map((doc) => JSON.stringify(doc) ?? 'null').join('\n---\n')),
  ),
  { tokens: yamlTokens, others: repositoryManifests },
);

describe('fuzz: Kubernetes manifests', () => {
  it('loading and every check (PSS, workload rules, images, RBAC, policies) never throw; unreadable input is an error diagnostic', async () => {
    const reach = new Reach();
    await fuzz(
      'k8s manifests',
      manifests,
      (text) => {
        const loaded = bounded('never-throws', () => loadManifests([{ name: 'fuzz.yaml', text }]));
        reach.input((loaded?.objects.length ?? 0) > 0 && 'objects');
        if (!loaded) return;
        // a parser's stack exhausted by nesting is documented: an error-level diagnostic, which fails the gates
        const stackExhausted = /Maximum call stack size exceeded/;
        for (const diagnostic of loaded.diagnostics) if (stackExhausted.test(diagnostic.message)) expect(diagnostic.level).toBe('error');
        checkNoMaskedCrash(
          loaded.diagnostics.map((d) => d.message),
          stackExhausted,
        );
        const { objects } = loaded;
        for (const explicit of [true, false]) bounded('never-throws', () => checkPodSecurity(objects, { level: 'restricted', version: 'latest', explicit }));
        const findings = bounded('never-throws', () => checkWorkloads(objects, { allowedRegistries: ['registry.example'] }));
        bounded('never-throws', () => imageReferences(objects));
        for (const object of objects) {
          bounded('never-throws', () => [
            classify(object),
            namespaceInfo(object),
            serviceAccountInfo(object),
            roleInfo(object),
            roleBindingInfo(object),
            networkPolicyInfo(object),
          ]);
          bounded('never-throws', () => object.lineOf(['spec', 'template', 'spec', 'containers', 0, 'image']));
        }
        checkOutputBound(findings, text.length, 200);
      },
      { describe: (text) => preview(text, 3000) },
    );
    reach.expect('objects', 0.3);
  });
});
