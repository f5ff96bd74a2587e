import { describe, expect, it } from 'vitest';
import { parsePipelines } from '../src/buildtime/ci/discover.js';
import { lintDockerfile } from '../src/buildtime/dockerfile/lint.js';
import { endOfLife } from '../src/inventory/distros/eol.js';
import { isPodBearing, podTemplateOf } from '../src/runtime/manifests/pods.js';
import { parseMaven } from '../src/vuln/versioning/maven/version.js';
import { schemeForEcosystem, schemeForRange } from '../src/vuln/versioning/registry.js';

// Names from input are looked up in tables of known names (tools, kinds, distributions, ecosystems).
// A name such as `constructor` or `toString` must find nothing there — not Object.prototype's member,
// which was then called or read as a table entry (found by the long fuzz run: "recognizer is not a function").
const names = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];

describe('names from input that are Object.prototype members find nothing', () => {
  it.each(names)('%s as a program in a CI script, a Jenkins sh step and a GitLab script', (name) => {
    const gitlab = parsePipelines(
      'gitlab-ci',
      '.gitlab-ci.yml',
      `build:\n  script:\n    - ${name} --x\n    - docker build -t registry.example.com/app:1 .\n`,
      '.',
    );
    expect(gitlab.flatMap((p) => p.steps.map((s) => s.kind))).toEqual(['build']);
    const jenkins = parsePipelines(
      'jenkins',
      'Jenkinsfile',
      `pipeline { agent any\n stages { stage("b") { steps { sh "${name}<<: *a"\n sh "docker build -t registry.example.com/app:1 ." } } } }\n`,
      '.',
    );
    expect(jenkins.flatMap((p) => p.steps.map((s) => s.kind))).toEqual(['build']);
    const image = parsePipelines(
      'gitlab-ci',
      '.gitlab-ci.yml',
      `build:\n  image: ${name}\n  script:\n    - docker build -t registry.example.com/app:1 .\n`,
      '.',
    );
    expect(image.flatMap((p) => p.steps.map((s) => s.kind))).toEqual(['build']);
  });

  it.each(names)('%s as a package tool in a Dockerfile RUN', (name) => {
    const findings = lintDockerfile(`FROM debian:12\nRUN ${name} install -y curl\n`, { file: 'Dockerfile' });
    expect(findings.map((f) => f.ruleId)).not.toContain('SS-DF-038');
  });

  it.each(names)('%s as a distribution, an ecosystem, a Kubernetes kind and a Maven qualifier', (name) => {
    expect(endOfLife(name, '1')).toBeUndefined();
    expect(schemeForEcosystem(name)).toBeUndefined();
    expect(schemeForRange(name, 'ECOSYSTEM')).toBeUndefined();
    expect(isPodBearing({ apiVersion: 'v1', kind: name })).toBe(false);
    expect(podTemplateOf({ apiVersion: 'v1', kind: name, raw: {} })).toBeUndefined();
    expect(() => parseMaven(`1.0-${name}`)).not.toThrow();
  });
});
