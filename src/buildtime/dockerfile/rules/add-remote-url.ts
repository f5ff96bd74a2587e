import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { isRemote, sourcesOf } from '../copy-sources.js';

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-005',
  title: 'ADD downloads a remote file without verification',
  severity: 'MEDIUM',
  rationale: 'ADD <url> fetches whatever the server returns at build time, with no integrity check; a compromised or changed server changes the image.',
  remediation: 'Use `ADD --checksum=sha256:<hex> <url> <dest>`, or download with curl and verify a pinned checksum in the same RUN.',
  references: ['CIS Docker Benchmark 4.9', 'hadolint DL3020'],
  cis: '4.9',
};

/** SS-DF-005: ADD of a URL without `--checksum`: the download is not verified. */
export const addRemoteUrl: DockerfileRule = {
  meta,
  examples: {
    bad: ['FROM alpine:3\nADD https://example.com/tool.tar.gz /opt/\n', 'FROM alpine:3\nADD git@github.com:org/repo.git /src\n'],
    good: [
      'FROM alpine:3\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool.tar.gz /opt/\n',
      'FROM alpine:3\nCOPY tool.tar.gz /opt/\n',
    ],
  },
  check(dockerfile) {
    return dockerfile.instructions
      .filter((i) => i.keyword === 'ADD' && !i.flags.some((f) => f.name === 'checksum'))
      .flatMap((i) =>
        sourcesOf(i)
          .filter(isRemote)
          .map((url) => findingAt(meta, dockerfile, i, `ADD downloads \`${url}\` without --checksum`)),
      );
  },
};
