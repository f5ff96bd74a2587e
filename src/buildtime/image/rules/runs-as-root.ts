import type { ImageRule } from '../rule.js';
import { finding } from '../support.js';

const meta: ImageRule['meta'] = {
  id: 'SS-IMG-001',
  title: 'Image runs as root',
  severity: 'HIGH',
  rationale:
    'A container whose process runs as root turns any code execution bug into root inside the container, one kernel or runtime flaw away from root on the host.',
  remediation: 'Create an unprivileged user in the image and end the build with `USER <name or uid>` (a non-zero uid).',
  references: ['CIS Docker Benchmark v1.6.0 4.1', 'dockle CIS-DI-0001', 'hadolint DL3002', 'NIST SP 800-190 4.1.6'],
  cis: '4.1',
  dockle: 'CIS-DI-0001',
};

/** `root`, `0`, `0:0`, `root:staff` and an empty or missing User all run as uid 0. */
export function isRootUser(user: string | null | undefined): boolean {
  const name = (user ?? '').trim().split(':')[0] ?? '';
  return name === '' || name === 'root' || /^0+$/.test(name);
}

/** SS-IMG-001: the image config's User is empty, `root` or uid 0. */
export const runsAsRoot: ImageRule = {
  meta,
  check(model) {
    const user = model.image.config.config?.User;
    if (!isRootUser(user)) return [];
    const why =
      user === undefined || user === null || user.trim() === ''
        ? 'the image sets no User, so it runs as root'
        : `the image runs as User ${JSON.stringify(user)} (uid 0)`;
    return [finding(meta, why)];
  },
};
