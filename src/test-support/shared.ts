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

/**
 * Why the tests against Debian's real docker-registry cannot run here (undefined: they can): they
 * need the shared data (start-registry.sh, images), the registry, and skopeo when they push images.
 */
export function realRegistryMissing(options: { skopeo: boolean } = { skopeo: true }): string | undefined {
  if (!hasShared) return sharedMissing;
  if (!hasCommand('docker-registry')) return 'docker-registry is not installed (apt-get install docker-registry)';
  if (options.skopeo && !hasCommand('skopeo')) return 'skopeo is not installed (apt-get install skopeo)';
  return undefined;
}
