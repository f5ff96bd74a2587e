import { isRecord } from '../core/records.js';

/** A manifest pushed to a registry, as a notification or webhook tells it. */
export interface PushEvent {
  /** Host[:port] the registry says it was pushed to (from the request or the resource URL); undefined when not said. */
  host: string | undefined;
  repository: string;
  tag: string | undefined;
  digest: string | undefined;
}

/** Manifests and indexes; a distribution registry also notifies each blob pushed, which is not an image. */
const manifestTypes = new Set([
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);
const maxEvents = 1000;
/** A repository name as the distribution spec allows it: anything else in an event is not an image we read. */
const repositoryName = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const isRepository = (name: unknown): name is string => typeof name === 'string' && name.length <= 255 && repositoryName.test(name);

/**
 * The pushes in a registry's notification: the CNCF distribution registry's envelope
 * (`{"events": [{"action": "push", "target": {…}, "request": {"host": …}}]}`) or Harbor's webhook
 * (`{"type": "PUSH_ARTIFACT", "event_data": {"repository": {…}, "resources": [{…}]}}`). Anything
 * else (pulls, deletes, blobs, unknown shapes) yields nothing.
 */
export function pushEventsOf(body: unknown): PushEvent[] {
  if (!isRecord(body)) return [];
  if (Array.isArray(body.events)) return body.events.slice(0, maxEvents).flatMap(distributionPush);
  if (body.type === 'PUSH_ARTIFACT' || body.type === 'pushImage') return harborPushes(body.event_data);
  return [];
}

function distributionPush(event: unknown): PushEvent[] {
  if (!isRecord(event) || event.action !== 'push' || !isRecord(event.target)) return [];
  const { target } = event;
  if (!isRepository(target.repository) || typeof target.mediaType !== 'string' || !manifestTypes.has(target.mediaType)) return [];
  const host = isRecord(event.request) && typeof event.request.host === 'string' ? event.request.host : hostOf(target.url);
  return [
    {
      host: host?.toLowerCase(),
      repository: target.repository,
      tag: typeof target.tag === 'string' ? target.tag : undefined,
      digest: typeof target.digest === 'string' ? target.digest : undefined,
    },
  ];
}

function harborPushes(data: unknown): PushEvent[] {
  if (!isRecord(data) || !isRecord(data.repository) || !Array.isArray(data.resources)) return [];
  const repository = data.repository.repo_full_name;
  if (!isRepository(repository)) return [];
  return data.resources.slice(0, maxEvents).flatMap((resource): PushEvent[] => {
    if (!isRecord(resource)) return [];
    const url = typeof resource.resource_url === 'string' ? resource.resource_url : undefined;
    return [
      {
        host: url?.split('/')[0]?.toLowerCase(),
        repository,
        tag: typeof resource.tag === 'string' ? resource.tag : undefined,
        digest: typeof resource.digest === 'string' ? resource.digest : undefined,
      },
    ];
  });
}

function hostOf(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    return new URL(url).host;
  } catch (error) {
    if (error instanceof TypeError) return undefined;
    throw error;
  }
}
