import { writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/**
 * Bundles the page script (`page/main.ts` and what it imports, `map-walk.ts` included) into one
 * classic script for the report to inline. The build runs it once (`npm run build` writes
 * `dist/report/html/page.bundle.js`); running from source (vitest) it runs when the report module
 * loads. `rolldown` is a dev dependency: an installed package has the bundle and never gets here.
 */
export async function bundlePageScript(entry: string): Promise<string> {
  const { rolldown } = await import('rolldown');
  const input = resolve(entry);
  // cwd fixed to the report's folder: the bundle's module comments, and so its CSP hash, do not depend on where it is built
  const bundle = await rolldown({
    input,
    cwd: dirname(dirname(input)),
    platform: 'browser',
    resolve: { extensionAlias: { '.js': ['.ts', '.js'] } },
    logLevel: 'warn',
  });
  try {
    const { output } = await bundle.generate({ format: 'iife' });
    return output[0].code;
  } finally {
    await bundle.close();
  }
}

/**
 * The build step (package.json's `build` script calls it from dist/): the bundle written where the
 * built report module reads it.
 * @public
 */
export async function writePageBundle(entry: string, out: string): Promise<void> {
  await writeFile(out, await bundlePageScript(entry));
}
