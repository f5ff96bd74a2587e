import { stat } from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError, messageOf } from '../../core/errors.js';
import { readInputText } from '../../core/text-file.js';

/** The names `docker compose` looks for in a directory, in its order of preference. */
export const composeFileNames = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'] as const;

/** A compose file's name as given and its text. */
export interface ComposeSource {
  name: string;
  text: string;
  /** Why the file could not be read as text (`not UTF-8 text`): an error for the check, never skipped silently. */
  unreadable?: string | undefined;
}

/**
 * The compose files behind a path as the user gave it: the file itself, or every file of
 * `composeFileNames` in a directory (all of them: a check should not skip one docker would not
 * pick). A directory holding none is a NotFoundError: nothing checked is not a pass.
 */
export async function readComposeSources(given: string): Promise<ComposeSource[]> {
  const info = await stat(given).catch((error: unknown) => {
    throw new NotFoundError(`cannot read ${given}: ${messageOf(error)}`);
  });
  if (!info.isDirectory()) return [await readSource(given)];
  const sources: ComposeSource[] = [];
  for (const name of composeFileNames) {
    const file = path.join(given, name);
    if ((await stat(file).catch(() => undefined))?.isFile()) sources.push(await readSource(file));
  }
  if (sources.length === 0) throw new NotFoundError(`${given}: no compose file found (${composeFileNames.join(', ')})`);
  return sources;
}

async function readSource(file: string): Promise<ComposeSource> {
  return { name: file, ...(await readInputText(file)) };
}
