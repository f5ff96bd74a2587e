import { describe, expect, it } from 'vitest';
import { imageReferences } from './images.js';
import { loadManifests } from './load.js';
import { podTemplateOf } from './pods.js';

const digest = `sha256:${'ab'.repeat(32)}`;

const workloads = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          image: ghcr.io/o/app@${digest}
      containers:
        - name: web
          image: nginx
        - name: sidecar
          image: localhost:5000/team/app:1.2
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: nightly }
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: job
              image: Bad/Name
---
apiVersion: v1
kind: Pod
metadata: { name: debug }
spec:
  containers:
    - name: app
      image: busybox:1.36
  ephemeralContainers:
    - name: debugger
      image: docker.io/library/busybox:1.36@${digest}
    - name: noimage
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec: { selector: { app: web } }
`;

describe('imageReferences', () => {
  it('extracts every container image, normalised, with the line of its image field', () => {
    const { objects, diagnostics } = loadManifests([{ name: 'w.yaml', text: workloads }]);
    expect(diagnostics).toEqual([]);
    const images = imageReferences(objects);
    const lines = workloads.split('\n');
    const lineOf = (needle: string): number => lines.findIndex((l) => l.includes(needle)) + 1;

    expect(images.map((i) => [i.kind, i.workload, i.container, i.containerType])).toEqual([
      ['Deployment', 'web', 'migrate', 'initContainer'],
      ['Deployment', 'web', 'web', 'container'],
      ['Deployment', 'web', 'sidecar', 'container'],
      ['CronJob', 'nightly', 'job', 'container'],
      ['Pod', 'debug', 'app', 'container'],
      ['Pod', 'debug', 'debugger', 'ephemeralContainer'],
      ['Pod', 'debug', 'noimage', 'ephemeralContainer'],
    ]);

    expect(images[0]).toEqual({
      file: 'w.yaml',
      line: lineOf('image: ghcr.io'),
      namespace: 'shop',
      kind: 'Deployment',
      workload: 'web',
      container: 'migrate',
      containerType: 'initContainer',
      image: `ghcr.io/o/app@${digest}`,
      registry: 'ghcr.io',
      repository: 'o/app',
      tag: undefined,
      digest,
    });
    expect(images[1]).toMatchObject({
      image: 'nginx',
      registry: 'docker.io',
      repository: 'library/nginx',
      tag: 'latest',
      digest: undefined,
      line: lineOf('image: nginx'),
    });
    expect(images[2]).toMatchObject({ registry: 'localhost:5000', repository: 'team/app', tag: '1.2' });
    expect(images[2]?.parseError).toBeUndefined();

    expect(images[3]).toMatchObject({ image: 'Bad/Name', registry: undefined, namespace: undefined });
    expect(images[3]?.parseError).toMatch(/invalid image reference/);

    expect(images[5]).toMatchObject({ registry: 'docker.io', repository: 'library/busybox', tag: '1.36', digest });
    expect(images[6]).toMatchObject({ image: '', parseError: 'the container has no image', line: lineOf('name: noimage') });
  });

  it('uses the line of the List item for kubectl JSON dumps', () => {
    const text = JSON.stringify(
      {
        apiVersion: 'v1',
        kind: 'List',
        items: [
          {
            apiVersion: 'apps/v1',
            kind: 'DaemonSet',
            metadata: { name: 'agent' },
            spec: { template: { spec: { containers: [{ name: 'a', image: 'quay.io/x/agent:v1' }] } } },
          },
        ],
      },
      null,
      2,
    );
    const [image] = imageReferences(loadManifests([{ name: 'dump.json', text }]).objects);
    expect(image).toMatchObject({ kind: 'DaemonSet', registry: 'quay.io', repository: 'x/agent', tag: 'v1' });
    expect(image?.line).toBe(text.split('\n').findIndex((l) => l.includes('quay.io')) + 1);
  });
});

describe('podTemplateOf', () => {
  const object = (apiVersion: string, kind: string, raw: Record<string, unknown>) => ({ apiVersion, kind, raw });
  const spec = { containers: [] };

  it('finds the pod spec of each pod-bearing kind', () => {
    const cases: [string, string, Record<string, unknown>, string][] = [
      ['v1', 'Pod', { spec }, 'spec'],
      ['v1', 'PodTemplate', { template: { spec } }, 'template.spec'],
      ['v1', 'ReplicationController', { spec: { template: { spec } } }, 'spec.template.spec'],
      ['apps/v1', 'ReplicaSet', { spec: { template: { spec } } }, 'spec.template.spec'],
      ['apps/v1', 'Deployment', { spec: { template: { spec } } }, 'spec.template.spec'],
      ['extensions/v1beta1', 'Deployment', { spec: { template: { spec } } }, 'spec.template.spec'],
      ['apps/v1', 'StatefulSet', { spec: { template: { spec } } }, 'spec.template.spec'],
      ['apps/v1', 'DaemonSet', { spec: { template: { spec } } }, 'spec.template.spec'],
      ['batch/v1', 'Job', { spec: { template: { spec } } }, 'spec.template.spec'],
      ['batch/v1', 'CronJob', { spec: { jobTemplate: { spec: { template: { spec } } } } }, 'spec.jobTemplate.spec.template.spec'],
    ];
    for (const [apiVersion, kind, raw, path] of cases) {
      const template = podTemplateOf(object(apiVersion, kind, raw));
      expect(template?.path, kind).toBe(path);
      expect(template?.spec, kind).toBe(spec);
      expect(template?.metadata, kind).toEqual({});
    }
  });

  it('returns the template metadata', () => {
    const metadata = { labels: { app: 'web' } };
    expect(podTemplateOf(object('apps/v1', 'Deployment', { spec: { template: { metadata, spec } } }))?.metadata).toBe(metadata);
  });

  it('tolerates wrong types and ignores other kinds and look-alike CRDs', () => {
    expect(podTemplateOf(object('v1', 'Pod', { spec: 'nope' }))).toBeUndefined();
    expect(podTemplateOf(object('v1', 'Pod', {}))).toBeUndefined();
    expect(podTemplateOf(object('apps/v1', 'Deployment', { spec: { template: [] } }))).toBeUndefined();
    expect(podTemplateOf(object('batch/v1', 'CronJob', { spec: { jobTemplate: 3 } }))).toBeUndefined();
    expect(podTemplateOf(object('v1', 'Service', { spec }))).toBeUndefined();
    expect(podTemplateOf(object('example.com/v1', 'Deployment', { spec: { template: { spec } } }))).toBeUndefined();
    expect(podTemplateOf(object('v1', 'toString', { spec }))).toBeUndefined();
  });
});
