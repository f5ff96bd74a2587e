import { dedent } from '../../../test-support/text.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { context, estate, registry, run } from '../test-evidence.js';
import { admissionVerifiesSignatures, detectAdmission } from './r04-admission-verifies-signatures.js';

const app = dedent`
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      namespace: shop
    spec:
      template:
        spec:
          containers:
            - name: web
              image: r.example/web:1
  `;
const kyverno = (action: string): string => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: verify-images
spec:
  validationFailureAction: ${action}
  rules:
    - name: verify
      match:
        any:
          - resources:
              kinds: [Pod]
      verifyImages:
        - imageReferences: ["r.example/*"]
          attestors:
            - entries:
                - keys:
                    publicKeys: "-----BEGIN PUBLIC KEY-----"
`;

describe('SS-CTL-R04 admission control verifies signatures', () => {
  it('is met by a Kyverno verifyImages policy in Enforce mode', () => {
    const outcome = admissionVerifiesSignatures.evaluate(context(estate({ run: run(`${kyverno('Enforce')}---\n${app}`) })));
    expect(outcome.status).toBe('met');
    expect(outcome.evidence[0]?.where).toBe('deploy.yaml:1');
    expect(outcome.evidence[0]?.text).toContain('verifyImages for r.example/*');
  });

  it('is partial in Audit mode and proposes switching to Enforce at the line', () => {
    const outcome = admissionVerifiesSignatures.evaluate(context(estate({ run: run(`${kyverno('Audit')}---\n${app}`) })));
    expect(outcome.status).toBe('partial');
    expect(outcome.changes[0]).toMatchObject({
      file: 'deploy.yaml',
      line: 6,
      snippet: '  validationFailureAction: Enforce',
      edits: [{ kind: 'substitute', file: 'deploy.yaml', line: 6, find: 'Audit', replace: 'Enforce' }],
    });
  });

  it('counts a Gatekeeper allowed-repos constraint as an allow-list only', () => {
    const constraint =
      'apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sAllowedRepos\nmetadata:\n  name: repo-is-internal\nspec:\n  parameters:\n    repos: ["r.example/"]\n';
    const outcome = admissionVerifiesSignatures.evaluate(context(estate({ run: run(`${constraint}---\n${app}`) })));
    expect(outcome.status).toBe('partial');
    expect(outcome.evidence[0]?.text).toContain('does not check signatures');
  });

  it('detects sigstore policy-controller and the namespaces not opted in', () => {
    const cip = dedent`
        apiVersion: policy.sigstore.dev/v1beta1
        kind: ClusterImagePolicy
        metadata:
          name: signed
        spec:
          images:
            - glob: "r.example/**"
          authorities:
            - keyless: {}
      `;
    const ns = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n';
    const outcome = admissionVerifiesSignatures.evaluate(context(estate({ run: run(`${cip}---\n${ns}---\n${app}`) })));
    expect(outcome.status).toBe('partial');
    expect(outcome.changes[0]?.snippet).toBe('kubectl label namespace shop policy.sigstore.dev/include=true');
    const included = ns.replace('  name: shop\n', '  name: shop\n  labels:\n    policy.sigstore.dev/include: "true"\n');
    expect(admissionVerifiesSignatures.evaluate(context(estate({ run: run(`${cip}---\n${included}---\n${app}`) }))).status).toBe('met');
  });

  it('detects Ratify verifiers, enforced only with the RatifyVerification constraint, and Connaisseur', () => {
    const verifier =
      'apiVersion: config.ratify.deislabs.io/v1beta1\nkind: Verifier\nmetadata:\n  name: verifier-notation\nspec:\n  name: notation\n  artifactTypes: application/vnd.cncf.notary.signature\n';
    const constraint =
      'apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: RatifyVerification\nmetadata:\n  name: ratify-constraint\nspec:\n  enforcementAction: deny\n';
    expect(admissionVerifiesSignatures.evaluate(context(estate({ run: run(`${verifier}---\n${app}`) }))).status).toBe('partial');
    expect(admissionVerifiesSignatures.evaluate(context(estate({ run: run(`${verifier}---\n${constraint}---\n${app}`) }))).status).toBe('met');
    const connaisseur = dedent`
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: connaisseur-deployment
          namespace: connaisseur
        spec:
          template:
            spec:
              containers:
                - name: connaisseur
                  image: securesystemsengineering/connaisseur:v3.6.1
      `;
    const found = detectAdmission(run(connaisseur).objects);
    expect(found.map((a) => [a.engine, a.enforced])).toEqual([['Connaisseur', true]]);
  });

  it("is a gap with none, proposing a Kyverno policy for the estate's registries", () => {
    const outcome = admissionVerifiesSignatures.evaluate(
      context(estate({ registries: [registry('r.example', [])], run: run(app) }), { policy: { trustedKeys: ['keys/cosign.pub'] } }),
    );
    expect(outcome.status).toBe('gap');
    expect(outcome.summary).toContain('manifests only');
    expect(outcome.changes[0]?.snippet).toContain('            - r.example/*\n');
    expect(outcome.changes[0]?.snippet).toContain('<contents of keys/cosign.pub>');
  });

  it('turns each allow-list entry into the image globs that admit exactly what it admits', () => {
    const outcome = admissionVerifiesSignatures.evaluate(
      context(estate({ run: run(app) }), { policy: { allowedRegistries: ['registry.shop.internal', 'nginx', 'ghcr.io/acme/', '*.pkg.dev'] } }),
    );
    const policy = parse(outcome.changes[0]?.snippet ?? '') as { spec: { rules: { verifyImages: { imageReferences: string[] }[] }[] } };
    expect(policy.spec.rules[0]?.verifyImages[0]?.imageReferences).toEqual([
      'registry.shop.internal/*',
      'docker.io/library/nginx:*',
      'docker.io/library/nginx@*',
      'docker.io/library/nginx/*',
      'ghcr.io/acme:*',
      'ghcr.io/acme@*',
      'ghcr.io/acme/*',
      '*.pkg.dev/*',
    ]);
  });
});
