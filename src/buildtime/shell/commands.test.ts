import { describe, expect, it } from 'vitest';
import { analyzeShell } from '../ci/shell.js';
import { parseDockerfile } from '../dockerfile/parse.js';
import { runScript, unwrap } from '../dockerfile/shell.js';
import { runCommands } from '../dockerfile/stages.js';
import { programIndex, programName, shellScriptIndex } from './commands.js';

/** What a Dockerfile `RUN` of the text runs: its commands (nested scripts included), unwrapped. */
function dockerfileSide(text: string): string[][] {
  const [run] = runCommands(parseDockerfile(`FROM alpine\nRUN ${text}\n`, { file: 'Dockerfile' }));
  return (run?.commands ?? []).map(unwrap).filter((c) => c.length > 0);
}

/** The tags of the `docker build`s a CI `sh` step of the text runs. */
function ciSide(text: string): string[] {
  return analyzeShell(text).flatMap((step) => (step.kind === 'build' ? step.tags.map((t) => t.resolved) : []));
}

const build = ['docker', 'build', '-t', 'r.io/app:1', '.'];

// The same text read as a Dockerfile RUN and as a CI step. Before the shared lexer the CI side did
// not strip `nice`, `xargs` or `timeout`, and neither side skipped a wrapper option's value
// (`sudo -u builder`, `nice -n 5`) or read `sh -ec` / `bash -o pipefail -c` scripts on both sides.
const table: { text: string; commands: string[][] }[] = [
  { text: 'docker build -t r.io/app:1 .', commands: [build] },
  { text: 'nice -n 5 docker build -t r.io/app:1 .', commands: [build] },
  { text: 'nice -5 ionice -c3 docker build -t r.io/app:1 .', commands: [build] },
  { text: 'sudo -E -u builder docker build -t r.io/app:1 .', commands: [build] },
  { text: 'sudo --user=builder -- docker build -t r.io/app:1 .', commands: [build] },
  { text: 'env -i PATH=/bin A=1 docker build -t r.io/app:1 .', commands: [build] },
  { text: 'timeout -s KILL 600 docker build -t r.io/app:1 .', commands: [build] },
  { text: 'DOCKER_BUILDKIT=1 time -p nohup stdbuf -oL docker build -t r.io/app:1 .', commands: [build] },
  { text: 'echo . | xargs -r -n 1 -P 2 docker build -t r.io/app:1', commands: [['echo', '.'], build.slice(0, 4)] },
  { text: "sh -ec 'docker build -t r.io/app:1 .'", commands: [['sh', '-ec', 'docker build -t r.io/app:1 .'], build] },
  { text: 'bash -o pipefail -c "docker build -t r.io/app:1 ."', commands: [['bash', '-o', 'pipefail', '-c', 'docker build -t r.io/app:1 .'], build] },
  { text: 'if command -v docker; then /usr/bin/docker build -t r.io/app:1 .; fi', commands: [['/usr/bin/docker', ...build.slice(1)]] },
  { text: 'command docker build -t r.io/app:1 . && exec docker build -t r.io/app:1 . 2>&1 >/dev/null', commands: [build, build] },
  { text: "docker build \\\n  -t 'r.io/app:1' . || { echo failed; exit 1; }", commands: [build, ['echo', 'failed'], ['exit', '1']] },
];

describe('one shell lexer for Dockerfile RUN and CI scripts', () => {
  it.each(table)('$text', ({ text, commands }) => {
    expect(dockerfileSide(text)).toEqual(commands);
    const builds = commands.filter((c) => programName(c[0] ?? '') === 'docker' && c[1] === 'build');
    expect(ciSide(text)).toEqual(builds.map(() => 'r.io/app:1'));
  });

  // the CI side has the same case in ci/bounds.test.ts; vitest's timeout bounds a regression
  it('strips 60,000 stacked wrappers from a RUN script in one pass', () => {
    expect(runScript(`${'sudo -E -u app '.repeat(60_000)}curl -k https://x`).commands.map(unwrap)).toEqual([['curl', '-k', 'https://x']]);
  }, 120_000);
});

describe('programIndex', () => {
  it('skips wrapper options with values, attached or not, and stops at the program', () => {
    expect(programIndex(['sudo', '-Eu', 'app', 'make'])).toBe(3);
    expect(programIndex(['sudo', '-uapp', 'make'])).toBe(2);
    expect(programIndex(['nice', '-n5', 'make', '-n', '5'])).toBe(2);
    expect(programIndex(['timeout', '--kill-after', '5', '10s', 'make'])).toBe(4);
    expect(programIndex(['xargs', '-I', '{}', 'cp', '{}', '/x'])).toBe(3);
  });

  it('finds nothing run by a lookup or a bare wrapper', () => {
    expect(programIndex(['command', '-v', 'docker'])).toBe(3);
    expect(programIndex(['sudo', '-E'])).toBe(2);
    expect(programIndex(['A=1', 'B=2'])).toBe(2);
  });
});

describe('shellScriptIndex', () => {
  it('finds the script of sh -c and its option clusters, not of other programs or operands', () => {
    expect(shellScriptIndex(['/bin/sh', '-c', 'x'])).toBe(2);
    expect(shellScriptIndex(['bash', '-xec', 'x'])).toBe(2);
    expect(shellScriptIndex(['bash', '-o', 'pipefail', '-c', 'x'])).toBe(4);
    expect(shellScriptIndex(['bash', 'script.sh', '-c', 'x'])).toBeUndefined();
    expect(shellScriptIndex(['python', '-c', 'x'])).toBeUndefined();
    expect(shellScriptIndex(['sh', '-c'])).toBeUndefined();
  });
});
