import type { ComposeRule, ComposeRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { listEntries, scalarText } from '../fields.js';
import { hostSource } from './runtime-socket.js';

const meta: ComposeRuleMeta = {
  id: 'SS-CMP-015',
  title: 'Host devices given to the container',
  severity: 'MEDIUM',
  rationale:
    "A host device (`devices:`, or a bind mount from /dev) gives the container the host's hardware: a disk device lets it read and write every file system on it, and a service that needs devices is often made `privileged` to reach them. Each device is a path out of the container to review.",
  remediation:
    'Give the container only the devices it needs, each named in `devices:` (with `r`/`w`/`m` permissions as narrow as it works with), instead of `privileged: true` or a mount of /dev; leave disks and /dev/mem out.',
  references: ['CIS Docker Benchmark v1.6.0 5.18', 'Docker docs: docker run --device'],
  cis: '5.18',
};

/** SS-CMP-015: `devices:` entries, and bind mounts whose host path is under /dev. */
export const hostDevices: ComposeRule = {
  meta,
  examples: {
    bad: [
      'services:\n  scanner:\n    image: scanner:1.0\n    volumes:\n      - /dev/bus/usb:/dev/bus/usb\n',
      'services:\n  scanner:\n    image: scanner:1.0\n    devices:\n      - /dev/ttyUSB0:/dev/ttyUSB0\n',
    ],
    good: ['services:\n  app:\n    image: nginx:1.27\n    volumes:\n      - ./site:/usr/share/nginx/html:ro\n      - devdata:/dev-data\n'],
  },
  check(service, file) {
    const devices = listEntries(service.raw.devices).flatMap(({ index, value }) => {
      const text = scalarText(value);
      return text === undefined ? [] : [findingAt(meta, service, file, ['devices', index], `is given the host device ${JSON.stringify(text.split(':')[0])}`)];
    });
    const mounts = listEntries(service.raw.volumes).flatMap(({ index, value }) => {
      const source = hostSource(value)?.replace(/\/{2,}/g, '/');
      if (source === undefined || !(source === '/dev' || source.startsWith('/dev/'))) return [];
      return [findingAt(meta, service, file, ['volumes', index], `mounts the host's ${JSON.stringify(source)}`)];
    });
    return [...devices, ...mounts];
  },
};
