import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { programOf, unwrap } from '../shell.js';
import { runCommands } from '../stages.js';

/** Whether a chmod mode gives everyone write access (sticky-bit modes like 1777 for /tmp are fine). */
function worldWritable(mode: string): boolean {
  const numeric = /^0?([0-7]?)([0-7]{3})$/.exec(mode);
  if (numeric) {
    const special = Number(numeric[1] || '0');
    const other = Number(numeric[2]?.[2] ?? '0');
    return (other & 2) !== 0 && (special & 1) === 0;
  }
  return mode.split(',').some((clause) => /^[ugoa]*[+=][rwxXst]*w/.test(clause) && /^[^+=]*[oa]/.test(clause) && !clause.includes('t'));
}

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-024',
  title: 'World-writable permissions',
  severity: 'MEDIUM',
  rationale: 'World-writable files and directories let any process in the container (whatever its user) replace binaries, scripts or configuration.',
  remediation: 'Give ownership to the user that needs write access (`COPY --chown=app`, `chown`) and use restrictive modes such as 755/644.',
  references: ['NIST SP 800-190 4.1.4'],
};

/** SS-DF-024: `chmod 777` / `COPY --chmod=777`: files anyone in the container can change. */
export const worldWritableMode: DockerfileRule = {
  meta,
  examples: {
    bad: [
      'FROM alpine:3\nRUN chmod -R 777 /app\n',
      'FROM alpine:3\nCOPY --chmod=777 run.sh /run.sh\n',
      'FROM alpine:3\nRUN chmod a+rwx /data\n',
      'FROM alpine:3\nRUN chmod o+w /etc/passwd\n',
    ],
    good: [
      'FROM alpine:3\nRUN chmod 755 /app && chmod 1777 /tmp/shared\n',
      'FROM alpine:3\nCOPY --chmod=0755 run.sh /run.sh\n',
      'FROM alpine:3\nRUN chmod u+x /run.sh\n',
    ],
  },
  check(dockerfile) {
    const flagged = dockerfile.instructions
      .filter((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && i.flags.some((f) => f.name === 'chmod' && worldWritable(f.value ?? '')))
      .map((i) => findingAt(meta, dockerfile, i, `${i.keyword} --chmod=${i.flags.find((f) => f.name === 'chmod')?.value ?? ''} makes files world-writable`));
    const runs = runCommands(dockerfile).flatMap(({ run, commands }) => {
      const mode = commands
        .filter((c) => programOf(c) === 'chmod')
        .map(
          (c) =>
            unwrap(c)
              .slice(1)
              .find((w) => !w.startsWith('-')) ?? '',
        )
        .find(worldWritable);
      return mode ? [findingAt(meta, dockerfile, run, `chmod ${mode} makes files world-writable`)] : [];
    });
    return [...flagged, ...runs];
  },
};
