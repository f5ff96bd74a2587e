/**
 * Build, push, tag and login commands in CI scripts (docker, buildx, buildah, podman, kaniko,
 * skopeo, crane), tools run as containers (`docker run aquasec/trivy image …`), and the dispatch
 * from a command's name to its recogniser.
 */
import { withoutDockerHubHost } from '../../image/registry-hosts.js';
import { hasFlag, lastOption, optionValues, parseArgs } from './args.js';
import type { BuildTool, CiValue } from './model.js';
import {
  buildxAttestations,
  cosign,
  dockerSbom,
  dockerScoutCves,
  dockerTrust,
  dockle,
  grype,
  hadolint,
  notation,
  shipshape,
  snyk,
  syft,
  trivy,
} from './shell-security.js';
import type { StepDraft } from './steps.js';
import { defaultDockerfile, prefixOf, repoPath, stripPrefix, type ToolContext } from './tool-context.js';
import { concatValues, literal } from './values.js';
import { normalizePath, registryHost, stripWorkspace, withoutTag } from './names.js';
import { maxScriptNesting, programName } from '../shell/commands.js';
import { pushAll } from '../../core/collections.js';
import { ownEntry } from '../../core/records.js';

type Recognizer = (args: CiValue[], ctx: ToolContext) => StepDraft[];

const recognizers: Record<string, Recognizer> = {
  docker: (args, ctx) => docker(args, ctx),
  podman: (args, ctx) => buildahLike('podman', args, ctx),
  buildah: (args, ctx) => buildahLike('buildah', args, ctx),
  executor: (args, ctx) => kaniko(args, ctx),
  skopeo: (args, ctx) => skopeo(args, ctx),
  crane: (args, ctx) => crane(args, ctx),
  trivy,
  grype,
  syft,
  snyk,
  shipshape,
  dockle,
  cosign,
  notation,
  hadolint,
  'docker-scout': (args, ctx) => (args[0]?.resolved === 'cves' || args[0]?.resolved === 'cve' ? dockerScoutCves(args.slice(1), ctx) : []),
};

/** Steps for one command (program + arguments); `[]` when it is nothing image-related. */
export function recognizeCommand(words: CiValue[], ctx: ToolContext): StepDraft[] {
  const [program, ...args] = words;
  if (program === undefined) return [];
  const recognizer = ownEntry(recognizers, programName(program.resolved));
  return recognizer === undefined ? [] : recognizer(args, ctx);
}

/** Whether a program name is one of the tools we read (for diagnostics on `$DOCKER build`). */
export function isKnownProgram(name: string): boolean {
  return name in recognizers;
}

const dockerGlobalValued = new Set(['-H', '--host', '-c', '--context', '--config', '-l', '--log-level', '--tlscacert', '--tlscert', '--tlskey']);

/** Options taking a value that `docker build` and `buildah build` share. */
const imageBuildValued = [
  '-t',
  '--tag',
  '-f',
  '--file',
  '--build-arg',
  '--label',
  '--target',
  '--platform',
  '--cache-from',
  '--cache-to',
  '--secret',
  '--ssh',
  '--network',
  '--iidfile',
  '--isolation',
  '--annotation',
  '--build-context',
];

const buildValued = new Set([
  ...imageBuildValued,
  '-o',
  '--output',
  '--progress',
  '--metadata-file',
  '--add-host',
  '--builder',
  '--provenance',
  '--sbom',
  '--attest',
  '--shm-size',
  '--ulimit',
  '-m',
  '--memory',
  '--memory-swap',
  '--cpu-shares',
  '-c',
  '--cpu-period',
  '--cpu-quota',
  '--cpuset-cpus',
  '--cpuset-mems',
  '--cgroup-parent',
  '--allow',
  '--call',
  '--security-opt',
]);

const loginValued = new Set(['-u', '--username', '-p', '--password', '--authfile', '--cert-dir', '--secret']);

function docker(args: CiValue[], ctx: ToolContext): StepDraft[] {
  // global options come before the subcommand
  let i = 0;
  while (i < args.length && (args[i]?.resolved ?? '').startsWith('-')) i += dockerGlobalValued.has(args[i]?.resolved ?? '') ? 2 : 1;
  const sub = args[i]?.resolved;
  const rest = args.slice(i + 1);
  const next = rest[0]?.resolved;
  switch (sub) {
    case 'build':
      return dockerBuild('docker', rest, ctx);
    case 'buildx':
      if (next === 'build' || next === 'b') return dockerBuild('docker-buildx', rest.slice(1), ctx);
      if (next === 'imagetools' && rest[1]?.resolved === 'create') return imagetoolsCreate(rest.slice(2), ctx);
      return [];
    case 'builder':
    case 'image':
      if (next === 'build') return dockerBuild('docker', rest.slice(1), ctx);
      if (next === 'push' && sub === 'image') return pushCommand('docker', rest.slice(1), ctx);
      if (next === 'tag' && sub === 'image') return tagCommand(rest.slice(1), ctx);
      return [];
    case 'push':
      return pushCommand('docker', rest, ctx);
    case 'tag':
      return tagCommand(rest, ctx);
    case 'login':
      return loginCommand(rest, ctx);
    case 'run':
      return containerRun(rest, ctx);
    case 'container':
      return next === 'run' ? containerRun(rest.slice(1), ctx) : [];
    case 'scout':
      return next === 'cves' || next === 'cve' ? dockerScoutCves(rest.slice(1), ctx) : [];
    case 'sbom':
      return dockerSbom(rest, ctx);
    case 'trust':
      return dockerTrust(rest, ctx);
    default:
      return [];
  }
}

function dockerBuild(tool: BuildTool, args: CiValue[], ctx: ToolContext): StepDraft[] {
  const parsed = parseArgs(args, buildValued);
  const tags = optionValues(parsed, '-t', '--tag');
  const outputs = optionValues(parsed, '-o', '--output');
  const pushes = hasFlag(parsed, '--push') || outputs.some((o) => /(^|,)type=registry(,|$)/.test(o.resolved) || /(^|,)push=true(,|$)/.test(o.resolved));
  const contextArg = parsed.positionals[0];
  if (contextArg === undefined) ctx.diagnostics.push(`line ${ctx.line}: ${tool === 'docker' ? 'docker build' : 'docker buildx build'} without a build context`);
  if (parsed.positionals.length > 1)
    ctx.diagnostics.push(`line ${ctx.line}: docker build with several operands (${parsed.positionals.map((p) => p.raw).join(' ')})`);
  const context = contextArg === undefined ? ctx.cwd : contextArg.resolved === '-' ? contextArg : repoPath(contextArg, ctx);
  const file = lastOption(parsed, '-f', '--file');
  const dockerfile = file === undefined ? defaultDockerfile(context) : file.resolved === '-' ? file : repoPath(file, ctx);
  const steps: StepDraft[] = [{ kind: 'build', line: ctx.line, tool, dockerfile, context, tags, pushes }];
  pushAll(steps, buildxAttestations(parsed.options, tags[0], ctx));
  return steps;
}

const pushValued = new Set([
  '--platform',
  '--authfile',
  '--creds',
  '--cert-dir',
  '--digestfile',
  '-f',
  '--format',
  '--sign-by',
  '--compression-format',
  '--compression-level',
  '--retry',
  '--retry-delay',
  '--encryption-key',
  '--signature-policy',
  '--sign-passphrase-file',
  '--sign-by-sigstore',
  '--sign-by-sigstore-private-key',
]);

/** `docker push IMAGE`, `podman push IMAGE [DEST]`, `buildah push IMAGE [DEST]`. */
function pushCommand(tool: BuildTool, args: CiValue[], ctx: ToolContext): StepDraft[] {
  const parsed = parseArgs(args, pushValued);
  const [source, destination] = parsed.positionals;
  const pushed = destination ?? source;
  if (pushed === undefined) {
    if (hasFlag(parsed, '-a', '--all-tags')) ctx.diagnostics.push(`line ${ctx.line}: ${tool} push --all-tags without an image`);
    return [];
  }
  if (destination !== undefined && prefixOf(destination, nonRegistryTransports) !== undefined) return [];
  return [{ kind: 'push', line: ctx.line, tool, image: stripPrefix(pushed, 'docker://') }];
}

/** `docker tag A B`, `podman tag A B C…`. */
function tagCommand(args: CiValue[], ctx: ToolContext): StepDraft[] {
  const [from, ...targets] = parseArgs(args, new Set()).positionals;
  if (from === undefined) return [];
  return targets.map((to) => ({ kind: 'tag', line: ctx.line, from, to, pushes: false }));
}

/** `docker login [opts] [REGISTRY]` (Docker Hub when no registry is named). */
function loginCommand(args: CiValue[], ctx: ToolContext): StepDraft[] {
  const parsed = parseArgs(args, loginValued);
  const registry = parsed.positionals[0] ?? literal('docker.io');
  return [{ kind: 'login', line: ctx.line, registry: registryHost(registry) }];
}

/** `docker buildx imagetools create -t B A`: copies A to B in the registry. */
function imagetoolsCreate(args: CiValue[], ctx: ToolContext): StepDraft[] {
  const parsed = parseArgs(args, new Set(['-t', '--tag', '-f', '--file', '--annotation', '--builder', '--progress', '--platform']));
  const from = parsed.positionals[0];
  if (from === undefined) return [];
  return optionValues(parsed, '-t', '--tag').map((to) => ({ kind: 'tag', line: ctx.line, from, to, pushes: true }));
}

const buildahBuildValued = new Set([
  ...imageBuildValued,
  '--format',
  '--storage-driver',
  '--authfile',
  '--creds',
  '--arch',
  '--os',
  '--variant',
  '--jobs',
  '--manifest',
  '--volume',
  '-v',
  '--cert-dir',
  '--sign-by',
  '--runtime',
  '--timestamp',
  '--build-arg-file',
  '--env',
  // `--pull` takes a value only as `--pull=always`: bare, it is a switch
  '--retry',
  '--retry-delay',
]);

/** `buildah bud|build`, `podman build`, and their push / tag / login. */
function buildahLike(tool: 'buildah' | 'podman', args: CiValue[], ctx: ToolContext): StepDraft[] {
  const sub = args[0]?.resolved;
  const rest = args.slice(1);
  if (sub === 'bud' || sub === 'build' || (sub === 'image' && rest[0]?.resolved === 'build')) {
    const buildArgs = sub === 'image' ? rest.slice(1) : rest;
    const parsed = parseArgs(buildArgs, buildahBuildValued);
    const contextArg = parsed.positionals[0];
    const context = contextArg === undefined ? ctx.cwd : repoPath(contextArg, ctx);
    const file = lastOption(parsed, '-f', '--file');
    if (file === undefined) {
      ctx.diagnostics.push(
        `line ${ctx.line}: ${tool} build without -f reads ${defaultDockerfile(context).resolved.replace(/Dockerfile$/, 'Containerfile')} when it exists, else ${defaultDockerfile(context).resolved}; recorded as the latter`,
      );
    }
    const dockerfile = file === undefined ? defaultDockerfile(context) : repoPath(file, ctx);
    return [{ kind: 'build', line: ctx.line, tool, dockerfile, context, tags: optionValues(parsed, '-t', '--tag'), pushes: false }];
  }
  if (sub === 'push' || (sub === 'image' && rest[0]?.resolved === 'push')) return pushCommand(tool, sub === 'image' ? rest.slice(1) : rest, ctx);
  if (sub === 'tag' || (sub === 'image' && rest[0]?.resolved === 'tag')) return tagCommand(sub === 'image' ? rest.slice(1) : rest, ctx);
  if (sub === 'login') return loginCommand(rest, ctx);
  if (tool === 'podman' && (sub === 'run' || (sub === 'container' && rest[0]?.resolved === 'run')))
    return containerRun(sub === 'run' ? rest : rest.slice(1), ctx);
  return [];
}

const kanikoValued = new Set([
  '--dockerfile',
  '-f',
  '--context',
  '-c',
  '--destination',
  '-d',
  '--build-arg',
  '--cache-repo',
  '--cache-dir',
  '--target',
  '--digest-file',
  '--image-name-with-digest-file',
  '--image-name-tag-with-digest-file',
  '--oci-layout-path',
  '--tar-path',
  '--label',
  '--custom-platform',
  '--registry-mirror',
  '--insecure-registry',
  '--skip-tls-verify-registry',
  '--registry-certificate',
  '--verbosity',
  '-v',
  '--snapshot-mode',
  '--snapshotMode',
  '--kaniko-dir',
  '--git',
  '--ignore-path',
  '--push-retry',
  '--image-fs-extract-retry',
  '--cache-ttl',
  '--registry-map',
  '--compression',
  '--compression-level',
  '--log-format',
  '--log-timestamp',
  '--image-download-retry',
  '--credential-helpers',
]);

/** Kaniko `/kaniko/executor --context … --dockerfile … --destination …`: a build that pushes. */
function kaniko(args: CiValue[], ctx: ToolContext): StepDraft[] {
  const parsed = parseArgs(args, kanikoValued);
  const destinations = optionValues(parsed, '--destination', '-d');
  const contextArg = lastOption(parsed, '--context', '-c');
  const context =
    contextArg === undefined
      ? ctx.cwd
      : /^[a-z0-9]+:\/\//.test(contextArg.resolved) && !contextArg.resolved.startsWith('dir://')
        ? contextArg
        : repoPath(stripPrefix(contextArg, 'dir://'), ctx);
  const file = lastOption(parsed, '--dockerfile', '-f');
  // kaniko reads --dockerfile relative to the working directory first, then to the context
  const dockerfile = repoPath(file ?? literal('Dockerfile'), ctx);
  const anchored = file !== undefined && (file.resolved.startsWith('/') || stripWorkspace(file, ctx.workspaceVars) !== file);
  if (!anchored && context.resolved !== ctx.cwd.resolved) {
    const alternative = normalizePath(`${context.resolved}/${file?.resolved ?? 'Dockerfile'}`);
    ctx.diagnostics.push(`line ${ctx.line}: kaniko reads ${dockerfile.resolved} if it exists, else ${alternative}; recorded as the former`);
  }
  const pushes = destinations.length > 0 && !hasFlag(parsed, '--no-push');
  return [{ kind: 'build', line: ctx.line, tool: 'kaniko', dockerfile, context, tags: destinations, pushes }];
}

const skopeoValued = new Set([
  '--src-creds',
  '--dest-creds',
  '--src-authfile',
  '--dest-authfile',
  '--authfile',
  '-f',
  '--format',
  '--sign-by',
  '--src-cert-dir',
  '--dest-cert-dir',
  '--retry-times',
  '--multi-arch',
  '--src-registry-token',
  '--dest-registry-token',
  '--additional-tag',
  '--sign-passphrase-file',
  '--sign-by-sigstore',
  '--sign-by-sigstore-private-key',
  '--dest-compress-format',
  '--dest-compress-level',
  '--encryption-key',
  '--decryption-key',
  '--image-parallel-copies',
  '--src-daemon-host',
  '--dest-daemon-host',
  '--digestfile',
  '--policy',
  '--registries.d',
  '--tmpdir',
  '--command-timeout',
  '--override-arch',
  '--override-os',
  '--override-variant',
  '--src-shared-blob-dir',
  '--dest-shared-blob-dir',
  '-u',
  '--username',
  '-p',
  '--password',
  '--cert-dir',
]);
const localTransports = ['docker-daemon:', 'containers-storage:'];
/** Destinations of `podman push IMAGE DEST` / `skopeo copy` that are not a registry. */
const nonRegistryTransports = ['oci:', 'oci-archive:', 'docker-archive:', 'dir:', ...localTransports];

/** `skopeo copy SRC DEST` (a registry destination pushes), `skopeo login REGISTRY`. */
function skopeo(args: CiValue[], ctx: ToolContext): StepDraft[] {
  const parsed = parseArgs(args, skopeoValued);
  const [sub, ...rest] = parsed.positionals;
  if (sub?.resolved === 'login') return rest[0] === undefined ? [] : [{ kind: 'login', line: ctx.line, registry: registryHost(rest[0]) }];
  if (sub?.resolved !== 'copy') return [];
  const [src, dest] = rest;
  if (src === undefined || dest === undefined) return [];
  const name = (v: CiValue): CiValue => {
    const prefix = prefixOf(v, ['docker://', ...localTransports]);
    return prefix === undefined ? v : stripPrefix(v, prefix);
  };
  return [{ kind: 'tag', line: ctx.line, from: name(src), to: name(dest), pushes: dest.resolved.startsWith('docker://') }];
}

const craneValued = new Set(['--platform', '-u', '--username', '-p', '--password', '--jobs', '-j', '--tag', '-t', '--index', '--image']);

/** `crane copy|cp SRC DST`, `crane tag IMG TAG`, `crane push TARBALL IMAGE`, `crane auth login REGISTRY`. */
function crane(args: CiValue[], ctx: ToolContext): StepDraft[] {
  const parsed = parseArgs(args, craneValued);
  const [sub, a, b] = parsed.positionals;
  switch (sub?.resolved) {
    case 'copy':
    case 'cp':
      return a === undefined || b === undefined ? [] : [{ kind: 'tag', line: ctx.line, from: a, to: b, pushes: true }];
    case 'tag': {
      if (a === undefined || b === undefined) return [];
      const repo = withoutTag(a);
      return [{ kind: 'tag', line: ctx.line, from: a, to: concatValues([repo, literal(':'), b]), pushes: true }];
    }
    case 'push':
      return b === undefined ? [] : [{ kind: 'push', line: ctx.line, tool: 'crane', image: b }];
    case 'auth':
      return a?.resolved === 'login' && b !== undefined ? [{ kind: 'login', line: ctx.line, registry: registryHost(b) }] : [];
    default:
      return [];
  }
}

const runValued = new Set([
  '-v',
  '--volume',
  '-e',
  '--env',
  '--env-file',
  '--name',
  '-w',
  '--workdir',
  '--entrypoint',
  '-u',
  '--user',
  '--network',
  '--net',
  '-p',
  '--publish',
  '--mount',
  '--platform',
  '-m',
  '--memory',
  '--cpus',
  '--add-host',
  '--label',
  '-l',
  '--volumes-from',
  '--pull',
  '--restart',
  '--security-opt',
  '--cap-add',
  '--cap-drop',
  '--device',
  '--tmpfs',
  '--ulimit',
  '--log-driver',
  '--log-opt',
  '--hostname',
  '-h',
  '--dns',
  '--ipc',
  '--pid',
  '--shm-size',
  '--gpus',
  '--runtime',
  '--stop-signal',
  '--stop-timeout',
  '--health-cmd',
  '--userns',
  '--cgroupns',
  '--label-file',
  '--group-add',
  '--expose',
  '--link',
  '--memory-swap',
  '--cidfile',
  '-a',
  '--attach',
  '--isolation',
  '--uts',
  '--storage-opt',
  '--sysctl',
]);

/**
 * Tools run as containers: the image's entrypoint (or default command) and the arguments given.
 * Keys are repositories without registry-default prefixes or tags.
 */
const toolImages: Record<string, { entrypoint?: string; defaultCommand?: string[] }> = {
  'aquasec/trivy': { entrypoint: 'trivy' },
  'anchore/grype': { entrypoint: 'grype' },
  'anchore/syft': { entrypoint: 'syft' },
  'goodwithtech/dockle': { entrypoint: 'dockle' },
  'hadolint/hadolint': { defaultCommand: ['hadolint', '-'] },
  'gcr.io/kaniko-project/executor': { entrypoint: '/kaniko/executor' },
  'gcr.io/go-containerregistry/crane': { entrypoint: 'crane' },
  'ghcr.io/sigstore/cosign/cosign': { entrypoint: 'cosign' },
  'gcr.io/projectsigstore/cosign': { entrypoint: 'cosign' },
  'docker/scout-cli': { entrypoint: 'docker-scout' },
};

/** The repository of an image name, without `docker.io/` and tag: the key of `toolImages`. */
function toolImageKey(image: string): string {
  return withoutDockerHubHost(withoutTag(literal(image)).resolved);
}

/** `docker run [opts] IMAGE [ARGS…]` of a known tool image: what that tool does. */
function containerRun(args: CiValue[], ctx: ToolContext): StepDraft[] {
  const parsed = parseArgs(args, runValued, { stopAtPositional: true });
  const [image, ...command] = parsed.rest;
  if (image === undefined) return [];
  const entrypoint = lastOption(parsed, '--entrypoint');
  return runToolImage(image, command, entrypoint, ctx);
}

/** What a known tool image does with `command` (and an optional entrypoint override). */
export function runToolImage(image: CiValue, command: CiValue[], entrypoint: CiValue | undefined, ctx: ToolContext): StepDraft[] {
  if (ctx.depth > maxScriptNesting) return [];
  const known = ownEntry(toolImages, toolImageKey(image.resolved));
  if (known === undefined) return [];
  const inner = { ...ctx, depth: ctx.depth + 1 };
  if (entrypoint !== undefined) {
    return entrypoint.resolved === '' ? recognizeCommand(command, inner) : recognizeCommand([entrypoint, ...command], inner);
  }
  if (known.entrypoint !== undefined) return recognizeCommand([literal(known.entrypoint), ...command], inner);
  const words = command.length > 0 ? command : (known.defaultCommand ?? []).map(literal);
  return recognizeCommand(words, inner);
}
