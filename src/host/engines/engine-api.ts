import { Client } from 'undici';
import { LimitExceededError, messageOf } from '../../core/errors.js';
import type { EngineKind } from '../model.js';
import { record, strings } from './oci-spec.js';

/** What an engine's API says, asked only when the user names its socket (`--engine-socket`). */
export interface EngineApiAnswer {
  socket: string;
  kind: EngineKind;
  version: string | undefined;
  /** Each container the engine lists, with its live state. */
  containers: { id: string; name: string; image: string | undefined; state: string | undefined }[];
}

const maxBodyBytes = 16 * 1024 * 1024;
const timeoutMs = 10_000;
const maxContainers = 10_000;

/**
 * Asks a Docker Engine API on a Unix socket — Docker's own, or Podman's compatible service
 * (`podman system service`) — for its version and its containers (`GET /version`,
 * `GET /containers/json?all=true`): read-only calls, bounded in time and bytes. The answers are
 * untrusted like any input: fields of the wrong type are left out.
 */
export async function askEngineApi(socket: string): Promise<EngineApiAnswer> {
  const client = new Client('http://localhost', { socketPath: socket, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connect: { timeout: timeoutMs } });
  try {
    const version = record(await getJson(client, '/version'));
    const podman = strings(Array.isArray(version.Components) ? version.Components.map((c) => record(c).Name) : []).some((name) => /podman/i.test(name));
    const listed = await getJson(client, '/containers/json?all=true');
    const containers = (Array.isArray(listed) ? listed : []).slice(0, maxContainers).map(record);
    return {
      socket,
      kind: podman ? 'podman' : 'docker',
      version: typeof version.Version === 'string' ? version.Version : undefined,
      containers: containers
        .filter((container) => typeof container.Id === 'string' && /^[0-9a-f]{64}$/.test(container.Id))
        .map((container) => ({
          id: container.Id as string,
          name: (strings(container.Names)[0] ?? '').replace(/^\//, '') || (container.Id as string).slice(0, 12),
          image: typeof container.Image === 'string' ? container.Image : undefined,
          state: typeof container.State === 'string' ? container.State : undefined,
        })),
    };
  } catch (error) {
    throw new Error(`the engine API on ${socket} did not answer: ${messageOf(error)}`, { cause: error });
  } finally {
    await client.close().catch(() => undefined);
  }
}

async function getJson(client: Client, path: string): Promise<unknown> {
  const response = await client.request({ method: 'GET', path, headers: { host: 'localhost' } });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw new LimitExceededError(`GET ${path} answered more than ${maxBodyBytes} bytes`);
    chunks.push(chunk);
  }
  if (response.statusCode !== 200) throw new Error(`GET ${path}: HTTP ${response.statusCode}`);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
}
