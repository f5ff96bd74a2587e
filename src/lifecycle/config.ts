import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { NotFoundError, UsageError, messageOf } from '../core/errors.js';

/**
 * `shipshape.yaml`: what an estate is made of — source trees, registries, manifests, a cluster —
 * and the policy the posture is judged against. Strict: an unknown or misspelt key is an error
 * naming the file, the key's path and its line. Relative paths are relative to the config file.
 */

const registryNamePattern =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*\/?$/;
const registryHostPattern = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d+)?$/;
const projectPathPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_][A-Za-z0-9_.-]*)+$/;
const variableName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');
const nonEmpty = z.string().min(1, 'must not be empty');

const credentialsSchema = z.union(
  [z.strictObject({ dockerConfig: nonEmpty }), z.strictObject({ env: z.strictObject({ username: variableName, password: variableName }) })],
  { error: 'either { dockerConfig: <dir> } or { env: { username: <VAR>, password: <VAR> } }' },
);

const registrySchema = z.strictObject({
  name: z.string().regex(registryNamePattern, 'a registry host[:port] with an optional /repository/prefix, e.g. registry.example.com/team'),
  plainHttp: z.boolean().optional(),
  insecure: z.boolean().optional(),
  caFile: nonEmpty.optional(),
  key: nonEmpty.optional(),
  credentialsFrom: credentialsSchema.optional(),
  allowRealm: z.array(z.string().regex(registryHostPattern, 'the host[:port] of a token service that may receive the credentials')).optional(),
  /** The host the estate's pipelines and manifests name the registry by, when it is reached at another address (a mirror, a port forward). */
  as: z.string().regex(registryHostPattern, 'the registry host[:port] the pipelines and manifests name').optional(),
});

/** `server:`: what `shipshape serve` does on its own. */
const serverSchema = z.strictObject({
  /** A cron expression (5 fields, UTC): when the whole estate is assessed. */
  schedule: nonEmpty.optional(),
  /** A cron expression: when the advisory database is updated from `advisories` and stored inventories re-matched. */
  advisorySchedule: nonEmpty.optional(),
  /** OSV files or folders `db update` imports on the advisory schedule. */
  advisories: z.array(nonEmpty).optional(),
  /** The secret registry notifications carry as `Authorization: Bearer <secret>`. */
  webhookSecret: z.string().min(16, 'at least 16 characters').optional(),
  /** The same, read from this environment variable (keeps the secret out of the file). */
  webhookSecretFrom: z.strictObject({ env: nonEmpty }).optional(),
});

const gitlabSchema = z.strictObject({
  registry: z.string().regex(registryHostPattern, 'the container registry of the GitLab instance, host[:port] (its $CI_REGISTRY)').optional(),
  projects: z.record(nonEmpty, z.string().regex(projectPathPattern, 'a GitLab project path, group[/subgroup…]/project (its $CI_PROJECT_PATH)')).optional(),
});

const severityName = z.enum(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN']);

/**
 * `scan:`: the settings of `scan image` and `registry scan` a team sets once, named as their flags
 * are (camelCase, as the rest of the file); a flag or a `SHIPSHAPE_*` variable overrides each.
 */
const scanSchema = z.strictObject({
  severity: z.array(severityName).min(1).optional(),
  exitCode: z.number().int().min(0).max(255).optional(),
  scanners: z
    .array(z.enum(['vuln', 'secret', 'config', 'misconfig']))
    .min(1)
    .optional(),
  ignoreUnfixed: z.boolean().optional(),
  db: nonEmpty.optional(),
  cacheDir: nonEmpty.optional(),
  parallel: z.number().int().min(1).optional(),
  maxDbAge: z
    .string()
    .regex(/^\d+(?:\.\d+)?[smhdw]$/, 'a duration: a number and s, m, h, d or w (e.g. 72h, 7d)')
    .optional(),
});

/** The `scan:` section as the flags take it: lists comma-joined, paths resolved against the config file. */
export interface ScanConfig {
  severity?: string;
  exitCode?: number;
  scanners?: string;
  ignoreUnfixed?: boolean;
  db?: string;
  cacheDir?: string;
  parallel?: number;
  maxDbAge?: string;
}

const configSchema = z.strictObject({
  sources: z.array(nonEmpty).optional(),
  registries: z.array(registrySchema).optional(),
  manifests: z.array(nonEmpty).optional(),
  hostReports: z.array(nonEmpty).optional(),
  cluster: z
    .strictObject({
      context: nonEmpty.optional(),
      kubeconfig: nonEmpty.optional(),
      namespaces: z.array(nonEmpty).optional(),
    })
    .optional(),
  allowedRegistries: z.array(nonEmpty).optional(),
  gitlab: gitlabSchema.optional(),
  /** Kubernetes version the Pod Security Standards are checked at (`v1.29`, default latest). */
  k8sVersion: z
    .string()
    .regex(/^(?:v1\.\d+|latest)$/, 'v1.N or latest')
    .optional(),
  policy: nonEmpty.optional(),
  scan: scanSchema.optional(),
  server: serverSchema.optional(),
});

/** One registry to scan: `registry.example.com[:port][/prefix]` split, paths resolved. */
export interface RegistryConfig {
  /** As written. */
  name: string;
  /** Host[:port], lower-cased. */
  registry: string;
  /** The repository prefix (`team/`), undefined for the whole registry. */
  prefix: string | undefined;
  plainHttp: boolean;
  insecure: boolean;
  caFile: string | undefined;
  /** Cosign public key to verify signatures with. */
  key: string | undefined;
  /** Where credentials come from: a Docker config directory, or two environment variables (read by the CLI). */
  credentialsFrom: { dockerConfig: string } | { env: { username: string; password: string } } | undefined;
  /** Hosts of token services on another host than the registry that may receive its credentials (lower-cased). */
  allowRealm: string[];
  /** The host the estate names this registry by (`as:`), when it is reached at another address. */
  as: string | undefined;
}

/** `server:` of `shipshape.yaml`, paths resolved. */
interface ServerConfig {
  schedule: string | undefined;
  advisorySchedule: string | undefined;
  advisories: string[];
  webhookSecret: string | undefined;
  webhookSecretFrom: { env: string } | undefined;
}

/** `gitlab:` of `shipshape.yaml`. */
export interface GitlabEstate {
  registry: string | undefined;
  /** Repository (relative to the sources, as the map names it) → GitLab project path. */
  projects: Record<string, string>;
}

/** A checked `shipshape.yaml`, every path resolved against the config file's directory. */
export interface ShipshapeConfig {
  file: string;
  sources: string[];
  registries: RegistryConfig[];
  manifests: string[];
  /** Host scan reports (`shipshape host scan -f json` files). */
  hostReports: string[];
  cluster: { context: string | undefined; kubeconfig: string | undefined; namespaces: string[] | undefined } | undefined;
  allowedRegistries: string[] | undefined;
  /**
   * What the GitLab pipelines' predefined variables are: the instance's registry (`$CI_REGISTRY`)
   * and, per repository as the map names it, its project path (`$CI_PROJECT_PATH`).
   */
  gitlab: GitlabEstate | undefined;
  k8sVersion: string | undefined;
  policy: string | undefined;
  /** Settings of `scan image` and `registry scan`; empty when the file has no `scan:`. */
  scan: ScanConfig;
  server: ServerConfig;
}

/** Reads and checks a `shipshape.yaml`. Throws NotFoundError when unreadable, UsageError when invalid. */
export async function loadShipshapeConfig(file: string): Promise<ShipshapeConfig> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new NotFoundError(`cannot read the config ${file}: ${messageOf(error)}`);
  });
  return parseShipshapeConfig(text, file);
}

/** Checks the text of a `shipshape.yaml` read from `file` (used for messages and to resolve relative paths). */
export function parseShipshapeConfig(text: string, file: string): ShipshapeConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const yamlError = document.errors[0];
  if (yamlError !== undefined) {
    throw new UsageError(`${file}:${lineCounter.linePos(yamlError.pos[0]).line}: invalid YAML: ${yamlError.message}`);
  }
  let value: unknown;
  try {
    // bounded alias expansion: a config is small, a "billion laughs" is not
    value = document.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    throw new UsageError(`${file}: invalid YAML: ${messageOf(error)}`);
  }
  const result = configSchema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const keys = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
      const node = keys.length === 0 ? document.contents : document.getIn(keys, true);
      const range = typeof node === 'object' && node !== null && 'range' in node ? (node.range as [number, number, number] | undefined) : undefined;
      const line = range === undefined ? '' : `:${lineCounter.linePos(range[0]).line}`;
      return `${file}${line}: ${formatPath(keys)}: ${issue.message}`;
    });
    throw new UsageError(`invalid config:\n  ${problems.join('\n  ')}`, {
      hint: 'keys: sources, registries (name, plainHttp, insecure, caFile, key, credentialsFrom, allowRealm, as), manifests, hostReports, cluster (context, kubeconfig, namespaces), allowedRegistries, gitlab (registry, projects), k8sVersion, policy, scan (severity, exitCode, scanners, ignoreUnfixed, db, cacheDir, parallel, maxDbAge), server (schedule, advisorySchedule, advisories, webhookSecret, webhookSecretFrom)',
    });
  }
  const data = result.data;
  const base = path.dirname(file);
  const resolve = (p: string): string => (path.isAbsolute(p) ? p : path.join(base, p));
  return {
    file,
    sources: (data.sources ?? []).map(resolve),
    registries: (data.registries ?? []).map((r) => {
      const slash = r.name.indexOf('/');
      const prefix = slash < 0 ? '' : r.name.slice(slash + 1);
      const credentials = r.credentialsFrom;
      return {
        name: r.name,
        registry: (slash < 0 ? r.name : r.name.slice(0, slash)).toLowerCase(),
        prefix: prefix === '' ? undefined : prefix,
        plainHttp: r.plainHttp ?? false,
        insecure: r.insecure ?? false,
        caFile: r.caFile === undefined ? undefined : resolve(r.caFile),
        key: r.key === undefined ? undefined : resolve(r.key),
        credentialsFrom:
          credentials === undefined
            ? undefined
            : 'dockerConfig' in credentials
              ? { dockerConfig: resolve(credentials.dockerConfig) }
              : { env: credentials.env },
        allowRealm: (r.allowRealm ?? []).map((host) => host.toLowerCase()),
        as: r.as?.toLowerCase(),
      };
    }),
    manifests: (data.manifests ?? []).map((m) => (m === '-' ? m : resolve(m))),
    hostReports: (data.hostReports ?? []).map(resolve),
    cluster:
      data.cluster === undefined
        ? undefined
        : {
            context: data.cluster.context,
            kubeconfig: data.cluster.kubeconfig === undefined ? undefined : resolve(data.cluster.kubeconfig),
            namespaces: data.cluster.namespaces,
          },
    allowedRegistries: data.allowedRegistries,
    gitlab: data.gitlab === undefined ? undefined : { registry: data.gitlab.registry?.toLowerCase(), projects: data.gitlab.projects ?? {} },
    k8sVersion: data.k8sVersion,
    policy: data.policy === undefined ? undefined : resolve(data.policy),
    scan: scanConfig(data.scan ?? {}, resolve),
    server: {
      schedule: data.server?.schedule,
      advisorySchedule: data.server?.advisorySchedule,
      advisories: (data.server?.advisories ?? []).map(resolve),
      webhookSecret: data.server?.webhookSecret,
      webhookSecretFrom: data.server?.webhookSecretFrom,
    },
  };
}

function scanConfig(scan: z.infer<typeof scanSchema>, resolve: (p: string) => string): ScanConfig {
  const { severity, scanners, db, cacheDir, ...rest } = scan;
  return {
    ...rest,
    ...(severity === undefined ? {} : { severity: severity.join(',') }),
    ...(scanners === undefined ? {} : { scanners: scanners.join(',') }),
    ...(db === undefined ? {} : { db: resolve(db) }),
    ...(cacheDir === undefined ? {} : { cacheDir: resolve(cacheDir) }),
  };
}

/** `registries[0].plainHttp`. */
function formatPath(keys: readonly (string | number)[]): string {
  if (keys.length === 0) return '(top level)';
  return keys.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`)).join('');
}
