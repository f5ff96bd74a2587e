import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ShipshapeError } from '../../core/errors.js';
import { reportStyle } from '../../report/html/style.js';
import { dashboardStyle } from './style.js';

/** Where the build writes the bundled page script (package.json's `build`): next to this module in dist/. */
const bundled = new URL('./dashboard.bundle.js', import.meta.url);
/** The page script's source, when running from source (the tests). */
const source = new URL('./page/main.ts', import.meta.url);

export interface Asset {
  body: string;
  /** A strong validator, so browsers revalidate cheaply (`cache-control: no-cache`). */
  etag: string;
}

const assetOf = (body: string): Asset => ({ body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` });

/** The stylesheet: the report's (the map and its panel are the report's own markup) and the dashboard's. */
export const dashboardCss: Asset = assetOf(`${reportStyle}\n${dashboardStyle}`);

let script: Promise<Asset> | undefined;

/** The page script: the build's bundle, or bundled on first use when running from source (rolldown is a dev dependency). */
export function dashboardScript(): Promise<Asset> {
  script ??= loadScript().then(assetOf, (error: unknown) => {
    script = undefined; // the next request tries again
    throw error;
  });
  return script;
}

async function loadScript(): Promise<string> {
  if (existsSync(bundled)) return readFile(bundled, 'utf8');
  if (!existsSync(source)) {
    throw new ShipshapeError('E_NOT_FOUND', `the dashboard's page script is missing (${fileURLToPath(bundled)}); this installation was not built completely`);
  }
  const { bundlePageScript } = await import('../../report/html/page-bundle.js');
  return bundlePageScript(fileURLToPath(source));
}
