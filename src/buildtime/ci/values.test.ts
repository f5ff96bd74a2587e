import { describe, expect, it } from 'vitest';
import { concatValues, literal, resolveValue, Scope, type Binding } from './values.js';
import { joinPaths, normalizePath, registryHost, stripWorkspace, withoutTag } from './names.js';

describe('variable references', () => {
  it('resolves GitHub expressions: env from the scope, other contexts unknown and named', () => {
    const scope = new Scope();
    scope.set('REGISTRY', { kind: 'lazy', raw: 'ghcr.io', syntaxes: ['github'], scope });
    expect(resolveValue('${{ env.REGISTRY }}/${{github.repository}}:${{ github.sha }}-${{ secrets.X }}', ['github'], scope)).toEqual({
      raw: '${{ env.REGISTRY }}/${{github.repository}}:${{ github.sha }}-${{ secrets.X }}',
      resolved: 'ghcr.io/${github.repository}:${github.sha}-${secrets.X}',
      unknowns: ['github.repository', 'github.sha', 'secrets.X'],
    });
  });

  it('resolves Groovy interpolation: env.X, bare names (language variables first), params and expressions unknown', () => {
    const scope = new Scope();
    scope.set('IMAGE', { kind: 'value', resolved: 'r.io/app', unknowns: [] });
    scope.set('IMAGE', { kind: 'value', resolved: 'local/app', unknowns: [] }, 'lang');
    expect(resolveValue('${env.IMAGE}|$IMAGE|${params.TAG}|${BUILD_NUMBER.take(3)}', ['groovy'], scope).resolved).toBe(
      'r.io/app|local/app|${params.TAG}|${BUILD_NUMBER.take(3)}',
    );
  });

  it('resolves TeamCity %params% (env. ones are environment variables) and %% escapes', () => {
    const scope = new Scope();
    scope.set('IMAGE', { kind: 'lazy', raw: '%registry%/app', syntaxes: ['teamcity'], scope }, 'env');
    scope.set('registry', { kind: 'lazy', raw: 'r.io', syntaxes: ['teamcity'], scope }, 'param');
    expect(resolveValue('%env.IMAGE%:%build.number% 100%%', ['teamcity'], scope)).toEqual({
      raw: '%env.IMAGE%:%build.number% 100%%',
      resolved: 'r.io/app:${build.number} 100%',
      unknowns: ['build.number'],
    });
  });

  it('applies shell defaults only when the file settles the variable', () => {
    const scope = new Scope();
    scope.set('EMPTY', { kind: 'value', resolved: '', unknowns: [] });
    scope.set('SET', { kind: 'value', resolved: 'v', unknowns: [] });
    scope.set('RUNTIME', { kind: 'unknown' });
    expect(resolveValue('${EMPTY:-a} ${EMPTY-b} ${SET:-c} ${UNSET:-d} ${RUNTIME:-e} ${UNSET:=f}', ['shell'], scope)).toEqual({
      raw: '${EMPTY:-a} ${EMPTY-b} ${SET:-c} ${UNSET:-d} ${RUNTIME:-e} ${UNSET:=f}',
      resolved: 'a  v ${UNSET:-d} ${RUNTIME:-e} ${UNSET:=f}',
      unknowns: ['UNSET', 'RUNTIME'],
    });
  });

  it('carries assumed defaults through bindings, nested references, concatenation and shell fallbacks', () => {
    const scope = new Scope();
    const version: Binding = { kind: 'value', resolved: '1.0', unknowns: [], assumed: ['params.VERSION'] };
    scope.set('VERSION', version, 'param');
    scope.set('VERSION', version);
    scope.set('EMPTY', { kind: 'value', resolved: '', unknowns: [], assumed: ['params.EMPTY'] });
    scope.set('IMAGE', { kind: 'lazy', raw: 'r.io/app:${VERSION}', syntaxes: ['shell'], scope });
    scope.set('PLAIN', { kind: 'value', resolved: 'x', unknowns: [] });
    expect(resolveValue('${params.VERSION}-$VERSION', ['groovy'], scope)).toEqual({
      raw: '${params.VERSION}-$VERSION',
      resolved: '1.0-1.0',
      unknowns: [],
      assumed: ['params.VERSION'],
    });
    expect(resolveValue('$IMAGE-${BUILD}', ['shell'], scope)).toEqual({
      raw: '$IMAGE-${BUILD}',
      resolved: 'r.io/app:1.0-${BUILD}',
      unknowns: ['BUILD'],
      assumed: ['params.VERSION'],
    });
    // the fallback is used because the assumed value is empty: the result rests on it
    expect(resolveValue('${EMPTY:-dev}', ['shell'], scope)).toEqual({ raw: '${EMPTY:-dev}', resolved: 'dev', unknowns: [], assumed: ['params.EMPTY'] });
    expect(resolveValue('${UNSET:-$VERSION}', ['shell'], scope)).toEqual({
      raw: '${UNSET:-$VERSION}',
      resolved: '${UNSET:-1.0}',
      unknowns: ['UNSET'],
      assumed: ['params.VERSION'],
    });
    // nothing assumed: no field at all
    expect(resolveValue('$PLAIN', ['shell'], scope)).toEqual({ raw: '$PLAIN', resolved: 'x', unknowns: [] });
    expect(concatValues([literal('a:'), resolveValue('$VERSION', ['shell'], scope), resolveValue('$EMPTY', ['shell'], scope)]).assumed).toEqual([
      'params.VERSION',
      'params.EMPTY',
    ]);
    expect('assumed' in concatValues([literal('a'), literal('b')])).toBe(false);
    // an undeclared parameter stays unknown, named as written
    expect(resolveValue('${params.OTHER}', ['groovy'], scope)).toEqual({ raw: '${params.OTHER}', resolved: '${params.OTHER}', unknowns: ['params.OTHER'] });
  });

  it('turns a reference cycle into an unknown instead of looping', () => {
    const scope = new Scope();
    scope.set('A', { kind: 'lazy', raw: '${B}x', syntaxes: ['shell'], scope });
    scope.set('B', { kind: 'lazy', raw: '${A}y', syntaxes: ['shell'], scope });
    expect(resolveValue('$A', ['shell'], scope)).toEqual({ raw: '$A', resolved: '${A}yx', unknowns: ['A'] });
  });

  it('keeps GitLab $$ as a literal dollar and Kotlin templates it does not know as text', () => {
    const scope = new Scope();
    scope.set('v', { kind: 'value', resolved: 'r.io', unknowns: [] }, 'lang');
    expect(resolveValue('$$HOME', ['gitlab'], scope).resolved).toBe('$HOME');
    expect(resolveValue("$v/${v}/${'$'}X/$other", ['kotlin'], scope)).toEqual({ raw: "$v/${v}/${'$'}X/$other", resolved: 'r.io/r.io/$X/$other', unknowns: [] });
  });
});

describe('paths and image names', () => {
  it('normalises and joins paths', () => {
    expect(normalizePath('./a//b/../c/')).toBe('a/c');
    expect(normalizePath('')).toBe('.');
    expect(joinPaths(literal('svc'), literal('../Dockerfile')).resolved).toBe('Dockerfile');
    expect(joinPaths(literal('svc'), literal('/abs/x')).resolved).toBe('/abs/x');
    expect(joinPaths(literal('svc'), literal('https://github.com/a/b.git#main')).resolved).toBe('https://github.com/a/b.git#main');
  });

  it('reads workspace variables as the repository root', () => {
    const value = { raw: '$CI_PROJECT_DIR/app/Dockerfile', resolved: '${CI_PROJECT_DIR}/app/Dockerfile', unknowns: ['CI_PROJECT_DIR'] };
    expect(stripWorkspace(value, ['CI_PROJECT_DIR'])).toEqual({ raw: '$CI_PROJECT_DIR/app/Dockerfile', resolved: 'app/Dockerfile', unknowns: [] });
    expect(stripWorkspace(value, ['GITHUB_WORKSPACE'])).toBe(value);
  });

  it('normalises registry hosts and tells names with a host from names without', () => {
    expect(registryHost(literal('https://registry.example.com:5000/v2/')).resolved).toBe('registry.example.com:5000');
    expect(registryHost(literal('registry-1.docker.io')).resolved).toBe('docker.io');
    expect(registryHost(literal('')).resolved).toBe('docker.io');
    expect(withoutTag(literal('r.io:5000/web:1.2@sha256:abc')).resolved).toBe('r.io:5000/web');
    expect(withoutTag({ raw: 'a:$T', resolved: 'a:${T}', unknowns: ['T'] })).toEqual({ raw: 'a', resolved: 'a', unknowns: [] });
    // the tag alone rested on the default: the repository does not; a variable repository keeps it
    expect(withoutTag({ raw: 'r.io/a:${params.V}', resolved: 'r.io/a:1', unknowns: [], assumed: ['params.V'] })).toEqual({
      raw: 'r.io/a',
      resolved: 'r.io/a',
      unknowns: [],
    });
    expect(withoutTag({ raw: '${IMAGE}:2', resolved: 'r.io/a:2', unknowns: [], assumed: ['params.V'] }).assumed).toEqual(['params.V']);
    expect(registryHost({ raw: '${params.R}', resolved: 'https://r.io/', unknowns: [], assumed: ['params.R'] })).toEqual({
      raw: '${params.R}',
      resolved: 'r.io',
      unknowns: [],
      assumed: ['params.R'],
    });
  });
});
