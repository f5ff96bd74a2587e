import { UsageError } from '../core/errors.js';

/** An OCI platform: `os/architecture[/variant]`. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string | undefined;
}

export const defaultPlatform: Platform = { os: 'linux', architecture: 'amd64' };

/** Parses `linux/amd64`, `linux/arm64/v8`, `linux/arm/v7`. */
export function parsePlatform(text: string): Platform {
  const parts = text.split('/');
  const [os, architecture, variant] = parts;
  if (parts.length < 2 || parts.length > 3 || !os || !architecture || (parts.length === 3 && !variant)) {
    throw new UsageError(`invalid platform ${JSON.stringify(text)}: expected os/arch[/variant], e.g. linux/arm64`);
  }
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/** The variant an architecture has when none is written (containerd's normalisation). */
function defaultVariant(architecture: string): string | undefined {
  if (architecture === 'arm64') return 'v8';
  if (architecture === 'arm') return 'v7';
  return undefined;
}

/**
 * Whether an index entry's platform serves the wanted one. A wanted platform without a variant
 * accepts any variant of that architecture; with one, the entry must have it (or be the
 * architecture's default variant when the entry writes none).
 */
export function platformMatches(wanted: Platform, candidate: Platform): boolean {
  if (wanted.os !== candidate.os || wanted.architecture !== candidate.architecture) return false;
  if (!wanted.variant) return true;
  const have = candidate.variant ?? defaultVariant(candidate.architecture);
  return have === wanted.variant;
}
