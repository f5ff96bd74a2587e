import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { isRemote, sourcesOf } from '../copy-sources.js';

const archive = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$/i;

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-004',
  title: 'ADD used where COPY suffices',
  severity: 'MEDIUM',
  rationale:
    'ADD also fetches URLs and unpacks archives; for plain files that implicit behaviour is a surprise waiting to happen (an archive given by mistake is extracted).',
  remediation: 'Use `COPY` for local files and directories; keep `ADD` only to extract a local tar archive.',
  references: ['CIS Docker Benchmark 4.9', 'hadolint DL3020'],
  hadolint: 'DL3020',
  cis: '4.9',
};

/** SS-DF-004: ADD of local files that are not archives: COPY does the same with fewer surprises. */
export const addInsteadOfCopy: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM alpine:3\nADD app.py /app/\n', 'FROM alpine:3\nADD --chown=1:1 src /src\n'],
    good: ['FROM alpine:3\nCOPY app.py /app/\n', 'FROM alpine:3\nADD rootfs.tar.gz /\n', 'FROM alpine:3\nADD https://example.com/x.tgz /x.tgz\n'],
  },
  check(dockerfile) {
    return dockerfile.instructions
      .filter((i) => i.keyword === 'ADD' && i.heredocs.length === 0)
      .flatMap((i) => {
        const locals = sourcesOf(i).filter((s) => !isRemote(s) && !archive.test(s) && !s.includes('$'));
        return locals.length > 0 ? [findingAt(meta, dockerfile, i, `ADD of local ${locals.map((s) => `\`${s}\``).join(', ')}: use COPY`)] : [];
      });
  },
};
