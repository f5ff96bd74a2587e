import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedAbsent, sharedPath } from '../../test-support/shared.js';
import { skipWhen } from '../../test-support/skip.js';
import { loadManifests } from './load.js';

const multiDoc = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: nginx
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: { app: web }
  ports: [{ port: 80 }]
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: ghcr.io/o/app@sha256:${'a'.repeat(64)}
`;

const kubectlJson = JSON.stringify(
  {
    apiVersion: 'v1',
    kind: 'List',
    metadata: { resourceVersion: '' },
    items: [
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'api-0', namespace: 'prod' },
        spec: { containers: [{ name: 'api', image: 'localhost:5000/team/app:1.2' }] },
      },
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'api', namespace: 'prod' },
        automountServiceAccountToken: false,
      },
    ],
  },
  null,
  4,
);

const helm = `---
# Source: app/templates/serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: release-app
---
# Source: app/templates/disabled.yaml
---
# Source: app/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: release-app
  labels:
    helm.sh/chart: app-0.1.0
spec:
  template:
    spec:
      volumes:
        - name: config
          secret:
            secretName: cfg
            defaultMode: 0644
      containers:
        - name: app
          image: "registry.example.com/app:0.1.0"
`;

describe('loadManifests', () => {
  it('loads multi-document YAML with the line of each document', () => {
    const { objects, diagnostics } = loadManifests([{ name: 'app.yaml', text: multiDoc }]);
    expect(diagnostics).toEqual([]);
    expect(objects.map((o) => [o.kind, o.name, o.namespace, o.line])).toEqual([
      ['Deployment', 'web', 'shop', 1],
      ['Service', 'web', 'shop', 18],
      ['CronJob', 'report', undefined, 27],
    ]);
    expect(objects[0]?.apiVersion).toBe('apps/v1');
    expect(objects[0]?.file).toBe('app.yaml');
    expect(objects[0]?.lineOf(['spec', 'template', 'spec', 'containers', 0, 'image'])).toBe(16);
    expect(objects[0]?.lineOf(['spec', 'nope'])).toBeUndefined();
  });

  it('loads the items of a kubectl get -o json List, with their lines', () => {
    const { objects, diagnostics } = loadManifests([{ name: '-', text: kubectlJson }]);
    expect(diagnostics).toEqual([]);
    expect(objects.map((o) => [o.kind, o.name, o.namespace])).toEqual([
      ['Pod', 'api-0', 'prod'],
      ['ServiceAccount', 'api', 'prod'],
    ]);
    const lines = kubectlJson.split('\n');
    const itemStarts = lines.flatMap((l, i) => (l === '        {' ? [i + 1] : []));
    expect(objects.map((o) => o.line)).toEqual(itemStarts);
    expect(objects[0]?.lineOf(['metadata', 'name'])).toBe(lines.findIndex((l) => l.includes('"api-0"')) + 1);
  });

  it('loads typed lists (kubectl get pods -o yaml)', () => {
    const text = `apiVersion: v1
kind: PodList
items:
- apiVersion: v1
  kind: Pod
  metadata: { name: a }
  spec: { containers: [{ name: c, image: busybox }] }
- apiVersion: v1
  kind: Pod
  metadata: { name: b }
  spec: { containers: [{ name: c, image: busybox }] }
`;
    const { objects } = loadManifests([{ name: 'pods.yaml', text }]);
    expect(objects.map((o) => [o.name, o.line])).toEqual([
      ['a', 4],
      ['b', 8],
    ]);
  });

  it('loads Helm output, skipping empty templates, with YAML 1.1 octal modes', () => {
    const { objects, diagnostics } = loadManifests([{ name: 'helm.out', text: helm }]);
    expect(diagnostics).toEqual([]);
    expect(objects.map((o) => [o.kind, o.line])).toEqual([
      ['ServiceAccount', 3],
      ['Deployment', 11],
    ]);
    // kubectl reads `0644` as octal: this is the file mode rw-r--r--.
    const raw = JSON.stringify(objects[1]?.raw);
    expect(raw).toContain('"defaultMode":420');
  });

  it('skips a malformed document with a diagnostic naming file and line; the others load', () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata: { name: first }
---
apiVersion: v1
kind: Pod
metadata:
  name: broken
   labels: [oops
---
apiVersion: v1
kind: ConfigMap
metadata: { name: last }
`;
    const { objects, diagnostics } = loadManifests([{ name: 'mixed.yaml', text }]);
    expect(objects.map((o) => [o.name, o.line])).toEqual([
      ['first', 1],
      ['last', 11],
    ]);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ level: 'error', code: 'manifest.yaml-error' });
    const where = diagnostics[0]?.where ?? '';
    expect(where).toMatch(/^mixed\.yaml:(\d+)$/);
    const line = Number(where.split(':')[1]);
    expect(line).toBeGreaterThanOrEqual(8);
    expect(line).toBeLessThanOrEqual(10);
  });

  it('bounds a billion-laughs alias bomb with a diagnostic and keeps loading', () => {
    const rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    const letters = 'abcdefghi';
    for (let i = 1; i < letters.length; i++) {
      const prev = letters[i - 1] ?? '';
      rows.push(`${letters[i]}: &${letters[i]} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const bomb = `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: bomb }\ndata:\n${rows.map((r) => `  ${r}`).join('\n')}\n`;
    const text = `${bomb}---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: fine }\n`;
    const started = Date.now();
    const { objects, diagnostics } = loadManifests([{ name: 'bomb.yaml', text }]);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(objects.map((o) => o.name)).toEqual(['fine']);
    expect(diagnostics).toEqual([expect.objectContaining({ level: 'error', code: 'manifest.alias-limit', where: 'bomb.yaml:1' })]);
  });

  it('allows a few ordinary aliases (anchors shared between containers)', () => {
    const text = `apiVersion: v1
kind: Pod
metadata: { name: p }
spec:
  containers:
    - name: a
      image: busybox
      env: &env [{ name: X, value: "1" }]
    - name: b
      image: busybox
      env: *env
`;
    const { objects, diagnostics } = loadManifests([{ name: 'p.yaml', text }]);
    expect(diagnostics).toEqual([]);
    expect(objects).toHaveLength(1);
  });

  it('enforces source size, document count and object count limits', () => {
    const cm = (n: number): string => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c${n} }\n`;
    const text = [0, 1, 2, 3, 4].map(cm).join('---\n');

    const tooBig = loadManifests([{ name: 'big.yaml', text }], { maxSourceBytes: 100 });
    expect(tooBig.objects).toEqual([]);
    expect(tooBig.diagnostics[0]).toMatchObject({ code: 'manifest.too-large', where: 'big.yaml' });

    const docs = loadManifests([{ name: 'many.yaml', text }], { maxDocuments: 3 });
    expect(docs.objects.map((o) => o.name)).toEqual(['c0', 'c1', 'c2']);
    expect(docs.diagnostics[0]).toMatchObject({ level: 'error', code: 'manifest.too-many-documents' });

    const objs = loadManifests(
      [
        { name: 'a.yaml', text },
        { name: 'b.yaml', text },
      ],
      { maxObjects: 4 },
    );
    expect(objs.objects).toHaveLength(4);
    expect(objs.diagnostics.map((d) => `${d.level} ${d.code}`)).toEqual(['error manifest.too-many-objects', 'error manifest.too-many-objects']);
  });

  it('reports documents that are not Kubernetes objects, without throwing', () => {
    const text = `just a string\n---\n- a\n- b\n---\nmetadata: { name: nokind }\n---\n{ "apiVersion": "v1", "kind": "ConfigMap" }\n`;
    const { objects, diagnostics } = loadManifests([{ name: 'odd.yaml', text }]);
    expect(objects).toHaveLength(1);
    expect(objects[0]?.name).toBeUndefined();
    expect(objects[0]?.line).toBe(8);
    expect(diagnostics.map((d) => [d.code, d.where])).toEqual([
      ['manifest.not-an-object', 'odd.yaml:1'],
      ['manifest.not-an-object', 'odd.yaml:3'],
      ['manifest.not-an-object', 'odd.yaml:6'],
    ]);
  });

  it('survives hostile input without throwing', () => {
    const nested = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const inputs = [nested, '\u0000\u0001', ': : :', '"unterminated', '\t- a', '%YAML 9.9\n---\na: 1', '!!binary x'];
    for (const text of inputs) {
      expect(() => loadManifests([{ name: 'x', text }])).not.toThrow();
    }
    expect(loadManifests([{ name: 'e', text: '' }])).toEqual({ objects: [], diagnostics: [] });
  });

  it('loads one Pod from each PSS restricted v1.30 pass fixture', skipWhen(sharedAbsent), () => {
    const dir = sharedPath('pss', 'testdata', 'restricted', 'v1.30', 'pass');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const { objects, diagnostics } = loadManifests([{ name: file, text: readFileSync(`${dir}/${file}`, 'utf8') }]);
      expect(diagnostics, file).toEqual([]);
      expect(
        objects.map((o) => o.kind),
        file,
      ).toEqual(['Pod']);
      expect(objects[0]?.line, file).toBeGreaterThanOrEqual(1);
    }
  });
});
