import type { ImageRule } from '../rule.js';
import { describeLayer, finalEntries, finding, isBaseLayer, isUnder, layerLocation, octalMode } from '../support.js';

const meta: ImageRule['meta'] = {
  id: 'SS-IMG-004',
  title: 'World-writable file or directory',
  severity: 'MEDIUM',
  rationale:
    'Any user in the container can change a world-writable file, or replace files in a world-writable directory without the sticky bit: a low-privileged process can tamper with programs or configuration others run.',
  remediation: 'Remove the write bit for others (`chmod o-w`), or set the sticky bit (`chmod +t`) on shared scratch directories.',
  references: ['CIS Docker Benchmark v1.6.0 4.8 (file permissions)', 'NIST SP 800-190 4.1.4'],
};

/** Scratch areas meant to be shared, and /dev, which the runtime mounts over. */
const exempt = ['/tmp', '/var/tmp', '/dev/shm', '/dev'];

/**
 * SS-IMG-004: files, hard links, devices and directories of the final image writable by others
 * (o+w), except under /tmp, /var/tmp, /dev/shm and /dev, and directories with the sticky bit.
 * Symbolic links are always 0777 and mean nothing. Base-image paths are LOW.
 */
export const worldWritable: ImageRule = {
  meta,
  check(model, { baseLayers }) {
    return finalEntries(model)
      .filter(({ entry }) => entry.type !== 'symlink' && (entry.mode & 0o002) !== 0)
      .filter(({ entry }) => !(entry.type === 'dir' && (entry.mode & 0o1000) !== 0))
      .filter(({ entry }) => !exempt.some((dir) => isUnder(entry.path, dir)))
      .map(({ entry, layer }) => {
        const inBase = isBaseLayer(layer, baseLayers);
        const what =
          entry.type === 'dir'
            ? 'directory'
            : entry.type === 'file' || entry.type === 'hardlink'
              ? 'file'
              : entry.type === 'fifo'
                ? 'fifo'
                : `${entry.type} device`;
        const message = `${what} ${entry.path} is world-writable (mode ${octalMode(entry.mode)}), written by ${describeLayer(model, layer)}${inBase ? ' of the base image' : ''}`;
        return finding(meta, message, { layer: layerLocation(model, layer), path: entry.path }, inBase ? 'LOW' : meta.severity);
      });
  },
};
