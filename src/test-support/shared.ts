import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/**
 * The shared test data (`../shared` beside the checkout): real images, vectors, fixtures, tools.
 * SHIPSHAPE_SHARED overrides the location. Tests that need it skip with `sharedMissing` as reason.
 */
export const sharedDir: string =
  process.env.SHIPSHAPE_SHARED ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared');

export const hasShared: boolean = existsSync(path.join(sharedDir, 'images'));

export const sharedMissing = `shared test data not found at ${sharedDir} (set SHIPSHAPE_SHARED)`;

export function sharedPath(...parts: string[]): string {
  return path.join(sharedDir, ...parts);
}

/** Whether a command is on PATH; tests that need Debian tools (skopeo, docker-registry) skip without them. */
export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}
