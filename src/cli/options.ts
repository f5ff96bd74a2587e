import path from 'node:path';
import { Option, type Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { defaultLimits, type Limits } from '../core/limits.js';
import { parsePlatform, type Platform } from '../image/platform.js';
import { hostOfAddress } from '../image/registry-hosts.js';
import type { RegistryOptions } from '../image/registry/index.js';
import { parsePositiveInt, parseSize } from './flags.js';
import type { CliIo } from './io.js';

/** Options every command that reads images takes (the Trivy/skopeo conventions). */
export function addImageOptions(command: Command): Command {
  return addRegistryOptions(
    command
      .option('--image <name>', 'which image of an archive or layout holding several (name:tag or OCI ref name)')
      .option(
        '--platform <os/arch[/variant]>',
        'platform to pick from a multi-platform image (default: linux/amd64); when given, a single-platform image must be it',
      ),
    'layers read at once',
  );
}

/** The options of commands that read from registries: cache, parallelism, TLS and credentials. */
export function addRegistryOptions(command: Command, parallel: string): Command {
  return command
    .option('--cache-dir <dir>', 'cache directory (default: $SHIPSHAPE_CACHE_DIR, $XDG_CACHE_HOME/shipshape or ~/.cache/shipshape)')
    .option('--no-cache', 'read every layer, neither using nor filling the layer cache')
    .option('--parallel <n>', parallel, parsePositiveInt, 3)
    .option('--max-layer-size <size>', 'refuse layers that decompress to more than this (e.g. 8GiB)', parseSize)
    .option('--insecure', 'registry: skip TLS certificate verification', false)
    .option('--ca-file <file...>', 'registry: extra CA certificates (PEM) to trust')
    .option('--plain-http', 'registry: use plain HTTP instead of HTTPS', false)
    .option('--username <user>', 'registry: user name (default: $SHIPSHAPE_USERNAME, else Docker credentials)')
    .addOption(new Option('--password <password>', 'registry: password (prefer --password-stdin or $SHIPSHAPE_PASSWORD)'))
    .option('--password-stdin', 'registry: read the password from standard input', false)
    .option('--docker-config <dir>', 'directory of the Docker config.json holding credentials (default: $DOCKER_CONFIG or ~/.docker)')
    .option('--allow-realm <host...>', 'registry: a token service on another host (host[:port]) that may receive the credentials')
    .option('-q, --quiet', 'no progress display', false);
}

export interface ImageOptionValues extends RegistryOptionValues {
  image?: string;
  /** As given; undefined when not given (an index is then read for linux/amd64, a single image as it is). */
  platform?: string;
}

export interface RegistryOptionValues {
  cacheDir?: string;
  cache: boolean;
  parallel: number;
  maxLayerSize?: number;
  insecure: boolean;
  caFile?: string[];
  plainHttp: boolean;
  username?: string;
  password?: string;
  passwordStdin: boolean;
  dockerConfig?: string;
  allowRealm?: string[];
  quiet: boolean;
}

export interface ResolvedImageOptions {
  /** The platform the user asked for; undefined when they did not. */
  platform: Platform | undefined;
  cacheDir: string | undefined;
  limits: Limits;
  registry: RegistryOptions;
}

/** Turns flags and environment into the options the engine takes. */
export async function resolveImageOptions(values: ImageOptionValues, io: CliIo): Promise<ResolvedImageOptions> {
  return { ...(await resolveRegistryOptions(values, io)), platform: values.platform === undefined ? undefined : parsePlatform(values.platform) };
}

/** Turns the registry, cache and limit flags (and environment) into engine options. */
export async function resolveRegistryOptions(values: RegistryOptionValues, io: CliIo): Promise<Omit<ResolvedImageOptions, 'platform'>> {
  const { env } = io;
  const password = values.passwordStdin ? (await io.readStdin()).replace(/\r?\n$/, '') : (values.password ?? env.SHIPSHAPE_PASSWORD);
  const username = values.username ?? env.SHIPSHAPE_USERNAME;
  if (password !== undefined && username === undefined) throw new UsageError('a password was given without --username');
  const dockerConfigDir = values.dockerConfig ?? env.DOCKER_CONFIG ?? path.join(io.homedir, '.docker');
  const registry: RegistryOptions = {
    insecure: values.insecure,
    plainHttp: values.plainHttp,
    dockerConfigPath: path.join(dockerConfigDir, 'config.json'),
    ...(values.caFile ? { caFiles: values.caFile } : {}),
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(values.allowRealm ? { allowRealms: values.allowRealm.map(realmHost) } : {}),
  };
  return {
    cacheDir: values.cache ? (values.cacheDir ?? defaultCacheDir(io)) : undefined,
    limits: values.maxLayerSize ? { ...defaultLimits, maxLayerBytes: values.maxLayerSize } : defaultLimits,
    registry,
  };
}

/** `--allow-realm auth.example.com` (a scheme or path given with it is dropped) → `auth.example.com`: a host[:port] as a URL names it. */
function realmHost(text: string): string {
  const host = hostOfAddress(text).toLowerCase();
  if (!/^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d+)?$/.test(host)) {
    throw new UsageError(`--allow-realm ${JSON.stringify(text)} is not a host[:port]`, {
      hint: 'name the host of the token realm, e.g. --allow-realm auth.example.com',
    });
  }
  return host;
}

export function defaultCacheDir(io: CliIo): string {
  const { env } = io;
  if (env.SHIPSHAPE_CACHE_DIR) return env.SHIPSHAPE_CACHE_DIR;
  return path.join(env.XDG_CACHE_HOME || path.join(io.homedir, '.cache'), 'shipshape');
}
