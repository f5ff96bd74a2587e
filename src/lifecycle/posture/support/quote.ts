/**
 * Quoting for what the posture proposes: shell words, YAML scalars, Groovy and Kotlin string
 * literals, TeamCity parameter text. Every name that comes from the estate goes through one of
 * these before it reaches a command or a snippet, so a namespace called `prod$(touch /tmp/x)`
 * stays a name when the admin pastes the command.
 *
 * Text that mixes literal parts with references the CI system resolves at run time (`${IMAGE}`,
 * `%image.name%`, `${{ github.sha }}`) is a list of pieces: literal strings, escaped for the
 * target, and references, written verbatim.
 */
import { stringify } from 'yaml';
import type { CiValue } from '../../../buildtime/ci/model.js';
import { segmentsOf, type RefSyntax } from '../../../buildtime/ci/values.js';

/** A literal string, or a reference written verbatim in the target's syntax. */
export type Piece = string | { ref: string };

const plainWord = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** A POSIX shell word that stands for exactly `value`: as is when it holds nothing special, else single-quoted. */
export function shellQuote(value: string): string {
  if (plainWord.test(value)) return value;
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/** A command line of literal words, each quoted. */
export function shellCommand(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}

/**
 * A shell word from pieces: literal only → `shellQuote`; with references → double-quoted, the
 * literal parts escaped (`\`, `"`, `$`, `` ` ``) and the references left to expand (by the shell,
 * or by the CI system before the shell runs).
 */
export function shellWordPieces(pieces: readonly Piece[]): Piece[] {
  if (pieces.every((p) => typeof p === 'string')) return [shellQuote(pieces.join(''))];
  return ['"', ...pieces.map((p) => (typeof p === 'string' ? p.replace(/[\\"$`]/g, '\\$&') : p)), '"'];
}

/** `shellWordPieces` as text. */
export function shellWord(pieces: readonly Piece[]): string {
  return textOf(shellWordPieces(pieces));
}

/** Pieces as plain text, references as written. */
export function textOf(pieces: readonly Piece[]): string {
  return pieces.map((p) => (typeof p === 'string' ? p : p.ref)).join('');
}

/** A YAML (1.1 and 1.2) plain or quoted scalar that reads back as exactly `value`, on one line. */
export function yamlScalar(value: string): string {
  const text = stringify(value, { version: '1.1', lineWidth: 0, minContentWidth: 0 }).replace(/\n$/, '');
  return text.includes('\n') ? JSON.stringify(value) : text;
}

/** A Groovy single-quoted string (no interpolation) holding exactly `value`. */
export function groovySingle(value: string): string {
  return `'${value.replace(/[\\']/g, '\\$&').replaceAll('\n', '\\n').replaceAll('\r', '\\r')}'`;
}

/** A Groovy triple-single-quoted string (no interpolation) of these lines, backslashes doubled: its opening line, the lines, its closing line. */
export function groovyTripleSingle(lines: readonly string[]): string[] {
  return ["'''", ...lines.map((l) => l.replaceAll('\\', '\\\\').replaceAll("'''", "''\\'")), "'''"];
}

/** A Groovy double-quoted GString: literal parts escaped (`$` too), references (`${IMAGE}`) interpolated. */
export function groovyDouble(pieces: readonly Piece[]): string {
  return `"${pieces.map((p) => (typeof p === 'string' ? escapeTemplateLiteral(p) : p.ref)).join('')}"`;
}

/**
 * A Kotlin string for a TeamCity property: TeamCity substitutes `%name%` before the text is used,
 * so a literal `%` is written `%%`; Kotlin interpolates `$`, so a literal `$` is written `\$`.
 */
export function teamcityString(pieces: readonly Piece[]): string {
  return `"${pieces.map((p) => (typeof p === 'string' ? escapeTemplateLiteral(p.replaceAll('%', '%%')) : p.ref)).join('')}"`;
}

function escapeTemplateLiteral(text: string): string {
  return text
    .replace(/[\\"$]/g, '\\$&')
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r')
    .replaceAll('\t', '\\t');
}

/** GitLab expands `$` in `variables:` values: a literal `$` is written `$$`. */
export function gitlabVariable(pieces: readonly Piece[]): string {
  return yamlScalar(pieces.map((p) => (typeof p === 'string' ? p.replaceAll('$', '$$$$') : p.ref)).join(''));
}

/** The pieces of a CI value as written, its references in `syntaxes` kept as they are. */
export function piecesOf(text: string, syntaxes: readonly RefSyntax[]): Piece[] {
  return segmentsOf(text, syntaxes).map((s) => (s.kind === 'text' ? s.text : { ref: s.ref.raw }));
}

/** The reference syntaxes an image value of each CI system is written in. */
export const ciSyntaxes: Record<'jenkins' | 'github-actions' | 'gitlab-ci' | 'teamcity', readonly RefSyntax[]> = {
  jenkins: ['groovy'],
  'github-actions': ['github'],
  'gitlab-ci': ['shell'],
  teamcity: ['teamcity', 'kotlin'],
};

/** A value's pieces as the pipeline writes it. */
export function valuePieces(value: CiValue, system: keyof typeof ciSyntaxes): Piece[] {
  return piecesOf(value.raw, ciSyntaxes[system]);
}
