import { describe, expect, it } from 'vitest';
import { maxDockerfileBytes } from '../../core/limits.js';
import { lintDockerfile } from './lint.js';
import { parseDockerfile } from './parse.js';
import { substitute } from './substitute.js';

// Dockerfiles up to the size limit (maxDockerfileBytes) are linted in time linear in their size:
// no rule searches all stages per stage, no text is searched again per heredoc, no word recurses
// without bound. Wall-clock speed belongs to `npm run bench`; vitest's timeout bounds a regression.

/** Lines from `line(i)` up to (not past) `bytes`. */
function generated(head: string, bytes: number, line: (i: number) => string): string {
  const parts = [head];
  let size = head.length;
  for (let i = 1; ; i++) {
    const next = line(i);
    if (size + next.length > bytes) return parts.join('');
    parts.push(next);
    size += next.length;
  }
}

const malformed = (content: string): string[] =>
  lintDockerfile(content, { file: 'Dockerfile', hasDockerignore: true })
    .filter((f) => f.ruleId === 'SS-DF-038')
    .map((f) => f.message);

describe('hostile Dockerfiles at the size limit', () => {
  it('lints a chain of stages each adding a variable (the copies used to exhaust the heap)', () => {
    const content = generated('FROM alpine AS s0\n', maxDockerfileBytes, (i) => `FROM s${i - 1} AS s${i}\nARG A${i}=${i}\n`);
    expect(malformed(content)).toEqual([
      'the stages inherit more than 100000 ARG/ENV values from their parent stages (the maxDockerfileInheritedVariables limit): from this stage on, the values of parent stages are unknown',
    ]);
  }, 120_000);

  it('lints thousands of stages and COPY --from in time linear in them', () => {
    const stages = generated('FROM alpine AS s0\n', maxDockerfileBytes / 2, (i) => `FROM s${i - 1} AS s${i}\nCOPY --from=s${i - 1} /a /a\n`);
    const findings = lintDockerfile(stages, { file: 'Dockerfile', hasDockerignore: true });
    expect(findings.filter((f) => f.ruleId === 'SS-DF-032' || f.ruleId === 'SS-DF-039' || f.ruleId === 'SS-DF-038')).toEqual([]);
  }, 120_000);

  it('lints one RUN with tens of thousands of heredocs', () => {
    const count = 30_000;
    const opens = Array.from({ length: count }, (_, i) => `<<E${i}`).join(' ');
    const bodies = Array.from({ length: count }, (_, i) => `echo ${i}\nE${i}\n`).join('');
    const content = `FROM alpine\nRUN cat ${opens}\n${bodies}`;
    expect(content.length).toBeLessThan(maxDockerfileBytes);
    expect(malformed(content)).toEqual([]);
  }, 120_000);

  it('keeps heredoc bodies in order when one RUN opens several', () => {
    const parsed = parseDockerfile('FROM alpine\nRUN <<A <<-B\necho one\nA\n\techo two\n\tB\nRUN echo three\n', { file: 'Dockerfile' });
    expect(parsed.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.command)).toEqual(['echo one\n\techo two', 'echo three']);
  });

  it('leaves a substitution nested past the depth limit as written, instead of overflowing the stack', () => {
    const depth = 100_000;
    const word = `${'${A:-'.repeat(depth)}x${'}'.repeat(depth)}`;
    expect(malformed(`FROM alpine\nENV X=${word}\n`)).toEqual([]);
    const shallow = `${'${A:-'.repeat(10)}x${'}'.repeat(10)}`;
    expect(substitute(shallow, new Map())).toBe('x');
    expect(substitute(`${'${A:-'.repeat(65)}x${'}'.repeat(65)}`, new Map())).toBe('${A:-x}');
  }, 120_000);
});
