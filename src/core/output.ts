import { writeFile } from 'node:fs/promises';
import { OutputError, messageOf } from './errors.js';

/** Writes a report the user asked for with `-o`; a path that cannot be written is a clear error, not a crash. */
export async function writeOutputFile(file: string, text: string): Promise<void> {
  await writeFile(file, text).catch((error: unknown) => {
    throw new OutputError(`cannot write ${file}: ${messageOf(error)}`, { cause: error });
  });
}
