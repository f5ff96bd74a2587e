import type { SeverityLevel } from '../core/severity.js';
import type { RuleMeta } from '../rules/rule.js';
import type { ContainerDrift } from './drift.js';

/**
 * Rules on what a running container changed in its writable layer (`SS-DRIFT-NNN`). An image is meant
 * to be immutable at run time: code, packages or configuration that appear in a container after it
 * started were not scanned, signed or reviewed with its image — a tool dropped by an attacker, a
 * hot-fix made by hand, or a compromise in progress.
 */
export const driftRuleMeta = {
  executable: {
    id: 'SS-DRIFT-001',
    title: 'Executable added or replaced in a running container',
    severity: 'HIGH',
    rationale:
      "A binary or shared object that appeared after the container started was never in its image: nobody scanned it, and it is the usual trace of an attacker's tool or a hand-made hot-fix.",
    remediation:
      "Find out who wrote it (the container's logs, the engine's events); rebuild the image with the change if it is wanted, and run containers with a read-only root filesystem.",
    references: ['NIST SP 800-190 4.4.4', 'MITRE ATT&CK T1105 Ingress Tool Transfer', 'CIS Docker Benchmark v1.6.0 5.12'],
  },
  package: {
    id: 'SS-DRIFT-002',
    title: 'Package installed or removed in a running container',
    severity: 'MEDIUM',
    rationale:
      "A package installed (or removed) at run time changes the container's code without its image: the image's SBOM, scan and signature no longer describe what runs.",
    remediation: 'Install packages in the Dockerfile and redeploy; run containers with a read-only root filesystem and without a package manager.',
    references: ['NIST SP 800-190 4.1.1', 'CIS Docker Benchmark v1.6.0 5.12'],
  },
  etc: {
    id: 'SS-DRIFT-003',
    title: 'Configuration under /etc changed in a running container',
    severity: 'LOW',
    rationale:
      "Changes to /etc at run time alter accounts, the dynamic linker, cron or services behind the image's back; changes to /etc/passwd, shadow, sudoers, ld.so.preload or cron are how attackers persist.",
    remediation: 'Put configuration in the image or in mounted, read-only configuration; run with a read-only root filesystem.',
    references: ['NIST SP 800-190 4.4.4', 'MITRE ATT&CK T1574.006 Dynamic Linker Hijacking'],
  },
  unread: {
    id: 'SS-DRIFT-004',
    title: "Container's writable layer could not be read",
    severity: 'UNKNOWN',
    rationale: 'What a container changed is unknown when its writable layer is not found or not readable: it is not clean, only unchecked.',
    remediation: "Give the scan read access to the engine's state directory (the DaemonSet's hostPath mounts), or run it on the host itself.",
    references: ['Shipshape: unknown is never clean'],
  },
} as const satisfies Record<string, RuleMeta>;

/** /etc files whose change is how persistence and privilege escalation are done: HIGH, not LOW. */
const persistenceFiles =
  /^\/etc\/(passwd|shadow|group|gshadow|sudoers(\.d\/.*)?|ld\.so\.preload|ld\.so\.conf(\.d\/.*)?|crontab|cron\.[^/]+\/.*|profile(\.d\/.*)?|bash\.bashrc|ssh\/.*|pam\.d\/.*|security\/.*|systemd\/.*|init\.d\/.*|rc\.local)$/;

export interface DriftFindingDraft {
  ruleId: string;
  title: string;
  severity: SeverityLevel;
  message: string;
  path?: string | undefined;
}

/** The findings of one container's drift (its secrets come with their own rules, from the secret scanner). */
export function driftFindings(drift: ContainerDrift): DriftFindingDraft[] {
  const { executable, package: pkg, etc } = driftRuleMeta;
  const sizeOf = (bytes: number): string => `${bytes} bytes`;
  return [
    ...drift.executables.map((file) => ({
      ruleId: executable.id,
      title: executable.title,
      severity: executable.severity,
      message: `${file.change === 'added' ? 'added' : 'replaced'} executable ${file.path} (${sizeOf(file.size)})`,
      path: file.path,
    })),
    ...drift.packages.installed.map((found) => ({
      ruleId: pkg.id,
      title: pkg.title,
      severity: pkg.severity,
      message: `${found.type} package ${found.name} ${found.version} installed at run time (listed in ${found.path})`,
      path: found.path,
    })),
    ...drift.packages.removed.map((found) => ({
      ruleId: pkg.id,
      title: pkg.title,
      severity: pkg.severity,
      message: `${found.type} package ${found.name} ${found.version} removed at run time (was listed in ${found.path})`,
      path: found.path,
    })),
    ...drift.etc.map((file) => ({
      ruleId: etc.id,
      title: etc.title,
      severity: persistenceFiles.test(file.path) ? ('HIGH' as const) : etc.severity,
      message: `${file.path} ${file.change} at run time`,
      path: file.path,
    })),
  ];
}
