import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Diagnostics } from '../../core/diagnostics.js';
import { UsageError, messageOf } from '../../core/errors.js';
import { dockerHub, dockerHubAliases, dockerHubCredentialsKey } from '../registry-hosts.js';

/** What we can authenticate with. `source` says where it came from, for messages (never the secret). */
export type Credentials =
  | { kind: 'basic'; username: string; password: string; source: string }
  | { kind: 'identity-token'; username: string | undefined; token: string; source: string };

export interface CredentialOptions {
  username?: string | undefined;
  password?: string | undefined;
  dockerConfigPath?: string | undefined;
  diagnostics?: Diagnostics | undefined;
  helperTimeoutMs?: number | undefined;
}

const dockerConfigSchema = z.object({
  auths: z
    .record(
      z.string(),
      z.object({
        auth: z.string().optional(),
        username: z.string().optional(),
        password: z.string().optional(),
        identitytoken: z.string().optional(),
      }),
    )
    .optional(),
  credHelpers: z.record(z.string(), z.string()).optional(),
  credsStore: z.string().optional(),
});
type DockerConfig = z.infer<typeof dockerConfigSchema>;
type AuthEntry = NonNullable<DockerConfig['auths']>[string];

const helperOutputSchema = z.object({ Username: z.string(), Secret: z.string() });
const maxHelperOutput = 1024 * 1024;

/**
 * Finds credentials for `registry` (`docker.io`, `host:port`): explicit username/password first,
 * else the Docker config file the way `docker` reads it: `credHelpers[host]`, then `credsStore`,
 * then `auths` (keys normalised like docker's `ConvertToHostname`). Problems with the config or a
 * helper are diagnostics, not failures: the registry may well allow anonymous pulls.
 */
export async function findCredentials(registry: string, options: CredentialOptions): Promise<Credentials | undefined> {
  if (options.username !== undefined || options.password !== undefined) {
    if (!options.username || options.password === undefined) {
      throw new UsageError('give both a registry username and a password, or neither');
    }
    return { kind: 'basic', username: options.username, password: options.password, source: 'the command line' };
  }
  if (options.dockerConfigPath === undefined) return undefined;
  const config = await readDockerConfig(options.dockerConfigPath, options.diagnostics);
  if (config === undefined) return undefined;
  const hosts = registry === dockerHub ? dockerHubAliases : [registry];

  const helper = hosts.map((host) => config.credHelpers?.[host]).find(Boolean) ?? config.credsStore;
  if (helper) {
    // Docker Hub's credentials are stored under its legacy index URL
    const serverUrl = registry === dockerHub ? dockerHubCredentialsKey : registry;
    const found = await runCredentialHelper(helper, serverUrl, options);
    if (found) return found;
  }
  const entry = findAuthEntry(config, hosts);
  return entry ? credentialsFromEntry(entry.value, `${options.dockerConfigPath} (auths["${entry.key}"])`, options.diagnostics) : undefined;
}

/**
 * Whether the Docker config at `dockerConfigPath` names `host` (host[:port], any case): a key of
 * `auths` (as docker normalises them) or of `credHelpers`, i.e. the user logs in there. Problems
 * reading the config were reported when credentials were looked up: here they only mean "no".
 */
export async function dockerConfigNames(host: string, dockerConfigPath: string | undefined): Promise<boolean> {
  if (dockerConfigPath === undefined) return false;
  const config = await readDockerConfig(dockerConfigPath, undefined);
  const wanted = host.toLowerCase();
  const keys = [...Object.keys(config?.auths ?? {}), ...Object.keys(config?.credHelpers ?? {})];
  return keys.some((key) => hostOfKey(key).toLowerCase() === wanted);
}

async function readDockerConfig(file: string, diagnostics: Diagnostics | undefined): Promise<DockerConfig | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    // No config file is the normal case for anonymous pulls.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    diagnostics?.warn('registry.docker-config', `cannot read the Docker config: ${messageOf(error)}`, file);
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    diagnostics?.warn('registry.docker-config', 'the Docker config is not valid JSON; its credentials are ignored', file);
    return undefined;
  }
  const parsed = dockerConfigSchema.safeParse(json);
  if (!parsed.success) {
    diagnostics?.warn('registry.docker-config', 'the Docker config has an unexpected shape; its credentials are ignored', file);
    return undefined;
  }
  return parsed.data;
}

/** `https://host:5000/v1/`, `http://host`, `host:5000` all stand for `host:5000`. */
function hostOfKey(key: string): string {
  const withoutScheme = key.replace(/^https?:\/\//, '');
  return withoutScheme.split('/')[0] ?? '';
}

function findAuthEntry(config: DockerConfig, hosts: readonly string[]): { key: string; value: AuthEntry } | undefined {
  const entries = Object.entries(config.auths ?? {});
  for (const host of hosts) {
    const match = entries.find(([key, value]) => hostOfKey(key) === host && hasSecret(value));
    if (match) return { key: match[0], value: match[1] };
  }
  return undefined;
}

function hasSecret(entry: AuthEntry): boolean {
  return Boolean(entry.auth || entry.identitytoken || (entry.username && entry.password !== undefined));
}

function credentialsFromEntry(entry: AuthEntry, source: string, diagnostics: Diagnostics | undefined): Credentials | undefined {
  let username = entry.username;
  let password = entry.password;
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      username = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    } else {
      diagnostics?.warn('registry.docker-config', `the "auth" value in ${source} is not base64 of user:password; ignored`);
    }
  }
  if (entry.identitytoken) return { kind: 'identity-token', username, token: entry.identitytoken, source };
  if (username && password !== undefined) return { kind: 'basic', username, password, source };
  return undefined;
}

/**
 * Runs `docker-credential-<helper> get` with the server URL on stdin (no shell, with a timeout).
 * "credentials not found" is a normal answer; any other failure is a diagnostic.
 */
async function runCredentialHelper(helper: string, serverUrl: string, options: CredentialOptions): Promise<Credentials | undefined> {
  const program = `docker-credential-${helper}`;
  const warn = (message: string): undefined => {
    options.diagnostics?.warn('registry.credential-helper', `${program}: ${message}; continuing without its credentials`, serverUrl);
    return undefined;
  };
  if (!/^[A-Za-z0-9_.-]+$/.test(helper)) return warn('the helper name is not a plain program name');

  let result: HelperResult;
  try {
    result = await runHelper(program, serverUrl, options.helperTimeoutMs ?? 30_000);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return warn(code === 'ENOENT' ? 'not found on PATH' : messageOf(error));
  }
  if (result.code !== 0) {
    if (/credentials not found/i.test(result.stdout + result.stderr)) return undefined;
    const detail = (result.stderr || result.stdout).trim().slice(0, 200);
    return warn(result.stopped ?? `exited with status ${result.code ?? 'unknown (killed by a signal)'}${detail ? `: ${detail}` : ''}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(result.stdout);
  } catch {
    return warn('printed something that is not JSON');
  }
  const parsed = helperOutputSchema.safeParse(json);
  if (!parsed.success) return warn('printed JSON without Username and Secret');
  const { Username: username, Secret: secret } = parsed.data;
  const source = `credential helper ${program}`;
  // Helpers store identity tokens with the user name "<token>" (docker/cli credentials/native_store.go).
  if (username === '<token>') return { kind: 'identity-token', username: undefined, token: secret, source };
  return { kind: 'basic', username, password: secret, source };
}

interface HelperResult {
  /** Exit status; null when we stopped the helper (`stopped` says why). */
  code: number | null;
  stopped?: 'timed out' | 'printed too much';
  stdout: string;
  stderr: string;
}

function runHelper(program: string, input: string, timeoutMs: number): Promise<HelperResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], { stdio: ['pipe', 'pipe', 'pipe'], shell: false });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    let stopped: HelperResult['stopped'];
    const stop = (why: NonNullable<HelperResult['stopped']>): void => {
      stopped ??= why;
      child.kill('SIGKILL');
      // A grandchild may hold the pipes open; stop waiting for them.
      child.stdout.destroy();
      child.stderr.destroy();
    };
    const timer = setTimeout(() => stop('timed out'), timeoutMs);
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxHelperOutput) stop('printed too much');
      else into.push(chunk);
    };
    child.stdout.on('data', collect(stdout));
    child.stderr.on('data', collect(stderr));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: stopped ? null : code, stopped, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
    });
    // A helper that exits without reading stdin makes the write fail with EPIPE; its exit status tells the story.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}
