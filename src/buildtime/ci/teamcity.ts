/**
 * TeamCity Kotlin DSL (`.teamcity/settings.kts` and other `.kts` files): one Pipeline per
 * BuildType (`object Build : BuildType({ … })` or `buildType { id("Build") … }`). Steps read:
 * `dockerCommand` (build / push / other), `script { scriptContent = … }` through the shell
 * analysis (TeamCity runs scripts without `set -e`), `exec`. The `dockerSupport` feature logs in
 * before the first step, to the registry of a project `dockerRegistry` connection when the file
 * has it, else to an unknown `${<connection id>}`. Parameters: `params { param("env.X", "…") }`
 * at project and build level; `%name%` references; Kotlin `val`s and templates.
 */
import { blockTree, isIdent, isPunct, matchingParen, splitArgs, stringText, tokenize, type Block, type Item, type Token } from './brace-lang.js';
import { expressionValue, shellSourceOf, type ExprContext } from './groovy-values.js';
import type { CiValue, Pipeline } from './model.js';
import { ShellSession, wordValue } from './shell.js';
import { recognizeCommand } from './shell-tools.js';
import { commandsOf } from '../shell/lexer.js';
import { PipelineBuilder, type StepDraft } from './steps.js';
import { repoPath, type ToolContext } from './tool-context.js';
import { literal, resolveValue, Scope } from './values.js';
import { normalizePath, registryHost } from './names.js';
import { pushAll } from '../../core/collections.js';

const workspaceVars = ['teamcity.build.checkoutDir', 'system.teamcity.build.checkoutDir'];

export interface TeamcityOptions {
  /** Docker registry connections (id → URL) defined in other files of the same `.teamcity` directory. */
  registryConnections?: ReadonlyMap<string, CiValue>;
}

interface BuildTypeSource {
  suffix: string;
  block: Block;
}

/** Assignments (`name = …`) directly in a block body. */
function properties(body: readonly Item[]): Map<string, Token[]> {
  const props = new Map<string, Token[]>();
  for (const item of body) {
    if (item.kind !== 'statement') continue;
    const [name, eq, ...value] = item.tokens;
    if (name?.kind === 'ident' && isPunct(eq, '=')) props.set(name.text, value);
  }
  return props;
}

/** Calls (`param("a", "b")`) directly in a block body: name → argument lists. */
function calls(body: readonly Item[], name: string): { args: Token[][]; line: number }[] {
  const found: { args: Token[][]; line: number }[] = [];
  for (const item of body) {
    if (item.kind !== 'statement') continue;
    const [callee, open] = item.tokens;
    if (!isIdent(callee, name) || !isPunct(open, '(')) continue;
    found.push({ args: splitArgs(item.tokens.slice(2, matchingParen(item.tokens, 1))), line: item.line });
  }
  return found;
}

/** Child blocks whose head starts with `name` (`steps`, `dockerCommand`) or is `name = kind` (`commandType = build`). */
function blocks(body: readonly Item[], name: string): Block[] {
  return body.flatMap((item) => (item.kind === 'block' && isIdent(item.block.head[0], name) ? [item.block] : []));
}

/** The kind of `prop = kind { … }` (`commandType = build` → `build`). */
function assignedKind(block: Block): string | undefined {
  const kind = block.head[2];
  return isPunct(block.head[1], '=') && kind?.kind === 'ident' ? kind.text : undefined;
}

class TeamcityReader {
  private readonly root = new Scope();
  readonly connections = new Map<string, CiValue>();
  private readonly diagnostics: string[] = [];

  constructor(
    private readonly file: string,
    private readonly repository: string,
    options: TeamcityOptions,
  ) {
    for (const [id, url] of options.registryConnections ?? []) this.connections.set(id, url);
  }

  private expr(scope: Scope): ExprContext {
    return { scope, syntax: 'kotlin', textSyntaxes: ['teamcity'] };
  }

  read(text: string): Pipeline[] {
    const items = blockTree(tokenize(text, 'kotlin'), this.diagnostics);
    const buildTypes: BuildTypeSource[] = [];
    this.collect(items, buildTypes, false);
    return buildTypes.map((bt) => this.buildType(bt));
  }

  /** First pass: `val`s, project parameters, registry connections, and where the BuildTypes are. */
  private collect(items: readonly Item[], buildTypes: BuildTypeSource[], inBuildType: boolean): void {
    for (const item of items) {
      if (item.kind === 'statement') {
        const [kw, name, eq] = item.tokens;
        if (!inBuildType && (isIdent(kw, 'val') || isIdent(kw, 'var')) && name?.kind === 'ident' && isPunct(eq, '=')) {
          const value = expressionValue(item.tokens.slice(3), this.expr(this.root));
          this.root.set(name.text, value === undefined ? { kind: 'unknown' } : { kind: 'value', resolved: value.resolved, unknowns: value.unknowns }, 'lang');
        }
        continue;
      }
      const { head, body } = item.block;
      const objectName = (isIdent(head[0], 'object') || isIdent(head[0], 'class')) && head[1]?.kind === 'ident' ? head[1].text : undefined;
      if (objectName !== undefined && head.some((t) => isIdent(t, 'BuildType'))) {
        buildTypes.push({ suffix: objectName, block: item.block });
        this.collect(body, buildTypes, true);
        continue;
      }
      if (isIdent(head[0], 'buildType') && head.length === 1) {
        const id = calls(body, 'id')[0]?.args[0] ?? properties(body).get('id');
        const name = properties(body).get('name');
        const suffix = stringText(id?.[0]) ?? stringText(name?.[0]) ?? `buildType@${item.block.line}`;
        buildTypes.push({ suffix, block: item.block });
        this.collect(body, buildTypes, true);
        continue;
      }
      if (!inBuildType && isIdent(head[0], 'params') && head.length === 1) this.params(body, this.root);
      if (isIdent(head[0], 'dockerRegistry') && head.length === 1) {
        const props = properties(body);
        this.connection(props.get('id'), props.get('url'));
      }
      if (isIdent(head[0], 'feature') && head.length === 1) {
        const props = properties(body);
        const params = new Map(calls(body, 'param').map((c) => [stringText(c.args[0]?.[0]) ?? '', c.args[1] ?? []]));
        const type = stringText(props.get('type')?.[0]);
        if (type === 'OAuthProvider' && stringText(params.get('providerType')?.[0]) === 'Docker') this.connection(props.get('id'), params.get('repositoryUrl'));
      }
      this.collect(body, buildTypes, inBuildType);
    }
  }

  private connection(idTokens: Token[] | undefined, urlTokens: Token[] | undefined): void {
    const id = stringText(idTokens?.[0]);
    const url = urlTokens === undefined ? undefined : expressionValue(urlTokens, this.expr(this.root));
    if (id !== undefined && url !== undefined) this.connections.set(id, registryHost(url));
  }

  /** `param("env.X", "v")`, `text("x", "v", …)`, `password(…)` (a secret: unknown). */
  private params(body: readonly Item[], scope: Scope): void {
    for (const kind of ['param', 'text', 'password', 'select', 'checkbox']) {
      for (const call of calls(body, kind)) {
        const name = stringText(call.args[0]?.[0]);
        if (name === undefined) continue;
        const [namespace, key] = name.startsWith('env.') ? (['env', name.slice(4)] as const) : (['param', name] as const);
        const valueToken = call.args[1]?.[0];
        if (kind === 'password' || valueToken?.kind !== 'string') {
          scope.set(key, { kind: 'unknown' }, namespace);
          continue;
        }
        // parameter values may refer to other parameters; TeamCity resolves them in the build
        const raw = valueToken.source;
        scope.set(key, { kind: 'lazy', raw: kotlinText(raw), syntaxes: ['teamcity'], scope, dynamic: true }, namespace);
      }
    }
  }

  private buildType(source: BuildTypeSource): Pipeline {
    const builder = new PipelineBuilder('teamcity', this.file, this.repository);
    pushAll(builder.diagnostics, this.diagnostics);
    const scope = this.root.child();
    const body = source.block.body;
    for (const params of blocks(body, 'params')) this.params(params.body, scope);
    const nameTokens = properties(body).get('name');
    const name = nameTokens === undefined ? undefined : expressionValue(nameTokens, this.expr(scope))?.resolved;
    // build features act before the first step
    for (const features of blocks(body, 'features')) {
      for (const support of blocks(features.body, 'dockerSupport')) {
        for (const login of support.body) {
          if (login.kind !== 'block' || !isIdent(login.block.head[0], 'loginToRegistry') || assignedKind(login.block) !== 'on') continue;
          const ids = stringText(properties(login.block.body).get('dockerRegistryId')?.[0]) ?? '';
          for (const id of ids
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)) {
            const registry = this.connections.get(id) ?? { raw: id, resolved: `\${${id}}`, unknowns: [id] };
            builder.add({ kind: 'login', line: login.block.line, registry }, 'dockerSupport');
          }
        }
      }
    }
    for (const steps of blocks(body, 'steps')) {
      for (const item of steps.body) {
        if (item.kind === 'block') this.step(item.block, scope, builder);
      }
    }
    return builder.build(name, source.suffix);
  }

  private toolContext(line: number, cwd: CiValue, builder: PipelineBuilder): ToolContext {
    return { line, cwd, workspaceVars, diagnostics: builder.diagnostics, stdin: undefined, depth: 0 };
  }

  private value(tokens: Token[] | undefined, scope: Scope): CiValue | undefined {
    return tokens === undefined ? undefined : expressionValue(tokens, this.expr(scope));
  }

  /** Shell words of a string property (`commandArgs`, `arguments`). */
  private words(tokens: Token[] | undefined, scope: Scope): CiValue[] {
    if (tokens === undefined) return [];
    const source = shellSourceOf(tokens, this.expr(scope));
    if (source === undefined) return [];
    return commandsOf(source).flatMap((c) => c.words.map((w) => wordValue(w, source, scope)));
  }

  private step(block: Block, scope: Scope, builder: PipelineBuilder): void {
    const props = properties(block.body);
    const label = stringText(props.get('name')?.[0]) ?? (block.head[0]?.kind === 'ident' ? block.head[0].text : undefined);
    const workingDir = this.value(props.get('workingDir'), scope);
    const cwd = workingDir === undefined ? literal('.') : repoPath(workingDir, this.toolContext(block.line, literal('.'), builder));
    const tc = this.toolContext(block.line, cwd, builder);
    const kind = block.head[0]?.kind === 'ident' ? block.head[0].text : '';
    if (kind === 'script') {
      const content = props.get('scriptContent');
      const source = content === undefined ? undefined : shellSourceOf(content, this.expr(scope));
      if (source === undefined) {
        if (content !== undefined) builder.diagnostics.push(`line ${block.line}: scriptContent is not a string the file settles`);
        return;
      }
      const session = new ShellSession({ scope, cwd, workspaceVars, diagnostics: builder.diagnostics, errexit: false, pipefail: false });
      builder.addAll(session.run(source), label);
      return;
    }
    if (kind === 'exec') {
      const path = this.value(props.get('path'), scope);
      if (path !== undefined) builder.addAll(recognizeCommand([path, ...this.words(props.get('arguments'), scope)], tc), label);
      return;
    }
    if (kind !== 'dockerCommand') return;
    const commandType = block.body.find((i): i is Extract<Item, { kind: 'block' }> => i.kind === 'block' && isIdent(i.block.head[0], 'commandType'))?.block;
    if (commandType === undefined) return;
    const command = properties(commandType.body);
    const tags = this.lines(command.get('namesAndTags'), scope);
    const type = assignedKind(commandType);
    if (type === 'build') builder.add(this.dockerBuild(commandType, command, tags, scope, tc), label);
    else if (type === 'push') for (const image of tags) builder.add({ kind: 'push', line: block.line, tool: 'teamcity-docker', image }, label);
    else if (type === 'other') {
      const sub = this.value(command.get('subCommand'), scope);
      if (sub !== undefined) builder.addAll(recognizeCommand([literal('docker'), sub, ...this.words(command.get('commandArgs'), scope)], tc), label);
    }
  }

  private dockerBuild(commandType: Block, command: Map<string, Token[]>, tags: CiValue[], scope: Scope, tc: ToolContext): StepDraft {
    const sourceBlock = blocks(commandType.body, 'source')[0];
    let dockerfile: CiValue = literal('Dockerfile');
    if (sourceBlock !== undefined) {
      const sourceKind = assignedKind(sourceBlock);
      const path = this.value(properties(sourceBlock.body).get('path'), scope);
      if ((sourceKind === 'file' || sourceKind === 'path') && path !== undefined) dockerfile = repoPath(path, tc);
      else if (sourceKind === 'content') {
        dockerfile = literal('(Dockerfile content in the build step)');
        tc.diagnostics.push(`line ${tc.line}: the Dockerfile is written in the build step, not a file`);
      }
    }
    const contextDir = this.value(command.get('contextDir'), scope);
    // a blank context is the folder holding the Dockerfile
    const context =
      contextDir !== undefined && contextDir.resolved !== ''
        ? repoPath(contextDir, tc)
        : {
            raw: '',
            resolved: normalizePath(dockerfile.resolved.includes('/') ? dockerfile.resolved.slice(0, dockerfile.resolved.lastIndexOf('/')) : '.'),
            unknowns: dockerfile.unknowns,
          };
    const args = this.words(command.get('commandArgs'), scope);
    const pushes = args.some((a) => a.resolved === '--push');
    return { kind: 'build', line: tc.line, tool: 'teamcity-docker', dockerfile, context, tags, pushes };
  }

  /** `namesAndTags`: one image per line (or comma). */
  private lines(tokens: Token[] | undefined, scope: Scope): CiValue[] {
    const string = tokens?.find((t): t is Extract<Token, { kind: 'string' }> => t.kind === 'string');
    if (tokens === undefined) return [];
    if (string === undefined || tokens.filter((t) => t.kind === 'string').length > 1) {
      const value = this.value(tokens, scope);
      return value === undefined ? [] : [value];
    }
    return string.source
      .split(/[\n,]/)
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .map((raw) => resolveValue(kotlinText(raw), ['kotlin', 'teamcity'], scope));
  }
}

/** A Kotlin string's source with `${'$'}` turned into `$` (what TeamCity receives). */
function kotlinText(source: string): string {
  return source.split("${'$'}").join('$');
}

/** Reads one TeamCity Kotlin DSL file: a Pipeline per BuildType. */
export function parseTeamcity(file: string, text: string, repository: string, options: TeamcityOptions = {}): Pipeline[] {
  return new TeamcityReader(file, repository, options).read(text);
}

/** Docker registry connections (`dockerRegistry { id; url }`, OAuthProvider features) a file defines. */
export function teamcityRegistryConnections(text: string): Map<string, CiValue> {
  const reader = new TeamcityReader('', '.', {});
  reader.read(text);
  return reader.connections;
}
