/**
 * Jenkinsfiles, declarative (`pipeline { environment {…} stages { stage('x') { steps {…} } } }`) and
 * scripted (`node { … }`): `sh` scripts through the shell analysis (Groovy interpolation first),
 * and the Docker Pipeline plugin (`docker.build`, `img.push()`, `docker.image('x').push()`,
 * `docker.withRegistry(url, creds) { … }`, whose registry names the images built and pushed inside
 * it as the plugin's `imageName()` does). Variables come from `environment {}` blocks, `def x =`,
 * `env.X =` and `withEnv([...])`; build parameters (`params.X`, also `env.X` and `X`) from their declared
 * defaults, marked `assumed` (a run may set another value); what else a Jenkinsfile reads
 * (`BUILD_NUMBER`, a parameter without a default) is unknown.
 */
import { dockerHub } from '../../image/registry-hosts.js';
import { blockTree, isIdent, isPunct, matchingParen, namedArg, splitArgs, stringText, tokenize, type Block, type Item, type Token } from './brace-lang.js';
import { expressionValue, shellSourceOf, type ExprContext } from './groovy-values.js';
import { bindDeclaredParameters } from './jenkins-parameters.js';
import type { CiValue, Pipeline } from './model.js';
import { ShellSession, wordValue, type ShellSource } from './shell.js';
import { recognizeCommand } from './shell-tools.js';
import { commandsOf } from '../shell/lexer.js';
import { PipelineBuilder, type StepDraft } from './steps.js';
import { repoPath, type ToolContext } from './tool-context.js';
import { assumedField, concatValues, literal, Scope, unique, unknownValue, type Binding } from './values.js';
import { registryHost, withoutTag } from './names.js';

const workspaceVars = ['WORKSPACE'];

interface Context {
  scope: Scope;
  stage: string | undefined;
  cwd: CiValue;
  /**
   * Registry host of the enclosing `docker.withRegistry` (Docker Hub: `docker.io`): the plugin's
   * `DOCKER_REGISTRY_URL`, which qualifies the names of the images built and pushed inside it.
   */
  registry: CiValue | undefined;
  /** Inside `catchError(buildResult: 'SUCCESS')` / `warnError`: failures do not fail the build. */
  ignoreFailure: boolean;
}

/**
 * An image object of the Docker Pipeline plugin: `id` as written (`docker.build(id)`,
 * `docker.image(id)`), `known` the name the pipeline's steps know it by (a build inside
 * `withRegistry` is known by its qualified name; an image the pipeline built, by that build's name).
 */
interface PluginImage {
  id: CiValue;
  known: CiValue;
}

/** Blocks whose bodies say nothing about images. */
const skippedBlocks = new Set(['agent', 'when', 'options', 'parameters', 'triggers', 'tools', 'input', 'libraries', 'properties']);

class JenkinsReader {
  private readonly builder: PipelineBuilder;
  private readonly root = new Scope();
  /** `def img = docker.build('x')` / `docker.image('x')`: variable → image object. */
  private readonly images = new Map<string, PluginImage>();
  /** What each `docker.build` id (resolved) is known as, for `docker.image(id)` of a built image. */
  private readonly built = new Map<string, CiValue>();

  constructor(file: string, repository: string) {
    this.builder = new PipelineBuilder('jenkins', file, repository);
  }

  read(text: string): Pipeline {
    const items = blockTree(tokenize(text, 'groovy'), this.builder.diagnostics);
    // parameters hold for the whole run, wherever they are declared
    bindDeclaredParameters(items, this.root, this.builder.diagnostics);
    this.walk(items, { scope: this.root, stage: undefined, cwd: literal('.'), registry: undefined, ignoreFailure: false });
    return this.builder.build(undefined);
  }

  private expr(ctx: Context): ExprContext {
    return { scope: ctx.scope, syntax: 'groovy', textSyntaxes: [] };
  }

  private walk(items: readonly Item[], ctx: Context): void {
    for (const item of items) {
      if (item.kind === 'statement') this.statement(item.tokens, ctx);
      else this.block(item.block, ctx);
    }
  }

  private block(block: Block, outer: Context): void {
    const head = block.head;
    const name = head[0]?.kind === 'ident' ? head[0].text : undefined;
    if (name !== undefined && skippedBlocks.has(name)) return;
    if (name === 'environment' && head.length === 1) {
      for (const item of block.body) if (item.kind === 'statement') this.assign(item.tokens, outer, 'env-block');
      return;
    }
    const ctx: Context = { ...outer, scope: outer.scope.child() };
    const args = head[1]?.kind === 'punct' && head[1].text === '(' ? splitArgs(head.slice(2, matchingParen(head, 1))) : [];
    if (name === 'stage') {
      const first = args[0];
      const label = first === undefined ? undefined : (namedArg(args, 'name') ?? first);
      ctx.stage = label === undefined ? ctx.stage : (expressionValue(label, this.expr(outer))?.resolved ?? ctx.stage);
    } else if (head[0]?.kind === 'string' && isPunct(head[1], ':')) {
      // parallel branches: 'name': { … }
      ctx.stage = stringText(head[0]) ?? ctx.stage;
    } else if (name === 'dir' && args[0] !== undefined) {
      const dir = expressionValue(args[0], this.expr(outer));
      if (dir !== undefined) ctx.cwd = repoPath(dir, this.toolContext(ctx, block.line));
    } else if (name === 'withEnv' && args[0] !== undefined) {
      this.withEnv(args[0], ctx);
    } else if (name === 'withCredentials') {
      // the variables a credential binding sets are secrets: never in the file
      for (const token of head) {
        const text = stringText(token);
        const index = head.indexOf(token);
        const key = head[index - 2];
        if (text !== undefined && key?.kind === 'ident' && /[vV]ariable$/.test(key.text) && isPunct(head[index - 1], ':'))
          ctx.scope.set(text, { kind: 'unknown' });
      }
    } else if (name === 'catchError' || name === 'warnError') {
      const result = args.length > 0 ? namedArg(args, 'buildResult') : undefined;
      const value = result === undefined ? undefined : stringText(result[0]);
      if (name === 'warnError' || value === 'SUCCESS' || value === 'UNSTABLE' || (result !== undefined && isIdent(result[0], 'null'))) ctx.ignoreFailure = true;
    } else if (name === 'withDockerRegistry' || name === 'withRegistry') {
      // a login only: image names inside are used as written (the step sets no DOCKER_REGISTRY_URL)
      this.registryBlock(args, ctx, block.line, 'url');
    } else if (isIdent(head[0], 'docker') && isPunct(head[1], '.') && isIdent(head[2], 'withRegistry')) {
      const open = 3;
      ctx.registry = this.registryBlock(splitArgs(head.slice(open + 1, matchingParen(head, open))), ctx, block.line, 0);
    } else if (head.length > 0) {
      // `docker.image('x').inside { … }`, `docker.build(…).inside { … }`
      this.statement(head, outer);
    }
    this.walk(block.body, ctx);
  }

  /** `docker.withRegistry(url, creds)` / `withDockerRegistry(url: …)`: a login; the registry's host. */
  private registryBlock(args: Token[][], ctx: Context, line: number, urlArg: number | 'url'): CiValue {
    let urlTokens = urlArg === 'url' ? namedArg(args, 'url') : args[urlArg];
    if (urlTokens === undefined && urlArg === 'url' && args[0]?.[0]?.kind === 'punct') {
      // withDockerRegistry([credentialsId: 'x', url: 'y'])
      const inner = args[0];
      urlTokens = namedArg(splitArgs(inner.slice(1, matchingParen(inner, 0))), 'url');
    }
    const url = urlTokens === undefined ? literal('') : (expressionValue(urlTokens, this.expr(ctx)) ?? unknownValue('registry-url'));
    const registry = registryHost(url);
    this.builder.add({ kind: 'login', line, registry }, ctx.stage);
    return registry;
  }

  private withEnv(tokens: Token[], ctx: Context): void {
    for (const arg of splitArgs(tokens.slice(1, matchingParen(tokens, 0)))) {
      const value = expressionValue(arg, this.expr(ctx));
      if (value === undefined) continue;
      const eq = value.resolved.indexOf('=');
      if (eq <= 0) continue;
      ctx.scope.set(value.resolved.slice(0, eq), { kind: 'value', resolved: value.resolved.slice(eq + 1), unknowns: value.unknowns, ...assumedField(value) });
    }
  }

  private toolContext(ctx: Context, line: number): ToolContext {
    return { line, cwd: ctx.cwd, workspaceVars, diagnostics: this.builder.diagnostics, stdin: undefined, depth: 0 };
  }

  /** `X = …`, `def X = …`, `env.X = …`; in `environment {}` blocks, environment variables. */
  private assign(tokens: readonly Token[], ctx: Context, where: 'env-block' | 'code'): boolean {
    let k = 0;
    if (isIdent(tokens[0], 'def') || (tokens[0]?.kind === 'ident' && tokens[1]?.kind === 'ident' && isPunct(tokens[2], '='))) k = 1;
    let env = where === 'env-block';
    if (isIdent(tokens[k], 'env') && isPunct(tokens[k + 1], '.')) {
      env = true;
      k += 2;
    }
    const nameToken = tokens[k];
    if (nameToken?.kind !== 'ident' || !isPunct(tokens[k + 1], '=')) return false;
    const rhs = tokens.slice(k + 2);
    const value = expressionValue(rhs, this.expr(ctx));
    const binding: Binding =
      value === undefined ? { kind: 'unknown' } : { kind: 'value', resolved: value.resolved, unknowns: value.unknowns, ...assumedField(value) };
    // `def` is local to its block; a bare assignment or `env.X` is global from here on
    const scope = env && where === 'env-block' ? ctx.scope : k > 0 && isIdent(tokens[0], 'def') ? ctx.scope : this.root;
    scope.set(nameToken.text, binding, env ? 'env' : 'lang');
    return true;
  }

  private statement(tokens: readonly Token[], ctx: Context): void {
    let handled = false;
    for (let k = 0; k < tokens.length; k++) {
      const token = tokens[k];
      if (token?.kind !== 'ident') continue;
      const previous = tokens[k - 1];
      const afterDot = isPunct(previous, '.');
      if (token.text === 'sh' && !afterDot && this.shellCall(tokens, k, ctx)) {
        handled = true;
        break;
      }
      if (token.text === 'docker' && isPunct(tokens[k + 1], '.') && !afterDot) {
        const method = tokens[k + 2];
        const open = k + 3;
        if (!isPunct(tokens[open], '(')) continue;
        const close = matchingParen(tokens, open);
        if (close < 0) continue;
        const args = splitArgs(tokens.slice(open + 1, close));
        if (isIdent(method, 'build')) {
          const image = this.dockerBuild(args, ctx, token.line);
          this.bindImage(tokens, k, image);
          this.chainedPush(tokens, close, image, ctx);
          handled = true;
        } else if (isIdent(method, 'image')) {
          const id = args[0] === undefined ? undefined : (expressionValue(args[0], this.expr(ctx)) ?? unknownValue(args[0].map(tokenText).join('')));
          if (id !== undefined) {
            const image = { id, known: this.built.get(id.resolved) ?? id };
            this.bindImage(tokens, k, image);
            this.chainedPush(tokens, close, image, ctx);
          }
          handled = true;
        }
        k = close;
        continue;
      }
      // img.push() on a variable bound to an image
      const image = this.images.get(token.text);
      if (image !== undefined && !afterDot && isPunct(tokens[k + 1], '.')) {
        this.chainedPush(tokens, k, image, ctx);
        handled = true;
      }
    }
    if (!handled || isIdent(tokens[0], 'def') || isPunct(tokens[1], '=')) this.assign(tokens, ctx, 'code');
  }

  /** `def img = docker.build(…)`: remembers which image the variable holds. */
  private bindImage(tokens: readonly Token[], dockerIndex: number, image: PluginImage): void {
    const eq = tokens[dockerIndex - 1];
    const variable = tokens[dockerIndex - 2];
    if (isPunct(eq, '=') && variable?.kind === 'ident') this.images.set(variable.text, image);
  }

  /** `….push()` / `….push('tag')` right after index `at` (the closing paren or the variable). */
  private chainedPush(tokens: readonly Token[], at: number, image: PluginImage, ctx: Context): void {
    let k = at + 1;
    while (isPunct(tokens[k], '.') && tokens[k + 1]?.kind === 'ident') {
      const method = tokens[k + 1] as Extract<Token, { kind: 'ident' }>;
      const open = k + 2;
      if (!isPunct(tokens[open], '(')) return;
      const close = matchingParen(tokens, open);
      if (close < 0) return;
      if (method.text === 'push') {
        const args = splitArgs(tokens.slice(open + 1, close));
        const tag = args[0] === undefined ? undefined : expressionValue(args[0], this.expr(ctx));
        this.push(image, tag, ctx, method.line);
      }
      k = close + 1;
    }
  }

  /**
   * `img.push([tag])`: the plugin runs `docker tag <id> <qualified name:tag>` and pushes that name.
   * Pushing the name the image is known by is a push; any other name is a retag that pushes.
   */
  private push(image: PluginImage, tag: CiValue | undefined, ctx: Context, line: number): void {
    const name = tag === undefined ? image.id : concatValues([withoutTag(image.id), literal(':'), tag]);
    const target = this.qualify(name, ctx, line);
    if (target.resolved === image.known.resolved) this.builder.add({ kind: 'push', line, tool: 'docker-pipeline', image: target }, ctx.stage);
    else this.builder.add({ kind: 'tag', line, from: image.known, to: target, pushes: true }, ctx.stage);
  }

  /**
   * The plugin's `imageName()` inside `docker.withRegistry(url)`: the name prefixed with the URL's
   * host[:port] unless it already starts with it (Docker Hub's names need no prefix).
   */
  private qualify(name: CiValue, ctx: Context, line: number): CiValue {
    const registry = ctx.registry;
    if (registry === undefined || registry.resolved === dockerHub || name.resolved.startsWith(registry.resolved)) return name;
    if (name.resolved.startsWith('$') && registry.unknowns.length === 0) {
      this.builder.diagnostics.push(
        `line ${line}: ${name.raw} inside withRegistry(${registry.raw}): whether the name already starts with ${registry.resolved} is unknown; recorded as written`,
      );
      return name;
    }
    return {
      raw: name.raw,
      resolved: `${registry.resolved}/${name.resolved}`,
      unknowns: unique([...registry.unknowns, ...name.unknowns]),
      ...assumedField(registry, name),
    };
  }

  /**
   * `docker.build(name[, args])`: `docker build -t name args` (the context is the last of args).
   * Inside `docker.withRegistry` the image is known by its name in that registry, as `push` names it.
   */
  private dockerBuild(args: Token[][], ctx: Context, line: number): PluginImage {
    const nameTokens = args[0] ?? [];
    const id = expressionValue(nameTokens, this.expr(ctx)) ?? unknownValue(nameTokens.map(tokenText).join(''));
    const name = this.qualify(id, ctx, line);
    let extra: CiValue[] = [literal('.')];
    if (args[1] !== undefined) {
      const source = shellSourceOf(args[1], this.expr(ctx));
      if (source === undefined) this.builder.diagnostics.push(`line ${line}: docker.build arguments are not a string the file settles`);
      else extra = this.words(source, ctx);
    }
    const steps = recognizeCommand([literal('docker'), literal('build'), literal('-t'), name, ...extra], this.toolContext(ctx, line));
    for (const step of steps) {
      if (step.kind === 'build') step.tool = 'docker-pipeline';
      this.builder.add(step, ctx.stage);
    }
    this.built.set(id.resolved, name);
    return { id, known: name };
  }

  private words(source: ShellSource, ctx: Context): CiValue[] {
    return commandsOf(source).flatMap((c) => c.words.map((w) => wordValue(w, source, ctx.scope)));
  }

  /** `sh '…'`, `sh "…"`, `sh(script: '…', returnStdout: true)`, `sh label: 'x', script: '…'`. */
  private shellCall(tokens: readonly Token[], k: number, ctx: Context): boolean {
    let argTokens: Token[];
    if (isPunct(tokens[k + 1], '(')) {
      const close = matchingParen(tokens, k + 1);
      argTokens = tokens.slice(k + 2, close < 0 ? tokens.length : close);
    } else argTokens = tokens.slice(k + 1);
    if (argTokens.length === 0) return false;
    const args = splitArgs(argTokens);
    const script = namedArg(args, 'script') ?? args.find((a) => !(a[0]?.kind === 'ident' && isPunct(a[1], ':')));
    if (script === undefined) return false;
    const source = shellSourceOf(script, this.expr(ctx));
    const line = tokens[k]?.line ?? 1;
    if (source === undefined) {
      this.builder.diagnostics.push(`line ${line}: sh script is not a string the file settles`);
      return true;
    }
    const session = new ShellSession({ scope: ctx.scope, cwd: ctx.cwd, workspaceVars, diagnostics: this.builder.diagnostics, errexit: true, pipefail: false });
    const steps: StepDraft[] = session.run(source, { ignoreFailure: ctx.ignoreFailure });
    this.builder.addAll(steps, ctx.stage);
    return true;
  }
}

function tokenText(token: Token): string {
  switch (token.kind) {
    case 'string':
      return token.source;
    case 'newline':
      return ' ';
    default:
      return token.text;
  }
}

/** Reads one Jenkinsfile. */
export function parseJenkinsfile(file: string, text: string, repository: string): Pipeline {
  return new JenkinsReader(file, repository).read(text);
}
