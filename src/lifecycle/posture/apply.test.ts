import { dedent } from '../../test-support/text.js';
import { describe, expect, it } from 'vitest';
import { applyChange, applyEdits, EditError } from './apply.js';
import { unifiedDiff } from './patch.js';
import type { FileEdit } from './model.js';

const workflow = `jobs:
  image:
    steps:
      - uses: actions/checkout@v4

      - uses: docker/build-push-action@v5
        with:
          push: true
          tags: |
            r.example/a:1
            r.example/a:2

      - run: echo done
`;

const jenkinsfile = `pipeline {
  stages {
    stage('Push') {
      steps {
        script {
          docker.withRegistry('https://r.example', 'creds') {
            app.push()
          }
        }
        sh '''
          docker build -t r.example/a:1 .
          docker push r.example/a:1
        '''
      }
    }
  }
}
`;

const lines = (text: string): string[] => text.split('\n');

describe('applyEdits', () => {
  it('inserts before or after a line, indented like that line', () => {
    const text = 'a\n  b\nc\n';
    expect(applyEdits(text, 'f', [{ kind: 'insert', file: 'f', line: 2, position: 'before', text: 'x\n  y' }])).toBe('a\n  x\n    y\n  b\nc\n');
    expect(applyEdits(text, 'f', [{ kind: 'insert', file: 'f', line: 0, position: 'after', text: 'top' }])).toBe('top\na\n  b\nc\n');
    expect(applyEdits(text, 'f', [{ kind: 'insert', file: 'f', line: 3, position: 'after', text: 'z' }])).toBe('a\n  b\nc\nz\n');
  });

  it('inserts after the whole YAML step holding a line, with the step indentation', () => {
    const out = applyEdits(workflow, 'wf.yml', [
      { kind: 'insert', file: 'wf.yml', line: 6, position: 'after', within: 'steps', text: '- name: next\n  run: true' },
    ]);
    expect(lines(out).slice(10, 14)).toEqual(['            r.example/a:2', '      - name: next', '        run: true', '']);
    // a line inside the step's block scalar is held by the same step
    expect(
      applyEdits(workflow, 'wf.yml', [{ kind: 'insert', file: 'wf.yml', line: 10, position: 'before', within: 'steps', text: '- run: first' }]).split('\n')[5],
    ).toBe('      - run: first');
  });

  it('places Jenkins steps by statement: the innermost one, or the item directly inside steps', () => {
    const innermost = applyEdits(jenkinsfile, 'Jenkinsfile', [
      { kind: 'insert', file: 'Jenkinsfile', line: 7, position: 'after', within: '*', text: "sh 'sign'" },
    ]);
    expect(lines(innermost).slice(6, 9)).toEqual(['            app.push()', "            sh 'sign'", '          }']);
    const step = applyEdits(jenkinsfile, 'Jenkinsfile', [
      { kind: 'insert', file: 'Jenkinsfile', line: 7, position: 'after', within: 'steps', text: "sh 'sign'" },
    ]);
    expect(lines(step).slice(8, 11)).toEqual(['        }', "        sh 'sign'", "        sh '''"]);
    // a multi-line sh is one statement: after it means after its closing quotes
    const after = applyEdits(jenkinsfile, 'Jenkinsfile', [
      { kind: 'insert', file: 'Jenkinsfile', line: 12, position: 'after', within: '*', text: "sh 'sign'" },
    ]);
    expect(lines(after).slice(12, 14)).toEqual(["        '''", "        sh 'sign'"]);
  });

  it('refuses to put a step above the build it must follow when both share one statement', () => {
    const edit: FileEdit = { kind: 'insert', file: 'Jenkinsfile', line: 12, position: 'before', within: '*', notBefore: 11, text: "sh 'scan'" };
    expect(() => applyEdits(jenkinsfile, 'Jenkinsfile', [edit])).toThrow(EditError);
    expect(() => applyEdits(jenkinsfile, 'Jenkinsfile', [edit])).toThrow(/line 12 shares its step with line 11/);
  });

  it('substitutes on a line, and refuses when the text is not there (the file changed)', () => {
    expect(
      applyEdits('FROM debian:12 AS base\n', 'Dockerfile', [
        { kind: 'substitute', file: 'Dockerfile', line: 1, find: 'debian:12', replace: 'debian:12@sha256:abc' },
      ]),
    ).toBe('FROM debian:12@sha256:abc AS base\n');
    expect(() => applyEdits('FROM debian:13\n', 'Dockerfile', [{ kind: 'substitute', file: 'Dockerfile', line: 1, find: 'debian:12', replace: 'x' }])).toThrow(
      EditError,
    );
    expect(() => applyEdits('a\n', 'f', [{ kind: 'substitute', file: 'f', line: 9, find: 'a', replace: 'b' }])).toThrow(/has no line 9/);
  });

  it('appends after a blank line and keeps CRLF files CRLF', () => {
    expect(applyEdits('a: 1\n\n', 'x.yml', [{ kind: 'append', file: 'x.yml', text: 'b:\n  c: 2' }])).toBe('a: 1\n\nb:\n  c: 2\n');
    expect(applyEdits('a\r\nb\r\n', 'f', [{ kind: 'insert', file: 'f', line: 1, position: 'after', text: 'x' }])).toBe('a\r\nx\r\nb\r\n');
  });

  it('adds an import once, after the last import, unless it or a wildcard is there', () => {
    const kts = 'import a.b.dockerCommand\nimport a.c.vcs\n\nversion = "1"\n';
    const edit: FileEdit = { kind: 'import', file: 's.kts', text: 'import a.b.script' };
    expect(applyEdits(kts, 's.kts', [edit, edit])).toBe('import a.b.dockerCommand\nimport a.c.vcs\nimport a.b.script\n\nversion = "1"\n');
    expect(applyEdits('import a.b.*\n', 's.kts', [edit])).toBe('import a.b.*\n');
    expect(applyEdits('import a.b.script\n', 's.kts', [edit])).toBe('import a.b.script\n');
    expect(applyEdits('import a.v2019_2.b.script\n', 's.kts', [edit])).toBe('import a.v2019_2.b.script\n');
  });

  it('merges YAML into the mapping of an item: adds keys, extends lists, sets scalars', () => {
    const step = (text: string): FileEdit => ({ kind: 'yaml-merge', file: 'wf.yml', line: 6, within: 'steps', text });
    const merged = applyEdits(workflow, 'wf.yml', [step('with:\n  push: false\n  load: true'), step('id: build')]);
    expect(lines(merged).slice(5, 13)).toEqual([
      '      - uses: docker/build-push-action@v5',
      '        with:',
      '          push: false',
      '          tags: |',
      '            r.example/a:1',
      '            r.example/a:2',
      '          load: true',
      '        id: build',
    ]);
    const gitlab = dedent`
      build:
        stage: build
        needs: [a]
        artifacts:
          paths:
            - a.tar
        script:
          - make
    `;
    const job = (text: string): FileEdit => ({ kind: 'yaml-merge', file: '.gitlab-ci.yml', line: 8, within: '(root)', text });
    expect(applyEdits(gitlab, '.gitlab-ci.yml', [job('artifacts:\n  paths:\n    - image.tar'), job('needs: [b]')])).toBe(
      dedent`
        build:
          stage: build
          needs: [a, b]
          artifacts:
            paths:
              - a.tar
              - image.tar
          script:
            - make
      `,
    );
    expect(() => applyEdits(gitlab, '.gitlab-ci.yml', [job('stage:\n  x: 1')])).toThrow(/not the kind of value/);
  });

  it('merges into one document of a multi-document manifest', () => {
    const manifest = 'kind: Deployment\nmetadata:\n  name: web\n---\nkind: Namespace\nmetadata:\n  name: shop\n';
    const edit: FileEdit = { kind: 'yaml-merge', file: 'm.yaml', line: 7, within: '(root)', text: 'labels:\n  pod-security.kubernetes.io/enforce: baseline' };
    expect(applyEdits(manifest, 'm.yaml', [edit])).toBe(
      dedent`
        kind: Deployment
        metadata:
          name: web
        ---
        kind: Namespace
        metadata:
          name: shop
          labels:
            pod-security.kubernetes.io/enforce: baseline
      `,
    );
  });

  it('merges into a container of a manifest indented by 4, keeping its comments and indentation', () => {
    const manifest = dedent`
      # the web tier
      apiVersion: apps/v1
      kind: Deployment
      metadata:
          name: web   # owned by the storefront team
      spec:
          template:
              spec:
                  containers:
                      # the server
                      - name: web
                        image: nginx:1.27
                      - name: sidecar
                        image: envoy:1.30
    `;
    const edit: FileEdit = {
      kind: 'yaml-merge',
      file: 'd.yaml',
      line: 11,
      within: 'containers',
      text: 'securityContext:\n  allowPrivilegeEscalation: false\n  capabilities:\n    drop: [ALL]',
    };
    // the diff: the block where it goes, at the file's indentation; the comments and the other container untouched
    expect(unifiedDiff('d.yaml', manifest, applyEdits(manifest, 'd.yaml', [edit]))).toBe(
      [
        'diff --git a/d.yaml b/d.yaml',
        '--- a/d.yaml',
        '+++ b/d.yaml',
        '@@ -10,5 +10,9 @@',
        '                 # the server',
        '                 - name: web',
        '                   image: nginx:1.27',
        '+                  securityContext:',
        '+                      allowPrivilegeEscalation: false',
        '+                      capabilities:',
        '+                          drop: [ALL]',
        '                 - name: sidecar',
        '                   image: envoy:1.30',
        '',
      ].join('\n'),
    );
  });

  it('edits flow mappings and lists in place: keys added inside the braces, one scalar changed at its own column', () => {
    const manifest = dedent`
      kind: Pod
      spec:
        securityContext: {}
        containers:
          - name: a
            securityContext: { readOnlyRootFilesystem: true, privileged: true, capabilities: {add: [NET_ADMIN]} }
    `;
    const merged = applyEdits(manifest, 'p.yaml', [
      {
        kind: 'yaml-merge',
        file: 'p.yaml',
        line: 2,
        within: '(root)',
        text: 'securityContext:\n  runAsNonRoot: true\n  seccompProfile:\n    type: RuntimeDefault',
      },
      {
        kind: 'yaml-merge',
        file: 'p.yaml',
        line: 5,
        within: 'containers',
        text: 'securityContext:\n  privileged: false\n  allowPrivilegeEscalation: false\n  capabilities:\n    drop: [ALL]',
      },
    ]);
    expect(lines(merged).slice(2, 6)).toEqual([
      '  securityContext: { runAsNonRoot: true, seccompProfile: { type: RuntimeDefault } }',
      '  containers:',
      '    - name: a',
      '      securityContext: { readOnlyRootFilesystem: true, privileged: false, capabilities: {add: [NET_ADMIN], drop: [ALL]}, allowPrivilegeEscalation: false }',
    ]);
  });

  it('keeps the quotes of a string it sets, and merging what is there already changes nothing', () => {
    const manifest = 'kind: Pod\nspec:\n  containers:\n    - name: a\n      image: "redis:7"   # pinned later\n';
    const edit: FileEdit = { kind: 'yaml-merge', file: 'p.yaml', line: 4, within: 'containers', text: 'image: redis:7@sha256:abc' };
    const pinned = applyEdits(manifest, 'p.yaml', [edit]);
    expect(lines(pinned)[4]).toBe('      image: "redis:7@sha256:abc"   # pinned later');
    expect(applyEdits(pinned, 'p.yaml', [edit])).toBe(pinned);
  });

  it('makes the same change of two merges once, and refuses two that disagree on one place', () => {
    const manifest = 'kind: Pod\nspec:\n  hostNetwork: true\n  containers:\n    - name: a\n      securityContext:\n        privileged: true\n';
    const container = (text: string): FileEdit => ({ kind: 'yaml-merge', file: 'p.yaml', line: 5, within: 'containers', text });
    const both = applyEdits(manifest, 'p.yaml', [
      container('securityContext:\n  privileged: false\n  allowPrivilegeEscalation: false'),
      container('securityContext:\n  privileged: false'),
      { kind: 'yaml-merge', file: 'p.yaml', line: 3, within: '(root)', text: 'hostNetwork: false' },
      { kind: 'yaml-merge', file: 'p.yaml', line: 3, within: '(root)', text: 'hostNetwork: false\nsecurityContext:\n  runAsNonRoot: true' },
    ]);
    expect(both).toBe(
      'kind: Pod\nspec:\n  hostNetwork: false\n  containers:\n    - name: a\n      securityContext:\n        privileged: false\n        allowPrivilegeEscalation: false\n  securityContext:\n    runAsNonRoot: true\n',
    );
    expect(() =>
      applyEdits(manifest, 'p.yaml', [container('securityContext:\n  privileged: false'), container('securityContext:\n  privileged: "no"')]),
    ).toThrow(/two changes edit the same place on line 7/);
    expect(() => applyEdits(manifest, 'p.yaml', [container('resources:\n  limits: {cpu: 1}'), container('resources:\n  limits: {cpu: 2}')])).toThrow(
      /two changes add a different `resources`/,
    );
  });

  it('merges into a container of the second document of a multi-document file', () => {
    const manifest = 'kind: Namespace\nmetadata:\n  name: shop\n---\nkind: Pod\nspec:\n  containers:\n  - name: a\n    image: x:1\n';
    const merged = applyEdits(manifest, 'm.yaml', [
      { kind: 'yaml-merge', file: 'm.yaml', line: 8, within: 'containers', text: 'securityContext:\n  runAsNonRoot: true' },
    ]);
    expect(merged).toBe(
      'kind: Namespace\nmetadata:\n  name: shop\n---\nkind: Pod\nspec:\n  containers:\n  - name: a\n    image: x:1\n    securityContext:\n      runAsNonRoot: true\n',
    );
  });

  it('applies a change to each file it names', () => {
    const files = new Map([
      ['a', 'x\n'],
      ['b', 'y\n'],
    ]);
    const result = applyChange(
      {
        edits: [
          { kind: 'append', file: 'a', text: 'z' },
          { kind: 'substitute', file: 'b', line: 1, find: 'y', replace: 'w' },
        ],
      },
      (file) => files.get(file) ?? '',
    );
    expect([...result]).toEqual([
      ['a', 'x\n\nz\n'],
      ['b', 'w\n'],
    ]);
  });
});
