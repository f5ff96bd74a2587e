import type { ImageModel } from '../../../image/read-image.js';
import { parseReference } from '../../../image/reference.js';
import type { ImageRule } from '../rule.js';
import { finding } from '../support.js';

const meta: ImageRule['meta'] = {
  id: 'SS-IMG-005',
  title: 'Base image referenced by a mutable tag',
  severity: 'MEDIUM',
  rationale:
    'A base image named `latest` or with no tag is whatever the registry serves on the day of the build: builds are not reproducible and a changed or compromised base slips in unnoticed.',
  remediation: 'Name the base image by a version tag and digest in FROM (`FROM debian:12.5@sha256:...`) and update it deliberately (Renovate, Dependabot).',
  references: [
    'CIS Docker Benchmark v1.6.0 4.2',
    'dockle DKL-DI-0006',
    'hadolint DL3007',
    'https://github.com/opencontainers/image-spec/blob/main/annotations.md',
  ],
  cis: '4.2',
  dockle: 'DKL-DI-0006',
};

const baseNameKey = 'org.opencontainers.image.base.name';
const baseDigestKey = 'org.opencontainers.image.base.digest';

/** The base image name and digest BuildKit and others record: manifest annotations first, then config labels. */
function recordedBase(model: ImageModel): { name: string | undefined; digest: string | undefined } {
  const annotations = model.image.manifest?.annotations ?? {};
  const labels = model.image.config.config?.Labels ?? {};
  return { name: annotations[baseNameKey] ?? labels[baseNameKey], digest: annotations[baseDigestKey] ?? labels[baseDigestKey] };
}

/**
 * SS-IMG-005: the recorded base name has tag `latest` or no tag, and no digest. When the image does
 * not record its base (most images), a LOW finding says the check could not be made — unless the
 * image has a single layer, which has no base to speak of.
 */
export const mutableBase: ImageRule = {
  meta,
  check(model, { baseLayers }) {
    const { name, digest } = recordedBase(model);
    if (name === undefined) {
      if (model.layers.length <= 1 && baseLayers === undefined) return [];
      return [
        finding(
          meta,
          `the base image is unknown: the image records no ${baseNameKey} annotation or label, so whether it was pinned cannot be checked`,
          {},
          'LOW',
        ),
      ];
    }
    let tag: string | undefined;
    let pinned: boolean;
    try {
      const reference = parseReference(name.trim());
      pinned = reference.digest !== undefined;
      const written = name.trim().split('@')[0] ?? '';
      tag = /:[\w][\w.-]*$/.test(written.slice(written.lastIndexOf('/') + 1)) ? reference.tag : undefined;
    } catch {
      return [finding(meta, `the recorded base image name ${JSON.stringify(name)} is not a valid image reference`, {}, 'LOW')];
    }
    if (pinned) return [];
    if (tag !== undefined && tag !== 'latest') return [];
    const how = tag === 'latest' ? 'the tag `latest`' : 'no tag (so `latest`)';
    const digestNote = digest ? ` (the build resolved it to ${digest}, but a rebuild will not)` : '';
    return [finding(meta, `the base image ${name} is referenced by ${how}${digestNote}`)];
  },
};
