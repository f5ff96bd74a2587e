import type { WorkloadRule, WorkloadRuleMeta } from '../rule.js';
import { describeContainer, findingAt } from '../rule.js';
import { containerImages } from '../images.js';

const meta: WorkloadRuleMeta = {
  id: 'SS-K8S-003',
  title: 'Image from a registry outside the allow-list',
  severity: 'HIGH',
  rationale:
    'Images from unvetted registries bypass the scanning, signing and retention controls of the approved ones, and are a common path for typosquatted or malicious images.',
  remediation:
    'Mirror the image into an allowed registry and reference it there, or add the registry to `--allowed-registries` if it is trusted. Enforce the same list at admission (Kyverno, Gatekeeper, ValidatingAdmissionPolicy).',
  references: ['Kubescape C-0078 (Images from allowed registry)', 'NIST SP 800-190 4.1.4', 'https://kubernetes.io/docs/concepts/containers/images/'],
  kubescape: ['C-0078'],
};

/**
 * Whether `registry/repository` is allowed by an entry: a registry host (`ghcr.io`), a host and
 * path prefix (`ghcr.io/acme`), or a subdomain wildcard (`*.dkr.ecr.eu-west-1.amazonaws.com`).
 */
export function registryAllowed(registry: string, repository: string, allowed: readonly string[]): boolean {
  const host = registry.toLowerCase();
  const full = `${host}/${repository}`;
  return allowed.some((raw) => {
    let entry = raw.trim().replace(/\/+$/, '');
    if (entry === '') return false;
    const slash = entry.indexOf('/');
    const entryHost = (slash < 0 ? entry : entry.slice(0, slash)).toLowerCase();
    // `docker pull` normalises these names to docker.io; an allow-list written either way means the same.
    const normalisedHost = entryHost === 'index.docker.io' || entryHost === 'registry-1.docker.io' ? 'docker.io' : entryHost;
    entry = normalisedHost + (slash < 0 ? '' : entry.slice(slash));
    if (normalisedHost.startsWith('*.') && slash < 0) return host.endsWith(normalisedHost.slice(1));
    return full === entry || full.startsWith(`${entry}/`) || host === entry;
  });
}

/** SS-K8S-003: with `--allowed-registries`, every image must come from one of them. */
export const imageRegistry: WorkloadRule = {
  meta,
  examples: {
    bad: [
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: ghcr.io/someone-else/app:1.0\n',
    ],
    good: [
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: registry.example.com/team/app:1.0\n',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: ghcr.io/acme/app:1.0\n',
    ],
  },
  exampleContext: { allowedRegistries: ['registry.example.com', 'ghcr.io/acme'] },
  check({ objects, allowedRegistries }) {
    if (allowedRegistries === undefined) return [];
    const list = allowedRegistries.join(', ') || '(empty)';
    return containerImages(objects)
      .filter(({ parsed }) => !registryAllowed(parsed.registry, parsed.repository, allowedRegistries))
      .map(({ ref, image, imagePath, parsed }) =>
        findingAt(
          meta,
          ref.object,
          [imagePath, ref.pathKeys],
          `${describeContainer(ref.object, ref.name)} image ${JSON.stringify(image)} comes from ${parsed.registry}, which is not in the allowed registries (${list})`,
          ref.name,
        ),
      );
  },
};
