import type { ImageRule } from '../rule.js';
import { finding } from '../support.js';

const meta: ImageRule['meta'] = {
  id: 'SS-IMG-002',
  title: 'No HEALTHCHECK',
  severity: 'LOW',
  rationale: 'Without a health check the runtime can only tell whether the process exists, not whether it still serves; a hung container is never restarted.',
  remediation: 'Add a `HEALTHCHECK CMD ...` that probes the service (or rely on orchestrator probes and document it).',
  references: ['CIS Docker Benchmark v1.6.0 4.6', 'dockle CIS-DI-0006', 'hadolint DL3057', 'checkov CKV_DOCKER_2'],
  cis: '4.6',
  dockle: 'CIS-DI-0006',
};

/** SS-IMG-002: the config has no Healthcheck, or one disabled with `HEALTHCHECK NONE`. */
export const healthcheckMissing: ImageRule = {
  meta,
  check(model) {
    const test = model.image.config.config?.Healthcheck?.Test;
    if (!test || test.length === 0) return [finding(meta, 'the image defines no HEALTHCHECK')];
    if (test[0] === 'NONE') return [finding(meta, 'the image disables the health check (HEALTHCHECK NONE)')];
    return [];
  },
};
