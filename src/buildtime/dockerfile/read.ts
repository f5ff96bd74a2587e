import { maxDockerfileBytes } from '../../core/limits.js';
import { readTextFile } from '../../core/text-file.js';

/** Reads a Dockerfile the user named: text, at most `maxDockerfileBytes`, never a directory or a binary. */
export function readDockerfileFile(file: string): Promise<string> {
  return readTextFile(file, { what: 'a Dockerfile', maxBytes: maxDockerfileBytes, limitName: 'maxDockerfileBytes', usualName: 'Dockerfile' });
}
