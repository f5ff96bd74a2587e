import type { DockerfileRule, DockerfileRuleMeta } from '../rule.js';
import { findingAt } from '../rule.js';
import { programOf } from '../shell.js';
import { runCommands } from '../stages.js';

const downloaders = new Set(['curl', 'wget']);
const interpreters = new Set(['sh', 'bash', 'zsh', 'ash', 'dash', 'ksh', 'python', 'python3', 'perl', 'ruby', 'node']);

const meta: DockerfileRuleMeta = {
  id: 'SS-DF-018',
  title: 'Remote script piped into a shell',
  severity: 'HIGH',
  rationale: 'Piping a download into a shell executes whatever the server (or anyone able to tamper with it) returns at build time, with no integrity check.',
  remediation: 'Download the script or binary to a file, verify its pinned checksum or signature, then run it; or install from a package manager.',
  references: ['CIS Docker Benchmark 4.11', 'NIST SP 800-190 4.1.5'],
  cis: '4.11',
};

/** SS-DF-018: `curl … | sh` runs whatever the server sends, unverified. */
export const pipeToShell: DockerfileRule = {
  meta,
  examples: {
    bad: [
      'FROM debian:12\nRUN curl -fsSL https://get.example.com | sh\n',
      'FROM debian:12\nRUN wget -qO- https://x.io/install.sh | sudo bash -s -- -y\n',
      'FROM debian:12\nRUN sh -c "$(curl -fsSL https://x.io/i.sh)"\n',
      'FROM debian:12\nRUN bash <(curl -s https://x.io/i.sh)\n',
    ],
    good: [
      'FROM debian:12\nRUN curl -fsSLo /tmp/i.sh https://x.io/i.sh && echo "abc  /tmp/i.sh" | sha256sum -c && sh /tmp/i.sh\n',
      'FROM debian:12\nRUN curl -s https://x.io/data.json | jq .\n',
    ],
  },
  check(dockerfile) {
    return runCommands(dockerfile).flatMap(({ run, pipelines, commands }) => {
      const piped = pipelines.find((p) => {
        const at = p.findIndex((c) => downloaders.has(programOf(c)));
        return at >= 0 && p.slice(at + 1).some((c) => interpreters.has(programOf(c)));
      });
      const substituted = commands.some((c) => interpreters.has(programOf(c)) && c.some((w) => /\$\(\s*(curl|wget)\b|`\s*(curl|wget)\b/.test(w)));
      const processSub = /\b(ba|z)?sh\s+<\(\s*(curl|wget)\b/.test(run.command ?? '');
      if (!piped && !substituted && !processSub) return [];
      const tool = piped?.find((c) => downloaders.has(programOf(c)));
      return [findingAt(meta, dockerfile, run, `${tool ? programOf(tool) : 'a download'} output is executed by a shell without verification`)];
    });
  },
};
