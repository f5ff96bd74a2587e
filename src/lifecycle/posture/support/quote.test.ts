import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tokenize, type Token } from '../../../buildtime/ci/brace-lang.js';
import { bashParses, shellWords } from './test-shell.js';
import { groovyDouble, groovySingle, groovyTripleSingle, gitlabVariable, shellCommand, shellQuote, shellWord, teamcityString, yamlScalar } from './quote.js';

const dir = mkdtempSync(path.join(tmpdir(), 'shipshape-quote-'));
const canary = path.join(dir, 'pwned');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Names an estate may hold: command substitution, quotes of both kinds, globs, newlines, options. */
const hostile = [
  `prod$(touch ${canary})`,
  `prod\`touch ${canary}\``,
  `it's "quoted"`,
  `a'b"c\\d`,
  '$HOME ${PATH}',
  '; rm -rf / #',
  '*',
  'two\nlines',
  '',
  '-n',
  'ünï cödé',
];

/** The decoded text of the one string token of `source`, and its template expressions. */
function stringOf(source: string, language: 'groovy' | 'kotlin'): { text: string; exprs: string[] } {
  const token = tokenize(source, language).find((t): t is Extract<Token, { kind: 'string' }> => t.kind === 'string');
  expect(token).toBeDefined();
  return {
    text: (token?.parts ?? []).map((p) => (p.kind === 'text' ? p.text : `<${p.expr}>`)).join(''),
    exprs: (token?.parts ?? []).flatMap((p) => (p.kind === 'expr' ? [p.expr] : [])),
  };
}

describe('shell quoting', () => {
  it('gives a word the shell reads back as exactly the value, and runs nothing', () => {
    for (const value of hostile) expect(shellWords(shellQuote(value))).toEqual([value]);
    expect(shellWords(shellCommand(['kubectl', 'label', 'namespace', ...hostile]))).toEqual(['kubectl', 'label', 'namespace', ...hostile]);
    expect(existsSync(canary)).toBe(false);
    // plain words stay as they are: what an admin would type
    expect(shellCommand(['kubectl', 'label', 'namespace', 'shop-prod', 'pod-security.kubernetes.io/enforce=baseline'])).toBe(
      'kubectl label namespace shop-prod pod-security.kubernetes.io/enforce=baseline',
    );
  });

  it('keeps references live and literal parts literal in a double-quoted word', () => {
    const word = shellWord([`it's $(touch ${canary}) "`, { ref: '$IMAGE' }, ':1']);
    expect(shellWords(word, { IMAGE: 'r.example/a' })).toEqual([`it's $(touch ${canary}) "r.example/a:1`]);
    expect(existsSync(canary)).toBe(false);
  });

  it('gives commands bash -n accepts', () => {
    for (const value of hostile) expect(bashParses(shellCommand(['kubectl', 'label', 'namespace', value, 'a=b']))).toBe(true);
  });
});

describe('YAML scalars', () => {
  it('read back as exactly the value, on one line, in YAML 1.1 and 1.2', () => {
    for (const value of [
      ...hostile,
      'yes',
      'no',
      'on',
      'null',
      '~',
      '1.0',
      '0x10',
      '0777',
      'a: b',
      'a #b',
      '- x',
      '&anchor',
      '!tag',
      '{x}',
      '[x]',
      ' lead',
      'trail ',
      '%x',
      '@x',
      '`x`',
      '"',
      "'",
    ]) {
      const text = yamlScalar(value);
      expect(text).not.toContain('\n');
      expect(parse(`k: ${text}`, { version: '1.2' })).toEqual({ k: value });
      expect(parse(`k: ${text}`, { version: '1.1' })).toEqual({ k: value });
    }
  });

  it('double literal dollars for GitLab variables, keeping references', () => {
    expect(parse(`k: ${gitlabVariable(['a$b ', { ref: '${CI_COMMIT_SHA}' }])}`)).toEqual({ k: 'a$$b ${CI_COMMIT_SHA}' });
  });
});

describe('Groovy and Kotlin strings', () => {
  it("decode to exactly the value with the project's tokenizer (no interpolation of literal $)", () => {
    for (const value of hostile) {
      expect(stringOf(`sh ${groovySingle(value)}`, 'groovy')).toEqual({ text: value, exprs: [] });
      expect(stringOf(`x = ${groovyDouble([value])}`, 'groovy')).toEqual({ text: value, exprs: [] });
    }
    const triple = groovyTripleSingle(['printf \'%s\\n\' "$X"', "a'''b"]).join('\n');
    expect(stringOf(`sh ${triple}`, 'groovy').text).toBe("\nprintf '%s\\n' \"$X\"\na'''b\n");
  });

  it("keep the pipeline's own references as templates", () => {
    expect(stringOf(`x = ${groovyDouble(['IMAGE=$1"', { ref: '${IMAGE}' }, ':', { ref: '${env.BUILD_NUMBER}' }])}`, 'groovy')).toEqual({
      text: 'IMAGE=$1"<IMAGE>:<env.BUILD_NUMBER>',
      exprs: ['IMAGE', 'env.BUILD_NUMBER'],
    });
  });

  it('escape TeamCity percent signs and Kotlin dollars, keeping %parameters%', () => {
    const decoded = stringOf(`scriptContent = ${teamcityString(['printf "%s" $ref ', { ref: '%image.name%' }])}`, 'kotlin');
    expect(decoded).toEqual({ text: 'printf "%%s" $ref %image.name%', exprs: [] });
    for (const value of hostile) expect(stringOf(`x = ${teamcityString([value])}`, 'kotlin').text).toBe(value.replaceAll('%', '%%'));
  });
});
