import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/**
 * The shared test data (`../shared` beside the checkout): real images, vectors, fixtures, schemas.
 * SHIPSHAPE_SHARED overrides the location. A clone alone has none: tests that need it skip with
 * `skipWhen(sharedAbsent)` (./skip.ts). Importing this module is what marks a test file as using
 * the shared data (./shared-users.ts): vitest runs those files once more without it.
 */
const sharedDir: string = process.env.SHIPSHAPE_SHARED ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared');

export const hasShared: boolean = existsSync(path.join(sharedDir, 'images'));

/** The skip reason of tests that need the shared data. */
const sharedMissing = `shared test data not found at ${sharedDir} (set SHIPSHAPE_SHARED)`;

/** `sharedMissing` when the shared data is absent, else undefined: `skipWhen(sharedAbsent)`. */
export const sharedAbsent: string | undefined = hasShared ? undefined : sharedMissing;

export function sharedPath(...parts: string[]): string {
  return path.join(sharedDir, ...parts);
}
