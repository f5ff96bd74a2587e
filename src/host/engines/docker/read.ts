import { posix } from 'node:path';
import { messageOf } from '../../../core/errors.js';
import { maxDirectoryNames, type HostRoot } from '../../root.js';
import type { EngineFound, HostContainer } from '../../model.js';
import { containerFacts } from './container.js';
import { quoted, readStateJson, stringField } from './files.js';
import { Overlay2Layers } from './layers.js';
import { RepositoryDigests } from './repositories.js';

const defaultDockerDataRoot = '/var/lib/docker';
const daemonJsonPath = '/etc/docker/daemon.json';
/** Most containers read from one data root; past it the rest (by id) are a problem, not read. */
const defaultMaxContainers = 10_000;
/** Containers read at once: their files are small, the wait is the disk's. */
const concurrency = 16;
const containerIdPattern = /^[0-9a-f]{64}$/;

export interface DockerStateOptions {
  /** Docker's data root as a host path; by default daemon.json's `data-root` (or `graph`), else /var/lib/docker. */
  dataRoot?: string;
  maxContainers?: number;
}

/** Everything one container directory is read with: the caches are shared by all containers of the data root. */
interface Reader {
  root: HostRoot;
  dataRoot: string;
  layers: Overlay2Layers;
  digests: RepositoryDigests;
}

/**
 * The containers of a Docker engine from its state on disk (`<data root>/containers/<id>/`), with
 * their overlay2 layers from the layer database; undefined when there is no `<data root>/containers`.
 * One container's unreadable files are a problem of that container; the others are still read.
 */
export async function readDockerState(root: HostRoot, options: DockerStateOptions = {}): Promise<EngineFound | undefined> {
  const problems: string[] = [];
  const dataRoot = posix.normalize(`/${options.dataRoot ?? (await configuredDataRoot(root, problems)) ?? defaultDockerDataRoot}`).replace(/(.)\/$/, '$1');
  const maxContainers = options.maxContainers ?? defaultMaxContainers;
  const containersDir = `${dataRoot}/containers`;
  const found: EngineFound = { kind: 'docker', version: undefined, stateDir: dataRoot, containers: [], problems };
  let names: string[] | undefined;
  try {
    names = await root.list(containersDir, Math.max(maxContainers, maxDirectoryNames));
  } catch (error) {
    problems.push(`${containersDir}: ${messageOf(error)}`);
    return found;
  }
  if (names === undefined) return undefined;
  if (names.length > maxContainers) problems.push(`${containersDir} holds ${names.length} entries: only the first ${maxContainers} read`);

  const reader: Reader = { root, dataRoot, layers: new Overlay2Layers(root, dataRoot), digests: new RepositoryDigests(root, dataRoot, problems) };
  const ids = names.slice(0, maxContainers).filter((name) => {
    if (containerIdPattern.test(name)) return true;
    problems.push(`${containersDir}/${quoted(name)} is not a container id: skipped`);
    return false;
  });
  for (let start = 0; start < ids.length; start += concurrency) {
    const batch = await Promise.all(
      ids
        .slice(start, start + concurrency)
        .map((id) =>
          readContainer(reader, id).catch((error: unknown) => ({ container: undefined, problems: [`container ${id.slice(0, 12)}: ${messageOf(error)}`] })),
        ),
    );
    for (const { container, problems: own } of batch) {
      if (container !== undefined) found.containers.push(container);
      for (const problem of own) problems.push(problem);
    }
  }
  return found;
}

/** One container directory; a problem names the container by its short id, as `docker ps` does. */
async function readContainer(reader: Reader, id: string): Promise<{ container?: HostContainer; problems: string[] }> {
  const dir = `${reader.dataRoot}/containers/${id}`;
  const problems: string[] = [];
  const say = (problem: string): void => {
    problems.push(`container ${id.slice(0, 12)}: ${problem}`);
  };

  const config = await readStateJson(reader.root, `${dir}/config.v2.json`);
  if (config === undefined || !('value' in config)) {
    say(`config.v2.json ${config?.problem ?? 'is missing'}`);
    return { problems };
  }
  const recordedId = stringField(config.value, 'ID');
  if (recordedId !== id) {
    // moby refuses such a container at start-up too: its files are not the directory's
    say(`config.v2.json names ${recordedId === undefined ? 'no ID' : `ID ${quoted(recordedId)}`}, not its directory's: skipped`);
    return { problems };
  }
  const hostConfig = await readStateJson(reader.root, `${dir}/hostconfig.json`);
  if (hostConfig === undefined || !('value' in hostConfig)) say(`hostconfig.json ${hostConfig?.problem ?? 'is missing'}: privileges not known`);

  const { facts, problems: factProblems } = containerFacts(id, config.value, hostConfig !== undefined && 'value' in hostConfig ? hostConfig.value : undefined);
  for (const problem of factProblems) say(problem);
  const driver = stringField(config.value, 'Driver');
  facts.image.digest = await reader.digests.digestOf(driver, facts.image.id, facts.image.reference);

  if (driver !== 'overlay2') {
    return {
      container: { ...facts, layers: `storage driver ${driver === undefined ? '(none recorded)' : quoted(driver)} is not read (only overlay2)` },
      problems,
    };
  }
  const { layers, problem } = await reader.layers.ofContainer(id);
  if (problem !== undefined) say(problem);
  return { container: { ...facts, layers }, problems };
}

/** daemon.json's `data-root` (legacy `graph`) when it parses and is an absolute path; anything else leaves the default. */
async function configuredDataRoot(root: HostRoot, problems: string[]): Promise<string | undefined> {
  const read = await readStateJson(root, daemonJsonPath);
  if (read === undefined) return undefined;
  if (!('value' in read)) {
    problems.push(`${daemonJsonPath} ${read.problem}: its data-root not read`);
    return undefined;
  }
  const configured = stringField(read.value, 'data-root') ?? stringField(read.value, 'graph');
  return configured?.startsWith('/') ? configured : undefined;
}
