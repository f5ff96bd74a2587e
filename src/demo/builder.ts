import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UnsupportedError, UsageError } from '../core/errors.js';
import { destinationOf, sourcesOf } from '../buildtime/dockerfile/copy-sources.js';
import type { DockerInstruction, Stage } from '../buildtime/dockerfile/model.js';
import { parseDockerfile } from '../buildtime/dockerfile/parse.js';
import { parseReference } from '../image/reference.js';
import { loadBaseImages, normaliseReference } from './base-images.js';
import { builderDataDir, globToRegExp, readContext } from './context.js';
import { applyChanges, emptyChanges, hasChanges, normalisePath, parentOf, type FileNode, type FileTree, type LayerChanges } from './file-tree.js';
import { assembleImage, makeLayer, type BuiltImage, type ContainerSettings, type HistoryRecord } from './image.js';
import type { WrittenLayer } from '../image/build/image.js';
import { baseName } from '../image/layer/entry.js';
import { RecordedRuns } from './recorded-runs.js';
import { pushAll } from '../core/collections.js';

export type { BuiltImage } from './image.js';

export interface BuildOptions {
  /** Images a FROM or `COPY --from` may name, by reference (`debian:bullseye-slim`, `registry/x/base:1.4`); digests match by content. */
  parents?: ReadonlyMap<string, BuiltImage> | undefined;
  /** A `base-images/` directory (see base-images.ts): its images are parents too. */
  baseImages?: string | undefined;
  /** Where the RUN records are (`runs.yaml`); default `.shipshape-build` beside the Dockerfile. */
  recordedRuns?: string | undefined;
  /** The build time: the config's `created` and that of every new history entry. */
  created: Date;
  /** `--build-arg NAME=value`. */
  buildArgs?: Readonly<Record<string, string>> | undefined;
  /** `--target`: the stage to build (default the last). */
  target?: string | undefined;
}

interface StageState {
  files: FileTree;
  layers: WrittenLayer[];
  history: HistoryRecord[];
  config: ContainerSettings;
  architecture: string;
  os: string;
  shell: string[];
  /** ARGs declared in the stage, with their values: BuildKit writes them into RUN history lines. */
  args: [string, string][];
}

/**
 * Builds a Dockerfile into an OCI image the way BuildKit would lay it out — one layer per
 * RUN/COPY/ADD that changed something, history `created_by` as BuildKit writes it — without
 * executing anything: a RUN's effect is replayed from the recorded runs. The same inputs always
 * give the same bytes, so the same digests.
 */
export async function buildImage(dockerfile: string, contextDir: string, options: BuildOptions): Promise<BuiltImage> {
  const text = await readFile(dockerfile, 'utf8');
  const parsed = parseDockerfile(text, { file: dockerfile, buildArgs: options.buildArgs });
  if (parsed.problems.length > 0) throw new UsageError(`${dockerfile}: ${parsed.problems.map((p) => `line ${p.range.startLine}: ${p.message}`).join('; ')}`);
  const runs = await RecordedRuns.load(options.recordedRuns ?? path.join(path.dirname(dockerfile), builderDataDir));
  runs.check(
    parsed.instructions.filter((i) => i.keyword === 'RUN').map((i) => runText(i, parsed.escape)),
    dockerfile,
  );

  const parents = new Map<string, BuiltImage>();
  if (options.baseImages !== undefined)
    for (const base of await loadBaseImages(options.baseImages)) for (const ref of base.references) parents.set(ref, base.image);
  for (const [reference, image] of options.parents ?? []) parents.set(normaliseReference(reference), image);

  const build = new DockerfileBuild(dockerfile, parsed.escape, await readContext(contextDir), parents, runs, options.created);
  const target = options.target === undefined ? parsed.stages.at(-1) : parsed.stages.find((s) => s.name === options.target?.toLowerCase());
  if (!target) throw new UsageError(`${dockerfile}: ${options.target === undefined ? 'no stage to build' : `no stage named ${options.target}`}`);
  const state = await build.stage(target, parsed.stages);
  return assembleImage(
    {
      architecture: state.architecture,
      config: state.config,
      created: timestamp(options.created),
      history: state.history,
      os: state.os,
      rootfs: { type: 'layers', diff_ids: [] },
    },
    state.layers,
    state.files,
  );
}

class DockerfileBuild {
  private readonly built = new Map<number, Promise<StageState>>();
  private readonly created: string;

  constructor(
    private readonly dockerfile: string,
    private readonly escape: string,
    private readonly context: ReadonlyMap<string, FileNode>,
    private readonly parents: ReadonlyMap<string, BuiltImage>,
    private readonly runs: RecordedRuns,
    private readonly time: Date,
  ) {
    this.created = timestamp(time);
  }

  /** Builds a stage once, and only when the target needs it (as BuildKit does). */
  stage(stage: Stage, stages: readonly Stage[]): Promise<StageState> {
    let pending = this.built.get(stage.index);
    if (!pending) {
      pending = this.buildStage(stage, stages);
      this.built.set(stage.index, pending);
    }
    return pending;
  }

  private async buildStage(stage: Stage, stages: readonly Stage[]): Promise<StageState> {
    const parentStage = stage.parent === undefined ? undefined : stages[stage.parent];
    const state = parentStage ? copyState(await this.stage(parentStage, stages)) : this.fromImage(stage);
    for (const instruction of stage.instructions) await this.apply(instruction, state, stages);
    return state;
  }

  private fromImage(stage: Stage): StageState {
    if (stage.unresolved) throw new UsageError(`${this.where(stage.from)}: FROM ${stage.image} names a variable with no value (pass it with a build arg)`);
    if (stage.image === 'scratch')
      return { files: new Map(), layers: [], history: [], config: {}, architecture: 'amd64', os: 'linux', shell: defaultShell, args: [] };
    const image = this.parentImage(stage.image, stage.from);
    const document = image.configDocument;
    return {
      files: image.files,
      layers: [...image.layers],
      history: [...document.history],
      config: structuredClone(document.config),
      architecture: document.architecture,
      os: document.os,
      shell: defaultShell,
      args: [],
    };
  }

  /** An image built earlier (or a base image) by reference; `name@digest` matches the image with that digest. */
  private parentImage(reference: string, at: DockerInstruction): BuiltImage {
    const wanted = parseReference(reference);
    const exact = this.parents.get(normaliseReference(reference));
    if (exact && (wanted.digest === undefined || exact.digest === wanted.digest)) return exact;
    if (wanted.digest !== undefined) {
      const built = new Set<string>();
      for (const [known, image] of this.parents) {
        const ref = parseReference(known);
        if (ref.registry !== wanted.registry || ref.repository !== wanted.repository) continue;
        if (image.digest === wanted.digest) return image;
        built.add(image.digest);
      }
      const known = built.size === 0 ? 'none was built before this one' : `built before this one: ${[...built].join(', ')}`;
      throw new UsageError(`${this.where(at)}: no image ${wanted.registry}/${wanted.repository} has the digest ${wanted.digest} (${known})`);
    }
    throw new UsageError(`${this.where(at)}: the parent image ${reference} is neither a base image nor an image built earlier`);
  }

  private async apply(instruction: DockerInstruction, state: StageState, stages: readonly Stage[]): Promise<void> {
    const { config } = state;
    const note = (createdBy: string): void => {
      state.history.push({ created: this.created, created_by: createdBy, empty_layer: true });
    };
    switch (instruction.keyword) {
      case 'ARG':
        for (const p of instruction.properties) if (p.resolved !== undefined) setPair(state.args, p.name, p.resolved);
        note(`ARG ${instruction.properties.map((p) => (p.value === undefined ? p.name : `${p.name}=${p.value}`)).join(' ')}`);
        return;
      case 'ENV':
        for (const p of instruction.properties) config.Env = setEnv(config.Env ?? [], p.name, p.resolved ?? '');
        note(`ENV ${instruction.properties.map((p) => `${p.name}=${p.resolved ?? ''}`).join(' ')}`);
        return;
      case 'LABEL':
        config.Labels = { ...config.Labels, ...Object.fromEntries(instruction.properties.map((p) => [p.name, p.resolved ?? ''])) };
        note(`LABEL ${instruction.properties.map((p) => `${p.name}=${p.resolved ?? ''}`).join(' ')}`);
        return;
      case 'USER':
        config.User = instruction.arguments.join(' ');
        note(`USER ${config.User}`);
        return;
      case 'EXPOSE': {
        const ports = instruction.arguments.map((port) => (port.includes('/') ? port.toLowerCase() : `${port}/tcp`)).sort();
        config.ExposedPorts = { ...config.ExposedPorts, ...Object.fromEntries(ports.map((port) => [port, {} as Record<string, never>])) };
        note(`EXPOSE map[${ports.map((port) => `${port}:{}`).join(' ')}]`);
        return;
      }
      case 'CMD':
      case 'ENTRYPOINT': {
        const command = instruction.json ?? [...state.shell, instruction.rawArguments.trim()];
        if (instruction.keyword === 'CMD') config.Cmd = command;
        else {
          config.Entrypoint = command;
          delete config.Cmd; // an inherited CMD does not survive a new ENTRYPOINT
        }
        note(`${instruction.keyword} ${goQuoted(command)}`);
        return;
      }
      case 'SHELL':
        if (!instruction.json) throw new UsageError(`${this.where(instruction)}: SHELL takes a JSON array`);
        state.shell = instruction.json;
        note(`SHELL ${goQuoted(instruction.json)}`);
        return;
      case 'STOPSIGNAL':
        config.StopSignal = instruction.arguments[0] ?? '';
        note(`STOPSIGNAL ${config.StopSignal}`);
        return;
      case 'VOLUME': {
        const volumes = instruction.json ?? instruction.arguments;
        config.Volumes = { ...config.Volumes, ...Object.fromEntries(volumes.map((v) => [v, {} as Record<string, never>])) };
        note(`VOLUME [${volumes.join(' ')}]`);
        return;
      }
      case 'WORKDIR': {
        const dir = path.posix.resolve(config.WorkingDir ?? '/', instruction.arguments.join(' '));
        config.WorkingDir = dir;
        const changes = emptyChanges();
        const relative = normalisePath(dir);
        if (relative !== '' && state.files.get(relative)?.type !== 'dir') changes.added.set(relative, { type: 'dir', mode: 0o755, uid: 0, gid: 0 });
        await this.commit(state, `WORKDIR ${dir}`, changes);
        return;
      }
      case 'RUN': {
        const command = runText(instruction, this.escape);
        const prefix = state.args.length === 0 ? '' : `|${state.args.length} ${state.args.map(([k, v]) => `${k}=${v}`).join(' ')} `;
        const argv = instruction.json ?? [...state.shell, command];
        await this.commit(state, `RUN ${prefix}${argv.join(' ')}`, await this.runs.changesOf(command, state.files));
        return;
      }
      case 'COPY':
      case 'ADD':
        await this.commit(state, `${instruction.keyword} ${instruction.arguments.join(' ')}`, await this.copy(instruction, state, stages));
        return;
      case 'MAINTAINER':
        note(`MAINTAINER ${instruction.arguments.join(' ')}`);
        return;
      default:
        throw new UnsupportedError(`${this.where(instruction)}: the demo builder does not support ${instruction.keyword}`);
    }
  }

  /** A history entry, with a layer when the step changed the filesystem (BuildKit drops empty diffs). */
  private async commit(state: StageState, createdBy: string, changes: LayerChanges): Promise<void> {
    if (!hasChanges(changes)) {
      state.history.push({ created: this.created, created_by: createdBy.startsWith('WORKDIR') ? createdBy : `${createdBy} # buildkit`, empty_layer: true });
      return;
    }
    state.layers.push(await makeLayer(changes, state.files, this.time));
    state.files = applyChanges(state.files, changes);
    state.history.push({ created: this.created, created_by: `${createdBy} # buildkit` });
  }

  private async copy(instruction: DockerInstruction, state: StageState, stages: readonly Stage[]): Promise<LayerChanges> {
    const flag = (name: string): string | undefined => instruction.flags.find((f) => f.name === name)?.value;
    const sources = sourcesOf(instruction);
    const destination = destinationOf(instruction);
    if (destination === undefined || sources.length === 0)
      throw new UsageError(`${this.where(instruction)}: ${instruction.keyword} needs a source and a destination`);
    if (instruction.keyword === 'ADD' && sources.some((s) => /^[a-z]+:\/\//i.test(s) || /\.(tar|tgz|tar\.\w+)$/.test(s))) {
      throw new UnsupportedError(`${this.where(instruction)}: the demo builder's ADD copies local files only (no URLs, no archive extraction)`);
    }
    const from = flag('from');
    const origin =
      from === undefined ? { files: this.context, keepOwner: false } : { files: await this.copySource(from, instruction, stages), keepOwner: true };
    const owner = flag('chown') === undefined ? undefined : ownerOf(flag('chown') ?? '', state.files, this.where(instruction));
    const chmod = flag('chmod') === undefined ? undefined : parseInt(flag('chmod') ?? '', 8);

    const matches: string[] = [];
    for (const source of sources) {
      const pattern = normalisePath(source);
      const found = pattern === '' ? [''] : [...origin.files.keys()].filter((p) => globToRegExp(pattern).test(p)).sort();
      if (found.length === 0)
        throw new UsageError(`${this.where(instruction)}: ${source} is not in the ${from === undefined ? 'build context' : `stage or image ${from}`}`);
      pushAll(matches, found);
    }
    const target = path.posix.resolve(state.config.WorkingDir ?? '/', destination);
    const toDirectory =
      destination.endsWith('/') ||
      matches.length > 1 ||
      matches.some((m) => m === '' || origin.files.get(m)?.type === 'dir') ||
      state.files.get(normalisePath(target))?.type === 'dir';
    const changes = emptyChanges();
    const place = (at: string, node: FileNode): void => {
      const placed: FileNode = {
        ...node,
        ...(origin.keepOwner ? {} : { uid: 0, gid: 0 }),
        ...owner,
        ...(chmod === undefined || node.type === 'symlink' ? {} : { mode: chmod }),
      };
      changes.added.set(at, placed);
    };
    const targetDir = normalisePath(target);
    if (toDirectory && targetDir !== '' && state.files.get(targetDir)?.type !== 'dir') place(targetDir, { type: 'dir', mode: 0o755, uid: 0, gid: 0 });
    for (const match of matches) {
      const node = match === '' ? undefined : origin.files.get(match);
      if (node && node.type !== 'dir') {
        place(toDirectory ? join(targetDir, baseName(match)) : targetDir, node);
        continue;
      }
      // a directory: its contents, not the directory itself
      for (const [file, child] of origin.files) {
        if (match !== '' && !file.startsWith(`${match}/`)) continue;
        place(join(targetDir, match === '' ? file : file.slice(match.length + 1)), child);
      }
    }
    addMissingDirectories(changes, state.files);
    return changes;
  }

  /** The filesystem `COPY --from=X` reads: an earlier stage by name or index, else an image. */
  private async copySource(from: string, at: DockerInstruction, stages: readonly Stage[]): Promise<FileTree> {
    const stage = stages.find((s) => s.name === from.toLowerCase()) ?? (/^\d+$/.test(from) ? stages[Number(from)] : undefined);
    if (stage) {
      if (stage.index >= at.stage) throw new UsageError(`${this.where(at)}: COPY --from=${from} names a later stage`);
      return (await this.stage(stage, stages)).files;
    }
    return this.parentImage(from, at).files;
  }

  private where(instruction: DockerInstruction): string {
    return `${this.dockerfile}:${instruction.range.startLine}`;
  }
}

const defaultShell = ['/bin/sh', '-c'];

/**
 * The RUN's command as BuildKit records it: continuation lines joined by dropping the escape
 * character and the line break only (the spaces around them stay), comment lines inside dropped;
 * the exec form's words joined by spaces. Recorded runs are matched against this text.
 */
function runText(instruction: DockerInstruction, escape = '\\'): string {
  if (instruction.json) return instruction.json.join(' ');
  const continuation = new RegExp(`${escape.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}[ \\t]*$`);
  let text = '';
  let continued = false;
  for (const line of instruction.rawArguments.split('\n')) {
    if (continued && (/^\s*#/.test(line) || line.trim() === '')) continue;
    continued = continuation.test(line);
    text += continued ? line.replace(continuation, '') : line;
    if (!continued) break;
  }
  return text.trim();
}

function copyState(state: StageState): StageState {
  return {
    ...state,
    layers: [...state.layers],
    history: [...state.history],
    config: structuredClone(state.config),
    shell: [...state.shell],
    args: [...state.args],
  };
}

function setPair(pairs: [string, string][], key: string, value: string): void {
  const index = pairs.findIndex(([k]) => k === key);
  if (index >= 0) pairs[index] = [key, value];
  else pairs.push([key, value]);
}

function setEnv(env: string[], name: string, value: string): string[] {
  const entry = `${name}=${value}`;
  const index = env.findIndex((e) => e.split('=')[0] === name);
  return index >= 0 ? env.map((e, i) => (i === index ? entry : e)) : [...env, entry];
}

/** Directories a COPY creates on the way to its files, owned by root as BuildKit makes them. */
function addMissingDirectories(changes: LayerChanges, files: FileTree): void {
  for (const added of [...changes.added.keys()]) {
    for (let dir = parentOf(added); dir !== '' && !changes.added.has(dir) && files.get(dir)?.type !== 'dir'; dir = parentOf(dir)) {
      changes.added.set(dir, { type: 'dir', mode: 0o755, uid: 0, gid: 0 });
    }
  }
}

function join(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

/** `["node" "server.js"]`: Go's `%q` of a string slice, as BuildKit prints CMD/ENTRYPOINT/SHELL. */
function goQuoted(words: readonly string[]): string {
  return `[${words.map((word) => JSON.stringify(word)).join(' ')}]`;
}

/** RFC 3339 without fractional seconds, as BuildKit writes times. */
function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `--chown=user[:group]`: names looked up in the image's /etc/passwd and /etc/group; a user alone gives the same numeric group. */
function ownerOf(spec: string, files: FileTree, where: string): { uid: number; gid: number } {
  const [user = '', group] = spec.split(':');
  const uid = idOf(user, files.get('etc/passwd'), where, 'user');
  const gid = group === undefined ? uid : idOf(group, files.get('etc/group'), where, 'group');
  return { uid, gid };
}

function idOf(name: string, database: FileNode | undefined, where: string, kind: 'user' | 'group'): number {
  if (/^\d+$/.test(name)) return Number(name);
  const lines = database?.type === 'file' ? database.content.toString('utf8').split('\n') : [];
  const line = lines.find((l) => l.split(':')[0] === name);
  const id = line?.split(':')[2];
  if (id === undefined || !/^\d+$/.test(id))
    throw new UsageError(`${where}: --chown names the ${kind} ${name}, which the image's /etc/${kind === 'user' ? 'passwd' : 'group'} does not have`);
  return Number(id);
}
