import { UsageError } from '../core/errors.js';
import { isDigest } from './digest.js';
import { dockerHub, dockerHubApiHost, dockerHubRepository, isDockerHub } from './registry-hosts.js';

/**
 * A Docker / OCI image reference, normalised the way `docker pull` does
 * (distribution/reference `ParseNormalizedNamed`): `alpine` is `docker.io/library/alpine:latest`.
 */
export interface ImageReference {
  /** `docker.io`, `registry.example:5000`, `localhost`, `127.0.0.1:5000`, `[::1]:5000`. */
  registry: string;
  /** `library/alpine`, `team/app`. */
  repository: string;
  /** Kept for display even when a digest is given; `latest` when neither tag nor digest is written. */
  tag: string | undefined;
  /** When set, the image is fetched by this digest (it wins over the tag). */
  digest: string | undefined;
}

const nameTotalLengthMax = 255;

// The grammar of distribution/reference (reference.go), which the OCI distribution spec shares.
const alphaNumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphaNumeric}(?:${separator}${alphaNumeric})*`;
const repositoryPattern = new RegExp(`^${pathComponent}(?:/${pathComponent})*$`);
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const ipv6Address = '\\[[a-fA-F0-9:]+\\]';
const domainPattern = new RegExp(`^(?:${domainName}|${ipv6Address})(?::[0-9]+)?$`);
const tagPattern = /^\w[\w.-]{0,127}$/;
const digestPattern = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const bareIdentifierPattern = /^[a-f0-9]{64}$/;

/**
 * Parses `alpine`, `team/app:1.2`, `registry.example:5000/team/app:1.2`, `localhost/app`,
 * `127.0.0.1:5000/app@sha256:…`, `name:tag@sha256:…`. Throws a UsageError saying what is wrong.
 */
export function parseReference(text: string): ImageReference {
  const invalid = (why: string): UsageError =>
    new UsageError(`invalid image reference ${JSON.stringify(text)}: ${why}`, {
      hint: 'write [registry[:port]/]repository[:tag][@sha256:digest], e.g. docker.io/library/alpine:3.20',
    });
  if (text === '') throw invalid('it is empty');
  if (bareIdentifierPattern.test(text)) {
    throw invalid('a 64-character hexadecimal string is an image ID, not a repository name');
  }

  const at = text.indexOf('@');
  const nameAndTag = at < 0 ? text : text.slice(0, at);
  const digest = at < 0 ? undefined : text.slice(at + 1);
  const { registry, remainder } = splitRegistry(nameAndTag);

  // The registry is split off, so a remaining colon can only start the tag.
  const colon = remainder.indexOf(':');
  const repository = colon < 0 ? remainder : remainder.slice(0, colon);
  const tag = colon < 0 ? undefined : remainder.slice(colon + 1);

  if (!domainPattern.test(registry)) throw invalid(`${JSON.stringify(registry)} is not a valid registry host[:port]`);
  if (repository.toLowerCase() !== repository) {
    throw invalid(`repository name ${JSON.stringify(repository)} must be lowercase`);
  }
  if (!repositoryPattern.test(repository)) {
    throw invalid(
      `repository name ${JSON.stringify(repository)} must be path components of lowercase letters and digits, ` +
        'separated by ".", "_", "__" or "-" and joined by "/"',
    );
  }
  if (registry.length + 1 + repository.length > nameTotalLengthMax) {
    throw invalid(`the repository name is longer than ${nameTotalLengthMax} characters`);
  }
  if (tag !== undefined && !tagPattern.test(tag)) {
    throw invalid(`tag ${JSON.stringify(tag)} must be 1-128 letters, digits, "_", "." or "-", not starting with "." or "-"`);
  }
  if (digest !== undefined) {
    if (!digestPattern.test(digest)) throw invalid(`${JSON.stringify(digest)} is not a digest (algorithm:hex)`);
    if (!isDigest(digest)) throw invalid(`digest ${JSON.stringify(digest)} is not a lowercase sha256 or sha512 digest`);
  }
  return { registry, repository, tag: tag ?? (digest === undefined ? 'latest' : undefined), digest };
}

/**
 * The first path component is a registry when it looks like a host (has `.` or `:`, is
 * `localhost`, or has upper-case letters, which repository names cannot); otherwise the
 * reference is on Docker Hub, where single-component names live under `library/`. Each of Docker
 * Hub's host names (`index.docker.io`, `registry-1.docker.io`…) is Docker Hub.
 */
function splitRegistry(name: string): { registry: string; remainder: string } {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const isHost = slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first);
  const registry = !isHost || isDockerHub(first) ? dockerHub : first;
  const remainder = isHost ? name.slice(slash + 1) : name;
  return { registry, remainder: registry === dockerHub ? dockerHubRepository(remainder) : remainder };
}

/** The canonical form: `docker.io/library/alpine:latest`, `host:5000/a/b:1@sha256:…`. */
export function formatReference(ref: ImageReference): string {
  const tag = ref.tag === undefined ? '' : `:${ref.tag}`;
  const digest = ref.digest === undefined ? '' : `@${ref.digest}`;
  return `${ref.registry}/${ref.repository}${tag}${digest}`;
}

/** The host that serves a registry's API: Docker Hub's is `registry-1.docker.io`. */
export function registryEndpoint(registry: string): string {
  return registry === dockerHub ? dockerHubApiHost : registry;
}
