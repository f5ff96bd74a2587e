import type { ImageRule } from '../rule.js';
import { describeLayer, finalEntries, finding, isBaseLayer, layerLocation, octalMode } from '../support.js';

const meta: ImageRule['meta'] = {
  id: 'SS-IMG-003',
  title: 'setuid/setgid file',
  severity: 'MEDIUM',
  rationale:
    "A setuid or setgid executable runs with its owner's or group's privileges whoever starts it; each one is a way to escalate from the container user to root.",
  remediation:
    'Remove the bits where the program is not needed (`RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +`) or remove the program; run with `no-new-privileges`.',
  references: ['CIS Docker Benchmark v1.6.0 4.8', 'dockle CIS-DI-0008'],
  cis: '4.8',
  dockle: 'CIS-DI-0008',
};

/**
 * SS-IMG-003: regular files of the final image with setuid (04000) or setgid (02000). Files the
 * build wrote (or re-wrote) are MEDIUM; those the base image ships unchanged are LOW, as the
 * base's authors chose them. setgid directories only make new files inherit a group and are skipped.
 */
export const setuidFiles: ImageRule = {
  meta,
  check(model, { baseLayers }) {
    return finalEntries(model)
      .filter(({ entry }) => (entry.type === 'file' || entry.type === 'hardlink') && (entry.mode & 0o6000) !== 0)
      .map(({ entry, layer }) => {
        const bits = [entry.mode & 0o4000 ? 'setuid' : '', entry.mode & 0o2000 ? 'setgid' : ''].filter(Boolean).join('+');
        const inBase = isBaseLayer(layer, baseLayers);
        const owner = `uid ${entry.uid}, gid ${entry.gid}`;
        const message = `${entry.path} is ${bits} (mode ${octalMode(entry.mode)}, ${owner}), written by ${describeLayer(model, layer)}${inBase ? ' of the base image' : ''}`;
        return finding(meta, message, { layer: layerLocation(model, layer), path: entry.path }, inBase ? 'LOW' : meta.severity);
      });
  },
};
