import { baseName } from '../../../image/layer/entry.js';
import type { ImageFinding, ImageRule } from '../rule.js';
import { describeLayer, finding, layerLocation } from '../support.js';
import type { SeverityLevel } from '../../../core/severity.js';

const meta: ImageRule['meta'] = {
  id: 'SS-IMG-007',
  title: 'SSH server or keys in the image',
  severity: 'HIGH',
  rationale:
    'An SSH daemon is a second way into the container to patch and guard, and keys baked into an image are shared by every container run from it and readable by anyone who can pull it.',
  remediation:
    'Use `docker exec` / `kubectl exec` instead of sshd; generate host keys at start-up and mount user keys and authorized_keys as secrets instead of copying them into the image.',
  references: ['CIS Docker Benchmark v1.6.0 5.7', 'dockle CIS-DI-0010 (id_rsa...)', 'NIST SP 800-190 4.1.4'],
  cis: '5.7',
};

/** What an SSH-related path is, and how bad it is; undefined for other paths. */
export function sshArtifact(path: string): { what: string; severity: SeverityLevel } | undefined {
  const name = baseName(path);
  if (path === '/usr/sbin/sshd') return { what: 'SSH daemon', severity: 'MEDIUM' };
  if (/^\/etc\/ssh\/ssh_host_[a-z0-9]+_key$/.test(path)) return { what: 'SSH host private key', severity: 'HIGH' };
  if (/\/\.ssh\/id_[a-z0-9_-]+$/.test(path) && !name.endsWith('.pub')) return { what: 'SSH user private key', severity: 'HIGH' };
  if (/\/\.ssh\/authorized_keys2?$/.test(path)) return { what: 'SSH authorized_keys', severity: 'MEDIUM' };
  return undefined;
}

/**
 * SS-IMG-007: sshd, host private keys, users' private keys and authorized_keys in the final image,
 * and private keys a later layer deleted (their bytes still ship in the layer that wrote them).
 */
export const sshPresent: ImageRule = {
  meta,
  check(model) {
    const findings: ImageFinding[] = [];
    for (const { entry, layer } of model.view.files()) {
      const artifact = sshArtifact(entry.path);
      if (!artifact || entry.type === 'symlink') continue;
      findings.push(
        finding(
          meta,
          `${artifact.what} ${entry.path} (written by ${describeLayer(model, layer)})`,
          { layer: layerLocation(model, layer), path: entry.path },
          artifact.severity,
        ),
      );
    }
    for (const hidden of model.view.hidden) {
      const artifact = sshArtifact(hidden.entry.path);
      if (!artifact || !artifact.what.includes('private key') || hidden.entry.type !== 'file') continue;
      const message = `${artifact.what} ${hidden.entry.path} written by ${describeLayer(model, hidden.layer)} and ${hidden.how} by layer ${hidden.hiddenBy}: it is still in the image's layers`;
      findings.push(finding(meta, message, { layer: layerLocation(model, hidden.layer), path: hidden.entry.path }, artifact.severity));
    }
    return findings;
  },
};
