import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ShipshapeError } from '../../core/errors.js';

/** Where the build puts the bundled page script (page-bundle.ts): next to this module in `dist/`. */
const bundled = new URL('./page.bundle.js', import.meta.url);
/** The page script's source: next to this module when running from source. */
const source = new URL('./page/main.ts', import.meta.url);

async function loadReportScript(): Promise<string> {
  if (existsSync(bundled)) return readFileSync(bundled, 'utf8');
  if (!existsSync(source)) {
    throw new ShipshapeError('E_NOT_FOUND', `the HTML report's page script is missing (${fileURLToPath(bundled)}); this installation was not built completely`);
  }
  const { bundlePageScript } = await import('./page-bundle.js');
  return bundlePageScript(fileURLToPath(source));
}

/**
 * The report's only script (page/main.ts bundled), inlined in the report and admitted by its hash:
 * read from the build's bundle, or bundled now when running from source.
 */
export const reportScript: string = await loadReportScript();
