import type { ImageRule } from '../rule.js';
import { finding } from '../support.js';

const meta: ImageRule['meta'] = {
  id: 'SS-IMG-010',
  title: 'Port 22 exposed',
  severity: 'MEDIUM',
  rationale: 'Exposing port 22 means an SSH server is meant to run in the container: another entry point to patch, guard and audit.',
  remediation: 'Remove `EXPOSE 22` and the SSH server; use `docker exec` / `kubectl exec` for access.',
  references: ['CIS Docker Benchmark v1.6.0 5.7', 'checkov CKV_DOCKER_1'],
  cis: '5.7',
};

/** SS-IMG-010: the config's ExposedPorts includes 22 (`22/tcp`, `22`, `22/udp`). */
export const exposedSshPort: ImageRule = {
  meta,
  check(model) {
    const ports = Object.keys(model.image.config.config?.ExposedPorts ?? {});
    return ports.filter((port) => /^22(?:\/\w+)?$/.test(port.trim())).map((port) => finding(meta, `the image exposes port ${port}`));
  },
};
