import { parseReference } from '../../../image/reference.js';
import type { ComposeRule, ComposeRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { isInterpolated, scalarText } from '../fields.js';

const meta: ComposeRuleMeta = {
  id: 'SS-CMP-013',
  title: 'Image not pinned: latest or no tag',
  severity: 'MEDIUM',
  rationale:
    'An untagged or `latest` image changes under you: deployments are not reproducible, a compromised or broken push is picked up silently, and scan results go stale.',
  remediation: 'Pin a version tag (`postgres:16.4`), and better a digest (`postgres:16.4@sha256:…`).',
  references: ['CIS Docker Benchmark v1.6.0 4.2 (trusted, known base images)', 'hadolint DL3007 (the Dockerfile equivalent)'],
  cis: '4.2',
};

/** SS-CMP-013: `image` with no tag or `:latest`, and no digest; a service that builds its image is skipped. */
export const imageTag: ComposeRule = {
  meta,
  examples: {
    bad: ['services:\n  db:\n    image: postgres\n', 'services:\n  db:\n    image: postgres:latest\n', 'services:\n  db:\n    image: ghcr.io/acme/api\n'],
    good: [
      'services:\n  db:\n    image: postgres:16.4\n',
      'services:\n  db:\n    image: postgres@sha256:' + 'a'.repeat(64) + '\n',
      'services:\n  api:\n    build: .\n    image: acme/api\n',
      'services:\n  api:\n    image: "acme/api:${TAG:-1.0}"\n',
    ],
  },
  check(service, file) {
    // with `build`, `image` names what compose builds, not something pulled
    if (service.raw.build !== undefined) return [];
    const text = scalarText(service.raw.image)?.trim();
    if (text === undefined || text === '' || isInterpolated(text)) return [];
    let reference;
    try {
      reference = parseReference(text);
    } catch {
      return []; // an invalid reference is compose's error to report, not a pinning problem
    }
    if (reference.digest !== undefined || reference.tag !== 'latest') return [];
    const explicit = /:latest$/.test(text);
    return [
      findingAt(
        meta,
        service,
        file,
        ['image'],
        explicit ? `image ${JSON.stringify(text)} uses the latest tag` : `image ${JSON.stringify(text)} has no tag (means latest)`,
      ),
    ];
  },
};
