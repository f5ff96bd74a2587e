import type { FileEntry } from '../image/layer/entry.js';
import type { LayerFileVisitor } from '../image/layer/visitor.js';
import { secretRules } from './registry.js';
import { scanContent } from './scan-file.js';
import type { SecretMatch, SecretRule } from './types.js';

/** What the visitor keeps for one file of one layer (plain JSON, cached with the layer). */
interface SecretFileOutput {
  matches: SecretMatch[];
}

export interface SecretVisitorOptions {
  /** Larger files are not read (default 10 MiB). */
  maxFileBytes?: number | undefined;
  /** Secrets matching one of these are not reported. */
  allowValues?: readonly RegExp[] | undefined;
  /** Rules to run (default: all; disabling is better done when assembling, which keeps cached layers valid). */
  rules?: readonly SecretRule[] | undefined;
}

export const secretVisitorId = 'secrets';
export const defaultMaxFileBytes = 10 * 1024 * 1024;

/** Trees of documentation, translations, time zones, icons and kernel interfaces: no secrets, many false ones. */
const skippedTrees =
  /^\/(?:proc|sys|dev)\/|^\/usr\/share\/(?:doc|man|info|locale|i18n|zoneinfo|common-licenses|mime|icons|pixmaps|fonts|X11\/locale|perl5?\/[^/]+\/unicore)\/|^\/usr\/lib\/locale\/|^\/var\/lib\/dpkg\/info\/[^/]+\.(?:md5sums|list)$/;
/** Formats that are binary or compressed (and so unreadable to a regex), by extension. */
const skippedExtensions =
  /\.(?:mo|gmo|png|jpe?g|gif|ico|icns|bmp|tiff?|webp|svgz|woff2?|ttf|otf|eot|pdf|gz|tgz|xz|bz2|zst|lz4|zip|jar|war|whl|egg|deb|rpm|apk|so(?:\.\d+)*|a|o|pyc|pyo|class|wasm|node|mp[34]|ogg|wav|avi|mov|db|sqlite3?)$/i;

/** How many leading bytes are checked for a NUL, which says "binary". */
const sniffBytes = 8192;

/** Whether a path is worth reading at all, before its content streams by. */
export function isScannablePath(path: string): boolean {
  return !skippedTrees.test(path) && !skippedExtensions.test(path);
}

/**
 * The secret scanner as a layer file visitor: reads every regular text file of every layer as it
 * streams, including files a later layer deletes or overwrites (their bytes still ship in the layer
 * that added them). Outputs masked matches only.
 */
export function secretVisitor(options: SecretVisitorOptions = {}): LayerFileVisitor {
  const maxFileBytes = options.maxFileBytes ?? defaultMaxFileBytes;
  const rules = options.rules ?? secretRules;
  const allowValues = options.allowValues ?? [];
  return {
    id: secretVisitorId,
    version: 1,
    maxBytes: maxFileBytes,
    required(path: string, entry: FileEntry): boolean {
      // larger files are left out here, not reported as skipped: most are binaries and archives
      return entry.type === 'file' && entry.size > 0 && entry.size <= maxFileBytes && isScannablePath(path);
    },
    analyze({ path, content }): SecretFileOutput | undefined {
      if (content.subarray(0, sniffBytes).includes(0)) return undefined;
      const matches = scanContent(path, content, rules, { allowValues });
      return matches.length > 0 ? { matches } : undefined;
    },
  };
}
