/**
 * Registry host facts, in one place: Docker Hub's names, which registries are public, and how an
 * allow-list entry (`--allowed-registries`, the policy's and `shipshape.yaml`'s `allowedRegistries`)
 * admits an image. The map, the posture and the workload rules all judge a registry through here,
 * so they cannot disagree about the same image.
 */

/** The name Docker gives Docker Hub in image references. */
export const dockerHub = 'docker.io';

/** Every host name that is Docker Hub: references, `docker login` and CI files use each of them. */
export const dockerHubAliases: readonly string[] = ['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com'];

/** The host serving Docker Hub's registry API. */
export const dockerHubApiHost = 'registry-1.docker.io';

/** The key `docker login` stores Docker Hub's credentials under. */
export const dockerHubCredentialsKey = 'https://index.docker.io/v1/';

/** Docker Hub keeps one-word repositories (the official images) under this namespace. */
const officialNamespace = 'library';

/**
 * Registries that serve anyone's images (third-party content for an organisation). `*.domain` is
 * every host below the domain. Per-tenant registries (`*.azurecr.io`, `*.dkr.ecr.*.amazonaws.com`)
 * are one organisation's own and are not listed: whether one of them lets anyone pull is a setting
 * of that registry, which a registry scan's access probe reports — not a fact of its name.
 */
const publicRegistryHosts: readonly string[] = [
  'docker.io',
  'ghcr.io',
  'quay.io',
  'gcr.io',
  '*.gcr.io',
  '*.pkg.dev',
  'registry.k8s.io',
  'public.ecr.aws',
  'mcr.microsoft.com',
  'registry.access.redhat.com',
  'registry.redhat.io',
  'registry.gitlab.com',
  'docker.elastic.co',
  'nvcr.io',
  'cgr.dev',
  'lscr.io',
  'registry.suse.com',
  'container-registry.oracle.com',
];

/**
 * Token services that registries run on another host of their own — the Bearer realm their `/v2/`
 * challenge names — which may receive the registry's credentials without `--allow-realm`.
 */
const ownTokenServices: readonly { registry: string; realmHost: string }[] = [
  { registry: dockerHub, realmHost: 'auth.docker.io' },
  { registry: 'registry.gitlab.com', realmHost: 'gitlab.com' },
];

/** Whether `realmHost` (host[:port]) is the registry's own token service on another host: Docker Hub's `auth.docker.io`, GitLab.com's `gitlab.com`. */
export function isOwnTokenService(registry: string, realmHost: string): boolean {
  const host = normaliseRegistryHost(registry);
  return ownTokenServices.some((service) => service.registry === host && service.realmHost === realmHost.toLowerCase());
}

/** Whether `host` (any case) is one of Docker Hub's names. */
export function isDockerHub(host: string): boolean {
  return dockerHubAliases.includes(host.toLowerCase());
}

/**
 * The host[:port] of a registry address as people write it — `https://r.example.com:5000/v2/`,
 * `r.example.com/`, `index.docker.io/v1` — the way `docker login` reads it: scheme and path
 * dropped, case kept. A `${VARIABLE}` in the address is kept whole.
 */
export function hostOfAddress(address: string): string {
  const text = address.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '{') depth++;
    else if (char === '}') depth = Math.max(0, depth - 1);
    else if (char === '/' && depth === 0) return text.slice(0, i);
  }
  return text;
}

/**
 * A registry address normalised for comparison: host[:port], lower-cased, Docker Hub's names
 * folded into `docker.io`. An empty address is Docker Hub, as `docker login` reads it.
 */
export function normaliseRegistryHost(address: string): string {
  const host = hostOfAddress(address).toLowerCase();
  return host === '' || isDockerHub(host) ? dockerHub : host;
}

/** Whether two registry addresses name the same registry. */
export function sameRegistry(a: string, b: string): boolean {
  return normaliseRegistryHost(a) === normaliseRegistryHost(b);
}

/**
 * Whether a host pattern admits a host: equal, or `*.domain` for any host below the domain. The
 * port is part of the host: `*.example.com` admits `r.example.com`, not `r.example.com:5000`.
 */
function hostMatches(pattern: string, host: string): boolean {
  const wanted = normaliseRegistryHost(pattern);
  const actual = normaliseRegistryHost(host);
  if (!wanted.startsWith('*.')) return wanted === actual;
  const domain = wanted.slice(1);
  const port = /:\d+$/.exec(domain)?.[0] ?? '';
  const actualPort = /:\d+$/.exec(actual)?.[0] ?? '';
  if (port !== actualPort) return false;
  const name = actual.slice(0, actual.length - actualPort.length);
  const suffix = domain.slice(0, domain.length - port.length);
  return name.endsWith(suffix) && name.length > suffix.length;
}

/** Whether a registry serves anyone's images (Docker Hub, GHCR, Quay, GCR and Artifact Registry, MCR…). */
export function isPublicRegistry(host: string): boolean {
  return publicRegistryHosts.some((pattern) => hostMatches(pattern, host));
}

/** A Docker Hub repository path as Docker names it: one word is an official image, `library/<word>`. */
export function dockerHubRepository(path: string): string {
  return path.includes('/') ? path : `${officialNamespace}/${path}`;
}

/** `docker.io/aquasec/trivy`, `index.docker.io/aquasec/trivy` → `aquasec/trivy`; other names unchanged. */
export function withoutDockerHubHost(name: string): string {
  const slash = name.indexOf('/');
  return slash > 0 && isDockerHub(name.slice(0, slash)) ? name.slice(slash + 1) : name;
}

/** An allow-list entry read: a host (or `*.domain`) and, when given, the repository path it is limited to. */
export interface AllowListEntry {
  /** As written. */
  entry: string;
  /** Normalised host[:port] or `*.domain[:port]`. */
  host: string;
  /** Repository path prefix (on path-segment boundaries); undefined: the whole registry. */
  path: string | undefined;
}

/**
 * Reads an allow-list entry; undefined when it cannot admit anything (empty, or a `*` other than a
 * leading `*.` of the host). The syntax:
 * - `host[:port]` — every image of that registry (`registry.example.com`);
 * - `host/path` — images whose repository is `path` or below it (`ghcr.io/acme` admits
 *   `ghcr.io/acme/web`, not `ghcr.io/acmeevil/web`); a trailing `/` or `/*` says the same;
 * - `*.domain` — every registry below the domain (`*.dkr.ecr.eu-west-1.amazonaws.com`);
 * - Docker Hub's names are one (`index.docker.io` = `docker.io`), and an entry without a host is on
 *   Docker Hub, read as Docker reads an image name: `nginx`, `docker.io/nginx` and
 *   `docker.io/library/nginx` are the official image; a namespace is written with a trailing `/`
 *   (`docker.io/bitnami/`, `docker.io/library/`).
 * Scheme prefixes (`https://`) are ignored; hosts and paths compare case-insensitively.
 */
export function parseAllowListEntry(entry: string): AllowListEntry | undefined {
  let text = entry
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  const namespace = /\/\*?$/.test(text);
  while (/\/\*?$/.test(text)) text = text.replace(/\/\*?$/, '');
  if (text === '') return undefined;
  const slash = text.indexOf('/');
  const first = slash < 0 ? text : text.slice(0, slash);
  const hasHost = first.startsWith('*.') || /[.:]/.test(first) || first === 'localhost';
  const host = hasHost ? normaliseRegistryHost(first) : dockerHub;
  let path = hasHost ? (slash < 0 ? undefined : text.slice(slash + 1)) : text;
  if (host.slice(host.startsWith('*.') ? 2 : 0).includes('*') || path?.includes('*') === true || path === '') return undefined;
  if (host === dockerHub && path !== undefined && !namespace && path !== officialNamespace) path = dockerHubRepository(path);
  return { entry, host, path };
}

/**
 * The first allow-list entry that admits `registry/repository` (as parsed from an image reference),
 * or undefined. See `parseAllowListEntry` for the syntax.
 */
export function allowListMatch(entries: readonly string[], registry: string, repository: string): string | undefined {
  const host = normaliseRegistryHost(registry);
  const repo = host === dockerHub ? dockerHubRepository(repository.toLowerCase()) : repository.toLowerCase();
  return entries.find((raw) => {
    const entry = parseAllowListEntry(raw);
    if (entry === undefined || !hostMatches(entry.host, host)) return false;
    return entry.path === undefined || repo === entry.path || repo.startsWith(`${entry.path}/`);
  });
}
