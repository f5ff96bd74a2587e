import path from 'node:path';
import { Option, type Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { defaultLimits, type Limits } from '../core/limits.js';
import { parsePlatform, type Platform } from '../image/platform.js';
import type { RegistryOptions } from '../image/registry/index.js';
import type { CliIo } from './io.js';

/** Options every command that reads images takes (the Trivy/skopeo conventions). */
export function addImageOptions(command: Command): Command {
  return addRegistryOptions(
    command
      .option('--image <name>', 'which image of an archive or layout holding several (name:tag or OCI ref name)')
      .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-platform image', 'linux/amd64'),
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
    .option('-q, --quiet', 'no progress display', false);
}

export interface ImageOptionValues extends RegistryOptionValues {
  image?: string;
  platform: string;
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
  quiet: boolean;
}

export interface ResolvedImageOptions {
  platform: Platform;
  cacheDir: string | undefined;
  limits: Limits;
  registry: RegistryOptions;
}

/** Turns flags and environment into the options the engine takes. */
export async function resolveImageOptions(values: ImageOptionValues, io: CliIo): Promise<ResolvedImageOptions> {
  return { ...(await resolveRegistryOptions(values, io)), platform: parsePlatform(values.platform) };
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
  };
  return {
    cacheDir: values.cache ? (values.cacheDir ?? defaultCacheDir(io)) : undefined,
    limits: values.maxLayerSize ? { ...defaultLimits, maxLayerBytes: values.maxLayerSize } : defaultLimits,
    registry,
  };
}

export function defaultCacheDir(io: CliIo): string {
  const { env } = io;
  if (env.SHIPSHAPE_CACHE_DIR) return env.SHIPSHAPE_CACHE_DIR;
  return path.join(env.XDG_CACHE_HOME || path.join(io.homedir, '.cache'), 'shipshape');
}

export function parsePositiveInt(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`expected a positive whole number, got ${JSON.stringify(text)}`);
  return value;
}

const units: Record<string, number> = { '': 1, b: 1, k: 1e3, kb: 1e3, kib: 1024, m: 1e6, mb: 1e6, mib: 1024 ** 2, g: 1e9, gb: 1e9, gib: 1024 ** 3, t: 1e12, tb: 1e12, tib: 1024 ** 4 };

/** `1048576`, `512MiB`, `8GB`, `1.5GiB` → bytes. */
export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const factor = match ? units[(match[2] ?? '').toLowerCase()] : undefined;
  if (!match || factor === undefined) throw new UsageError(`invalid size ${JSON.stringify(text)}: use bytes or a unit, e.g. 512MiB, 8GiB`);
  return Math.floor(Number(match[1]) * factor);
}
