/** Paths relative to the repository, registry hosts and image names, on `CiValue`s. */
import { dockerHub, hostOfAddress, isDockerHub } from '../../image/registry-hosts.js';
import type { CiValue } from './model.js';
import { assumedField, unique } from './values.js';

/** Posix-normalised path, no leading `./`, no trailing `/`; `.` for the root. */
export function normalizePath(p: string): string {
  if (p === '') return '.';
  const absolute = p.startsWith('/');
  const parts: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else parts.push(part);
  }
  const joined = parts.join('/');
  if (absolute) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** `base` joined with `rel` (kept as is when absolute or a URL). */
export function joinPaths(base: CiValue, rel: CiValue): CiValue {
  if (isAbsoluteOrUrl(rel.resolved) || base.resolved === '.') {
    return { ...rel, resolved: isUrl(rel.resolved) ? rel.resolved : normalizePath(rel.resolved) };
  }
  return {
    raw: rel.raw,
    resolved: normalizePath(`${base.resolved}/${rel.resolved}`),
    unknowns: unique([...base.unknowns, ...rel.unknowns]),
    ...assumedField(base, rel),
  };
}

function isUrl(s: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(s) || s.startsWith('git@');
}

function isAbsoluteOrUrl(s: string): boolean {
  return s.startsWith('/') || isUrl(s);
}

/**
 * Replaces a leading workspace variable (`${CI_PROJECT_DIR}`, `${GITHUB_WORKSPACE}`…) by the
 * repository root: these variables are, by definition, the checkout directory.
 */
export function stripWorkspace(value: CiValue, workspaceVars: readonly string[]): CiValue {
  for (const name of workspaceVars) {
    const prefix = `\${${name}}`;
    if (value.resolved === prefix || value.resolved.startsWith(`${prefix}/`)) {
      const rest = value.resolved.slice(prefix.length);
      const resolved = normalizePath(rest === '' ? '.' : `.${rest}`);
      const unknowns = value.unknowns.filter((u) => u !== name || resolved.includes(prefix));
      return { ...value, resolved, unknowns };
    }
  }
  return value;
}

/**
 * Registry host as people write it → as Docker names it (`https://index.docker.io/v1/` →
 * `docker.io`, `https://r.example.com:5000/v2/` → `r.example.com:5000`; blank is Docker Hub).
 */
export function registryHost(value: CiValue): CiValue {
  const host = hostOfAddress(value.resolved);
  return { ...value, resolved: host === '' || isDockerHub(host) ? dockerHub : host };
}

/**
 * The repository part of a reference (tag and digest removed). Assumed defaults are kept unless the
 * repository part as written holds no variable at all (then only the dropped tag rested on them).
 */
export function withoutTag(image: CiValue): CiValue {
  const strip = (s: string): string => {
    const at = s.indexOf('@');
    const noDigest = at < 0 ? s : s.slice(0, at);
    const colon = noDigest.lastIndexOf(':');
    return colon > noDigest.lastIndexOf('/') ? noDigest.slice(0, colon) : noDigest;
  };
  const resolved = strip(image.resolved);
  const raw = strip(image.raw);
  const unknowns = image.unknowns.filter((u) => resolved.includes(`\${${u}`));
  return { raw, resolved, unknowns, ...(/[$%]/.test(raw) ? assumedField(image) : {}) };
}
