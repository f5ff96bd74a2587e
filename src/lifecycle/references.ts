import { messageOf } from '../core/errors.js';
import { parseReference } from '../image/reference.js';
import { normaliseRegistryHost } from '../image/registry-hosts.js';
import { pushAll } from '../core/collections.js';
import { pluralWord } from '../core/text.js';

/**
 * Matching keys for image references across the lifecycle: a Dockerfile's FROM, a pipeline's
 * `docker build -t`, a registry's repository and a workload's `image:` meet on the same
 * `registry/repository` key, normalised like `docker pull`.
 */

/** A reference that could be matched: its `registry/repository` key, tag and digest. */
export interface ResolvedImageKey {
  ok: true;
  /** `docker.io/library/nginx`, `registry.example.com:5000/team/api`. */
  key: string;
  registry: string;
  repository: string;
  /** The tag as written (`latest` when neither tag nor digest is written); undefined when the tag holds a variable or a digest alone is written. */
  tag: string | undefined;
  digest: string | undefined;
  /** Variables in the tag (`api:${BUILD_NUMBER}`): the repository is known, the tag is not. */
  tagVariables: string[];
}

/** A reference that must not match anything: a variable in its name, or not a reference at all. */
interface UnresolvedImageKey {
  ok: false;
  /** Variables left unresolved in the registry or repository part (empty for plain parse errors). */
  variables: string[];
  reason: string;
}

export type ImageKey = ResolvedImageKey | UnresolvedImageKey;

// `${X}`, `${X:-d}`, `$X`, `$(X)`, `${{ expr }}`, `{{ .Values.x }}` and TeamCity's `%param.name%`.
const variablePatterns: readonly RegExp[] = [
  /\$\{\{\s*([^}]*?)\s*\}\}/g,
  /\{\{\s*([^}]*?)\s*\}\}/g,
  /\$\{([A-Za-z_][A-Za-z0-9_.]*)[^}]*\}/g,
  /\$\(([A-Za-z_][A-Za-z0-9_.]*)\)/g,
  /\$([A-Za-z_][A-Za-z0-9_]*)/g,
  /%([A-Za-z_][A-Za-z0-9_.-]*)%/g,
];

/** The names of the unresolved variables in a value, in order of appearance, without duplicates. */
export function variablesIn(text: string): string[] {
  const found: { at: number; name: string }[] = [];
  let rest = text;
  for (const pattern of variablePatterns) {
    rest = rest.replace(pattern, (whole: string, name: string, at: number) => {
      found.push({ at, name: name.trim() || whole });
      // keep offsets stable for the later patterns
      return ' '.repeat(whole.length);
    });
  }
  return [...new Set(found.sort((a, b) => a.at - b.at).map((f) => f.name))];
}

/**
 * The matching key of an image reference: `nginx` → `docker.io/library/nginx` (tag `latest`),
 * `INDEX.docker.io/x/y` (any of Docker Hub's names) → `docker.io/x/y`, `Registry.Example.com:5000/a/b:1` →
 * `registry.example.com:5000/a/b` (ports kept, host lower-cased). A variable in the registry or
 * repository makes the reference unresolved; a variable in the tag keeps the repository and drops
 * the tag.
 */
export function imageKey(text: string): ImageKey {
  const written = text.trim();
  const variables = variablesIn(written);
  let name = written;
  const tagVariables: string[] = [];
  if (variables.length > 0) {
    const split = splitNameAndTag(written);
    const nameVariables = variablesIn(split.name);
    if (nameVariables.length > 0)
      return {
        ok: false,
        variables: nameVariables,
        reason: `unresolved ${pluralWord(nameVariables.length, 'variable')} ${nameVariables.join(', ')} in the image name`,
      };
    pushAll(tagVariables, variablesIn(split.rest));
    name = split.name;
  }
  const lowered = lowerHost(name);
  try {
    const ref = parseReference(lowered);
    const registry = normaliseRegistryHost(ref.registry);
    return {
      ok: true,
      key: `${registry}/${ref.repository}`,
      registry,
      repository: ref.repository,
      tag: tagVariables.length > 0 ? undefined : ref.tag,
      digest: ref.digest,
      tagVariables,
    };
  } catch (error) {
    return { ok: false, variables: [], reason: messageOf(error) };
  }
}

/** The `registry/repository` part and whatever follows it (`:tag`, `@digest`). */
function splitNameAndTag(text: string): { name: string; rest: string } {
  const at = text.indexOf('@');
  const beforeDigest = at < 0 ? text : text.slice(0, at);
  const slash = beforeDigest.lastIndexOf('/');
  const colon = beforeDigest.indexOf(':', slash + 1);
  const end = colon >= 0 ? colon : beforeDigest.length;
  return { name: text.slice(0, end), rest: text.slice(end) };
}

/** Host names are case-insensitive; the repository is not (parseReference rejects upper case there). */
function lowerHost(text: string): string {
  const slash = text.indexOf('/');
  if (slash < 0) return text;
  const first = text.slice(0, slash);
  const isHost = /[.:]/.test(first) || first.toLowerCase() === 'localhost' || first.toLowerCase() !== first;
  return isHost ? first.toLowerCase() + text.slice(slash) : text;
}
