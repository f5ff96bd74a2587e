/**
 * GitHub Actions workflows: one Pipeline per file, jobs and their steps in file order. Actions that
 * build, log in, scan, sign or attest are read from their `with:` inputs; `run:` steps go through
 * the shell analysis with `${{ }}` expressions substituted first, as the runner does. `env:` at
 * workflow, job and step level resolve `${{ env.X }}` and `$X`; `secrets`, `vars`, `github`,
 * `steps.*.outputs` are unknown (named).
 */
import type { CiValue, Pipeline, SecurityStepKind } from './model.js';
import { ShellSession, wordValue, type ShellSource } from './shell.js';
import { runToolImage } from './shell-tools.js';
import { commandsOf, markerText } from '../shell/lexer.js';
import { PipelineBuilder, type StepDraft } from './steps.js';
import { defaultDockerfile, repoPath, type ToolContext } from './tool-context.js';
import { bool, contentLine, entries, get, items, loadYaml, text, type YNode } from './yaml-tree.js';
import { concatValues, literal, resolveRef, resolveValue, Scope, segmentsOf, unique } from './values.js';
import { registryHost, stripWorkspace } from './names.js';
import { pushAll } from '../../core/collections.js';

const workspaceVars = ['GITHUB_WORKSPACE', 'github.workspace'];

interface StepContext {
  scope: Scope;
  line: number;
  label: string;
  /** `continue-on-error`: true, or undefined when an expression decides. */
  continueOnError: boolean | undefined;
  cwd: CiValue;
  jobId: string;
  /** The step's `id:`. */
  stepId: string | undefined;
}

/** Environment entries as lazy bindings in `scope` (they may refer to each other through `${{ env.X }}`). */
function bindEnv(scope: Scope, env: YNode | undefined): void {
  for (const [name, value] of entries(env)) {
    const raw = text(value);
    if (raw === undefined) scope.set(name, { kind: 'value', resolved: '', unknowns: [] });
    else scope.set(name, { kind: 'lazy', raw, syntaxes: ['github'], scope });
  }
}

class WorkflowReader {
  readonly builder: PipelineBuilder;
  /** `docker/metadata-action` steps by id: the images its `tags` output names (the tags themselves are computed at run time). */
  private readonly metadataImages = new Map<string, CiValue[]>();

  constructor(file: string, repository: string) {
    this.builder = new PipelineBuilder('github-actions', file, repository);
  }

  read(source: string): Pipeline {
    const root = loadYaml(source, this.builder.file, this.builder.diagnostics);
    if (root?.kind !== 'map') {
      if (root !== undefined) this.builder.diagnostics.push(`${this.builder.file}: not a workflow (the document is not a mapping)`);
      return this.builder.build(undefined);
    }
    const workflowScope = new Scope();
    bindEnv(workflowScope, get(root, 'env'));
    const workflowDir = text(get(get(get(root, 'defaults'), 'run'), 'working-directory'));
    for (const [jobId, job] of entries(get(root, 'jobs'))) this.job(jobId, job, workflowScope, workflowDir);
    return this.builder.build(text(get(root, 'name')));
  }

  private job(jobId: string, job: YNode, workflowScope: Scope, workflowDir: string | undefined): void {
    const scope = workflowScope.child();
    bindEnv(scope, get(job, 'env'));
    const uses = get(job, 'uses');
    if (uses !== undefined) {
      this.reusableWorkflow(jobId, job, uses, scope);
      return;
    }
    const jobContinue = bool(get(job, 'continue-on-error')) ?? (get(job, 'continue-on-error') === undefined ? false : undefined);
    const jobDir = text(get(get(get(job, 'defaults'), 'run'), 'working-directory')) ?? workflowDir;
    const jobShell = text(get(get(get(job, 'defaults'), 'run'), 'shell'));
    items(get(job, 'steps')).forEach((step, index) => {
      const stepScope = scope.child();
      bindEnv(stepScope, get(step, 'env'));
      const name = text(get(step, 'name')) ?? text(get(step, 'id')) ?? text(get(step, 'uses')) ?? `step ${index + 1}`;
      const stepContinue = bool(get(step, 'continue-on-error')) ?? (get(step, 'continue-on-error') === undefined ? false : undefined);
      const dir = text(get(step, 'working-directory')) ?? jobDir;
      const ctx: StepContext = {
        scope: stepScope,
        line: step.line,
        label: `${jobId}/${name}`,
        continueOnError: jobContinue === true || stepContinue === true ? true : jobContinue === undefined || stepContinue === undefined ? undefined : false,
        cwd: dir === undefined ? literal('.') : stripWorkspace(resolveValue(dir, ['github'], stepScope), workspaceVars),
        jobId,
        stepId: text(get(step, 'id')),
      };
      const run = get(step, 'run');
      const action = text(get(step, 'uses'));
      if (run !== undefined) this.run(run, text(get(step, 'shell')) ?? jobShell, ctx);
      else if (action !== undefined) this.action(action, get(step, 'with'), text(get(step, 'id')), ctx);
    });
  }

  /** A value of `with:`, expressions resolved. */
  private input(ctx: StepContext, inputs: YNode | undefined, key: string): CiValue | undefined {
    const raw = text(get(inputs, key));
    return raw === undefined ? undefined : resolveValue(raw, ['github'], ctx.scope);
  }

  private add(ctx: StepContext, draft: StepDraft): void {
    this.builder.add(draft, ctx.label, undefined, ctx.stepId === undefined ? {} : { id: ctx.stepId });
  }

  private security(
    ctx: StepContext,
    securityKind: SecurityStepKind,
    tool: string,
    image: CiValue | undefined,
    gating: boolean | undefined,
    target?: CiValue,
  ): void {
    const step: StepDraft = { kind: 'security', line: ctx.line, securityKind, tool, image, gating: gatingWith(gating, ctx) };
    if (target !== undefined) step.target = target;
    this.add(ctx, step);
  }

  private toolContext(ctx: StepContext): ToolContext {
    return { line: ctx.line, cwd: literal('.'), workspaceVars, diagnostics: this.builder.diagnostics, stdin: undefined, depth: 0 };
  }

  private action(uses: string, inputs: YNode | undefined, id: string | undefined, ctx: StepContext): void {
    const at = uses.indexOf('@');
    const action = (at < 0 ? uses : uses.slice(0, at)).toLowerCase();
    const input = (key: string): CiValue | undefined => this.input(ctx, inputs, key);
    const path = (value: CiValue | undefined): CiValue | undefined => (value === undefined ? undefined : repoPath(value, this.toolContext(ctx)));
    if (action.startsWith('docker://')) {
      const args = input('args');
      const words = args === undefined ? [] : this.words(args.raw, ctx);
      const steps = runToolImage(literal(uses.slice('docker://'.length)), words, input('entrypoint'), this.toolContext(ctx));
      for (const step of steps) this.add(ctx, step.kind === 'security' ? { ...step, gating: gatingWith(step.gating, ctx) } : step);
      return;
    }
    switch (action) {
      case 'docker/build-push-action':
        this.buildPush(inputs, ctx);
        return;
      case 'docker/login-action':
        this.add(ctx, { kind: 'login', line: ctx.line, registry: registryHost(input('registry') ?? literal('docker.io')) });
        return;
      case 'aws-actions/amazon-ecr-login': {
        const name = id === undefined ? 'amazon-ecr-login.registry' : `steps.${id}.outputs.registry`;
        this.add(ctx, { kind: 'login', line: ctx.line, registry: { raw: `\${{ ${name} }}`, resolved: `\${${name}}`, unknowns: [name] } });
        return;
      }
      case 'docker/metadata-action': {
        const images = metadataImageNames(text(get(inputs, 'images')) ?? '').map((raw) => resolveValue(raw, ['github'], ctx.scope));
        if (id !== undefined) this.metadataImages.set(id, images);
        this.builder.diagnostics.push(
          `line ${ctx.line}: the tags of ${id === undefined ? 'docker/metadata-action' : `steps.${id}.outputs.tags`} are computed by docker/metadata-action at run time (images: ${images.map((i) => i.resolved).join(', ') || 'none'})`,
        );
        return;
      }
      case 'aquasecurity/trivy-action': {
        const scanType = input('scan-type')?.resolved ?? 'image';
        const format = input('format')?.resolved ?? '';
        const exitCode = input('exit-code');
        const gating = exitCode === undefined ? false : exitCode.unknowns.length > 0 ? undefined : Number.parseInt(exitCode.resolved, 10) !== 0;
        if (scanType === 'image') {
          const tarball = input('input');
          const image = tarball === undefined ? input('image-ref') : undefined;
          if (/^(cyclonedx|spdx|spdx-json|github)$/.test(format)) this.security(ctx, 'sbom', 'trivy', image, undefined, path(tarball));
          else this.security(ctx, 'scan', 'trivy', image, gating, path(tarball));
        } else if (scanType === 'config') this.security(ctx, 'dockerfile-lint', 'trivy', undefined, gating, path(input('scan-ref') ?? literal('.')));
        else if (scanType === 'sbom') this.security(ctx, 'scan', 'trivy', undefined, gating, path(input('scan-ref')));
        return;
      }
      case 'anchore/scan-action': {
        const failBuild = get(inputs, 'fail-build');
        const gating = failBuild === undefined ? true : bool(failBuild);
        const image = input('image');
        this.security(ctx, 'scan', 'grype', image, gating, image === undefined ? path(input('path') ?? input('sbom')) : undefined);
        return;
      }
      case 'anchore/sbom-action': {
        const image = input('image');
        this.security(ctx, 'sbom', 'syft', image, undefined, image === undefined ? path(input('path') ?? input('file')) : undefined);
        return;
      }
      case 'actions/attest-build-provenance':
      case 'actions/attest-sbom':
      case 'actions/attest': {
        const name = input('subject-name');
        const digest = input('subject-digest');
        const image = name === undefined ? undefined : digest === undefined ? name : concatValues([name, literal('@'), digest]);
        const predicate = input('predicate-type')?.resolved ?? '';
        const kind: SecurityStepKind =
          action === 'actions/attest-build-provenance' || predicate.startsWith('https://slsa.dev/provenance') ? 'provenance' : 'attest';
        this.security(ctx, kind, 'github-attestations', image, undefined, image === undefined ? path(input('subject-path')) : undefined);
        return;
      }
      case 'docker/scout-action': {
        const commands = (input('command')?.resolved ?? '').split(',').map((c) => c.trim());
        if (!commands.includes('cves')) return;
        const exitCode = get(inputs, 'exit-code');
        this.security(ctx, 'scan', 'docker-scout', input('image'), exitCode === undefined ? false : bool(exitCode));
        return;
      }
      case 'snyk/actions/docker':
        this.security(ctx, 'scan', 'snyk', input('image'), true);
        return;
      case 'hadolint/hadolint-action': {
        const noFail = bool(get(inputs, 'no-fail'));
        const threshold = input('failure-threshold')?.resolved;
        this.security(
          ctx,
          'dockerfile-lint',
          'hadolint',
          undefined,
          noFail === true || threshold === 'none' ? false : true,
          path(input('dockerfile') ?? literal('Dockerfile')),
        );
        return;
      }
      default:
        return;
    }
  }

  /** `docker/build-push-action`: context (the Git context: the repository), file, tags, push. */
  private buildPush(inputs: YNode | undefined, ctx: StepContext): void {
    const tc = this.toolContext(ctx);
    const contextInput = this.input(ctx, inputs, 'context');
    const context = contextInput === undefined ? literal('.') : repoPath(contextInput, tc);
    const fileInput = this.input(ctx, inputs, 'file');
    const dockerfile = fileInput === undefined ? defaultDockerfile(context) : repoPath(fileInput, tc);
    const tagsRaw = text(get(inputs, 'tags')) ?? '';
    const tags = listItems(tagsRaw).flatMap((raw) => this.metadataTags(raw) ?? [resolveValue(raw, ['github'], ctx.scope)]);
    const pushNode = get(inputs, 'push');
    const outputs = this.input(ctx, inputs, 'outputs')?.resolved ?? '';
    let pushes = bool(pushNode) === true || /(^|,)type=registry(,|$)|(^|,)push=true(,|$)/.test(outputs);
    let pushCondition: string | undefined;
    if (pushNode !== undefined && bool(pushNode) === undefined) {
      const value = this.input(ctx, inputs, 'push');
      if (value?.resolved === 'true' || value?.resolved === 'false') pushes = value.resolved === 'true';
      else {
        pushes = true;
        pushCondition = text(pushNode);
      }
    }
    const build: StepDraft = { kind: 'build', line: ctx.line, tool: 'build-push-action', dockerfile, context, tags, pushes };
    if (pushCondition !== undefined) build.pushCondition = pushCondition;
    const platforms = listItems(this.input(ctx, inputs, 'platforms')?.resolved ?? '');
    if (platforms.length > 0) build.platforms = platforms;
    this.add(ctx, build);
    const enabled = (key: string): boolean => {
      const value = this.input(ctx, inputs, key);
      return value !== undefined && value.resolved !== '' && !/^(false|0)$/i.test(value.resolved);
    };
    if (enabled('sbom')) this.security(ctx, 'sbom', 'buildkit', tags[0], undefined);
    if (enabled('provenance')) this.security(ctx, 'provenance', 'buildkit', tags[0], undefined);
  }

  /**
   * `${{ steps.meta.outputs.tags }}` of a `docker/metadata-action` step: one tag per image it was given,
   * the repository exact and the tag a named unknown (metadata-action computes it from the event).
   */
  private metadataTags(raw: string): CiValue[] | undefined {
    const match = /^\$\{\{\s*steps\.([\w-]+)\.outputs\.tags\s*\}\}$/.exec(raw.trim());
    const images = match ? this.metadataImages.get(match[1] ?? '') : undefined;
    if (!match || images === undefined || images.length === 0) return undefined;
    const tag = `steps.${match[1] ?? ''}.outputs.tags`;
    return images.map((image) => ({ raw, resolved: `${image.resolved}:\${${tag}}`, unknowns: unique([...image.unknowns, tag]) }));
  }

  /** Reusable workflows: the SLSA container generator makes provenance. */
  private reusableWorkflow(jobId: string, job: YNode, uses: YNode, scope: Scope): void {
    const workflow = (text(uses) ?? '').toLowerCase();
    if (!workflow.startsWith('slsa-framework/slsa-github-generator/')) return;
    const ctx: StepContext = { scope, line: uses.line, label: jobId, continueOnError: false, cwd: literal('.'), jobId, stepId: undefined };
    const image = this.input(ctx, get(job, 'with'), 'image');
    const digest = this.input(ctx, get(job, 'with'), 'digest');
    const subject = image === undefined ? undefined : digest === undefined ? image : concatValues([image, literal('@'), digest]);
    // every generator and builder workflow of the project produces SLSA provenance
    this.security(ctx, 'provenance', 'slsa-github-generator', subject, undefined);
  }

  /** Words of `args:` of a container action (split like a shell command line). */
  private words(raw: string, ctx: StepContext): CiValue[] {
    const source = this.source(raw, 1, ctx);
    return commandsOf(source).flatMap((c) => c.words.map((w) => wordValue(w, source, ctx.scope)));
  }

  /** A `run:` text with `${{ }}` replaced by markers. */
  private source(raw: string, firstLine: number, ctx: StepContext): ShellSource {
    let body = '';
    const markers: CiValue[] = [];
    for (const segment of segmentsOf(raw, ['github'])) {
      if (segment.kind === 'text') body += segment.text;
      else {
        body += markerText(markers.length);
        markers.push({ raw: segment.ref.raw, ...resolveRef(segment.ref, ['github'], ctx.scope) });
      }
    }
    const lines = body.split('\n').length;
    return { text: body, markers, lineMap: Array.from({ length: lines }, (_, k) => firstLine + k) };
  }

  private run(run: YNode, shell: string | undefined, ctx: StepContext): void {
    const raw = text(run);
    if (raw === undefined) return;
    // GitHub's default is `bash -e {0}`; `shell: bash` adds pipefail
    const session = new ShellSession({
      scope: ctx.scope,
      cwd: ctx.cwd,
      workspaceVars,
      diagnostics: this.builder.diagnostics,
      errexit: true,
      pipefail: shell === 'bash',
    });
    const steps = session.run(this.source(raw, contentLine(run), ctx), { ignoreFailure: ctx.continueOnError === true });
    for (const step of steps) {
      if (step.kind === 'security' && ctx.continueOnError === undefined && step.gating === true) step.gating = undefined;
      this.add(ctx, step);
    }
  }
}

/** A scan's gating given the step's `continue-on-error`. */
function gatingWith(gating: boolean | undefined, ctx: StepContext): boolean | undefined {
  if (gating !== true) return gating;
  if (ctx.continueOnError === true) return false;
  if (ctx.continueOnError === undefined) return undefined;
  return true;
}

/** A list input: one item per line or comma (`tags: |` or `tags: a,b`), expressions kept whole. */
/** The image names of metadata-action's `images` input: one per line, plain or `name=<image>,enable=…` (disabled ones left out). */
export function metadataImageNames(raw: string): string[] {
  const names: string[] = [];
  for (const line of raw
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    if (!line.includes('name=')) {
      pushAll(
        names,
        listItems(line)
          .map((item) => item.trim())
          .filter(Boolean),
      );
      continue;
    }
    const attributes = new Map(listItems(line).map((pair) => [pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1).trim()]));
    const name = attributes.get('name');
    if (name && attributes.get('enable') !== 'false') names.push(name);
  }
  return names;
}

export function listItems(raw: string): string[] {
  const out: string[] = [];
  for (const line of raw.split('\n')) {
    let current = '';
    let depth = 0;
    for (let i = 0; i < line.length; i++) {
      if (line.startsWith('${{', i)) depth++;
      if (line.startsWith('}}', i) && depth > 0) depth--;
      const c = line[i] ?? '';
      if (c === ',' && depth === 0) {
        out.push(current);
        current = '';
      } else current += c;
    }
    out.push(current);
  }
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

/** Reads one workflow file. */
export function parseGithubWorkflow(file: string, text: string, repository: string): Pipeline {
  return new WorkflowReader(file, repository).read(text);
}
