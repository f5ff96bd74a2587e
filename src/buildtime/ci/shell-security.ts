/**
 * Security tools in CI scripts: scanners (trivy, grype, docker scout, snyk, shipshape, dockle),
 * SBOM generators (syft, trivy with an SBOM format), signing and attestation (cosign, notation),
 * Dockerfile linting (hadolint). `gating` says whether a finding fails the command; the shell
 * analysis then weakens it for `|| true`, pipes, `set +e` and the like.
 */
import { hasFlag, lastOption, optionValues, parseArgs, type ParsedArgs } from './args.js';
import type { CiValue, SecurityStepKind } from './model.js';
import type { StepDraft } from './steps.js';
import { prefixOf, repoPath, singlePositional, stripPrefix, type ToolContext } from './tool-context.js';

type SecurityDraft = Extract<StepDraft, { kind: 'security' }>;

function security(
  ctx: ToolContext,
  securityKind: SecurityStepKind,
  tool: string,
  image: CiValue | undefined,
  gating: boolean | undefined,
  target?: CiValue,
): SecurityDraft {
  const step: SecurityDraft = { kind: 'security', line: ctx.line, securityKind, tool, image, gating };
  if (target !== undefined) step.target = target;
  return step;
}

/** `--exit-code N`: true when N is a known non-zero number, false for 0 or absent, undefined when N is unknown. */
function exitCodeGates(value: CiValue | undefined): boolean | undefined {
  if (value === undefined) return false;
  if (value.unknowns.length > 0) return undefined;
  const n = Number.parseInt(value.resolved, 10);
  return Number.isNaN(n) ? undefined : n !== 0;
}

const sbomFormats = /^(cyclonedx|spdx|spdx-json|github)$/i;

const trivyValued = new Set([
  '--exit-code',
  '--severity',
  '-s',
  '--format',
  '-f',
  '--output',
  '-o',
  '--timeout',
  '--ignorefile',
  '--cache-dir',
  '--scanners',
  '--vuln-type',
  '--pkg-types',
  '--input',
  '-i',
  '--platform',
  '--template',
  '-t',
  '--db-repository',
  '--config',
  '-c',
  '--ignore-policy',
  '--image-src',
  '--username',
  '--password',
  '--registry-token',
  '--docker-host',
  '--sbom-sources',
  '--rekor-url',
  '--vex',
  '--skip-dirs',
  '--skip-files',
  '--file-patterns',
  '--compliance',
  '--parallel',
  '--java-db-repository',
  '--checks-bundle-repository',
  '--cache-backend',
  '--cache-ttl',
  '--exit-on-eol',
  '--license-confidence-level',
  '--server',
  '--token',
  '--token-header',
  '--custom-headers',
  '--podman-host',
  '--image-config-scanners',
  '--secret-config',
  '--output-plugin-arg',
  '--distro',
  '--detection-priority',
]);
const trivySubcommands = new Set([
  'image',
  'i',
  'sbom',
  'config',
  'conf',
  'fs',
  'filesystem',
  'rootfs',
  'repo',
  'repository',
  'k8s',
  'kubernetes',
  'vm',
  'server',
  'client',
  'plugin',
  'module',
  'clean',
  'version',
  'convert',
  'registry',
]);

/** `trivy image …`, `trivy sbom FILE` (a vulnerability scan of an SBOM), `trivy config` (misconfiguration). */
export function trivy(args: CiValue[], ctx: ToolContext): StepDraft[] {
  const sub = args.findIndex((a) => trivySubcommands.has(a.resolved));
  if (sub < 0) return [];
  const name = args[sub]?.resolved;
  const parsed = parseArgs([...args.slice(0, sub), ...args.slice(sub + 1)], trivyValued);
  const gating = exitCodeGates(lastOption(parsed, '--exit-code'));
  const format = lastOption(parsed, '--format', '-f');
  if (name === 'image' || name === 'i') {
    const input = lastOption(parsed, '--input', '-i');
    const image = input === undefined ? singlePositional(parsed.positionals, 'trivy image', ctx) : undefined;
    const target = input === undefined ? undefined : repoPath(input, ctx);
    if (format !== undefined && sbomFormats.test(format.resolved)) return [security(ctx, 'sbom', 'trivy', image, undefined, target)];
    return [security(ctx, 'scan', 'trivy', image, gating, target)];
  }
  if (name === 'sbom') {
    const file = parsed.positionals[0];
    return [security(ctx, 'scan', 'trivy', undefined, gating, file === undefined ? undefined : repoPath(file, ctx))];
  }
  if (name === 'config' || name === 'conf') {
    const target = parsed.positionals[0];
    return [security(ctx, 'dockerfile-lint', 'trivy', undefined, gating, target === undefined ? undefined : repoPath(target, ctx))];
  }
  return [];
}

/** Source schemes of grype and syft: image schemes give the image, the others a file or directory. */
const imageSchemes = ['docker:', 'podman:', 'registry:', 'containerd:'];
const fileSchemes = ['docker-archive:', 'oci-archive:', 'oci-dir:', 'dir:', 'file:', 'sbom:', 'singularity:', 'purl:', 'cpe:'];

function anchoreSource(source: CiValue | undefined, ctx: ToolContext): { image?: CiValue; target?: CiValue } {
  if (source === undefined) return {};
  const imageScheme = prefixOf(source, imageSchemes);
  if (imageScheme !== undefined) return { image: stripPrefix(source, imageScheme) };
  const fileScheme = prefixOf(source, fileSchemes);
  if (fileScheme !== undefined) return { target: repoPath(stripPrefix(source, fileScheme), ctx) };
  return { image: source };
}

/** Options taking a value that grype and syft share (Anchore's common command line). */
const anchoreValued = ['-o', '--output', '--file', '-c', '--config', '--scope', '-s', '--platform', '--exclude', '--name', '--from'];

const grypeValued = new Set([...anchoreValued, '--fail-on', '-f', '-e', '--distro', '--vex', '--sort-by', '-t', '--template']);

/** `grype IMAGE [--fail-on SEVERITY]`. */
export function grype(args: CiValue[], ctx: ToolContext): StepDraft[] {
  const parsed = parseArgs(args, grypeValued);
  if (['db', 'version', 'explain', 'config', 'completion'].includes(parsed.positionals[0]?.resolved ?? '')) return [];
  const source = anchoreSource(singlePositional(parsed.positionals, 'grype', ctx), ctx);
  const failOn = lastOption(parsed, '--fail-on', '-f');
  return [security(ctx, 'scan', 'grype', source.image, failOn !== undefined, source.target)];
}

const syftValued = new Set([...anchoreValued, '--source-name', '--source-version', '--base-path', '--select-catalogers', '--key', '-k']);

/** `syft [scan|packages] SOURCE` (an SBOM), `syft attest` (an SBOM attestation). */
export function syft(args: CiValue[], ctx: ToolContext): StepDraft[] {
  const parsed = parseArgs(args, syftValued);
  let positionals = parsed.positionals;
  let kind: SecurityStepKind = 'sbom';
  const first = positionals[0]?.resolved;
  if (first === 'scan' || first === 'packages') positionals = positionals.slice(1);
  else if (first === 'attest') {
    kind = 'attest';
    positionals = positionals.slice(1);
  } else if (['version', 'login', 'convert', 'cataloger', 'config', 'completion'].includes(first ?? '')) return [];
  const source = anchoreSource(singlePositional(positionals, 'syft', ctx), ctx);
  return [security(ctx, kind, 'syft', source.image, undefined, source.target)];
}

const scoutValued = new Set([
  '--only-severity',
  '--format',
  '--output',
  '-o',
  '--platform',
  '--type',
  '--only-package-type',
  '--only-cve-id',
  '--org',
  '--env',
  '--ref',
  '--vex-location',
  '--vex-author',
  '--epss-score',
  '--epss-percentile',
  '--only-policy',
  '--only-base',
]);
const scoutImagePrefixes = ['image://', 'local://', 'registry://'];

/** `docker scout cves [IMAGE] [--exit-code]` (args after `cves`). */
export function dockerScoutCves(args: CiValue[], ctx: ToolContext): StepDraft[] {
  const parsed = parseArgs(args, scoutValued);
  let image = singlePositional(parsed.positionals, 'docker scout cves', ctx);
  let target: CiValue | undefined;
  if (image !== undefined) {
    const prefix = prefixOf(image, scoutImagePrefixes);
    if (prefix !== undefined) image = stripPrefix(image, prefix);
    else if (/^(oci-dir|archive|fs|sbom):\/\//.test(image.resolved)) {
      target = repoPath(stripPrefix(image, image.resolved.slice(0, image.resolved.indexOf('://') + 3)), ctx);
      image = undefined;
    }
  }
  return [security(ctx, 'scan', 'docker-scout', image, hasFlag(parsed, '--exit-code', '-e'), target)];
}

/**
 * `TOOL GROUP ACTION [opts] IMAGE` (`snyk container test`, `shipshape scan image`): the action and
 * the image when the positionals start with `group` and one of `actions`; undefined otherwise.
 */
function subcommandImage(
  parsed: ParsedArgs,
  group: string,
  actions: readonly string[],
  label: string,
  ctx: ToolContext,
): { action: string; image: CiValue | undefined } | undefined {
  const [first, action, ...rest] = parsed.positionals;
  if (first?.resolved !== group || action === undefined || !actions.includes(action.resolved)) return undefined;
  return { action: action.resolved, image: singlePositional(rest, label, ctx) };
}

const snykValued = new Set([
  '--file',
  '--severity-threshold',
  '--org',
  '--project-name',
  '--policy-path',
  '--platform',
  '--username',
  '--password',
  '--json-file-output',
  '--sarif-file-output',
  '--tags',
  '--project-tags',
  '--target-reference',
]);

/** `snyk container test IMAGE` fails on findings by default; `snyk container monitor` never does. */
export function snyk(args: CiValue[], ctx: ToolContext): StepDraft[] {
  const found = subcommandImage(parseArgs(args, snykValued), 'container', ['test', 'monitor'], 'snyk container', ctx);
  return found === undefined ? [] : [security(ctx, 'scan', 'snyk', found.image, found.action === 'test')];
}

const shipshapeValued = new Set([
  '--exit-code',
  '-f',
  '--format',
  '-o',
  '--output',
  '-s',
  '--severity',
  '--base-layers',
  '--scanners',
  '--secret-config',
  '--dockerfile',
  '--ignorefile',
  '--vex',
  '--db',
  '--max-db-age',
  '--platform',
  '--cache-dir',
]);

/** `shipshape scan image IMAGE --exit-code N`. */
export function shipshape(args: CiValue[], ctx: ToolContext): StepDraft[] {
  const parsed = parseArgs(args, shipshapeValued);
  const found = subcommandImage(parsed, 'scan', ['image'], 'shipshape scan image', ctx);
  return found === undefined ? [] : [security(ctx, 'scan', 'shipshape', found.image, exitCodeGates(lastOption(parsed, '--exit-code')))];
}

const dockleValued = new Set([
  '--exit-code',
  '-c',
  '--exit-level',
  '-l',
  '--format',
  '-f',
  '--output',
  '-o',
  '--ignore',
  '-i',
  '--accept-key',
  '-ak',
  '--accept-file',
  '-af',
  '--accept-file-extension',
  '-ae',
  '--timeout',
  '-t',
  '--input',
  '--username',
  '--password',
  '--authurl',
  '--cache-dir',
]);

/** `dockle [--exit-code N] IMAGE`: image configuration checks. */
export function dockle(args: CiValue[], ctx: ToolContext): StepDraft[] {
  const parsed = parseArgs(args, dockleValued);
  const input = lastOption(parsed, '--input');
  const image = input === undefined ? singlePositional(parsed.positionals, 'dockle', ctx) : undefined;
  return [
    security(ctx, 'scan', 'dockle', image, exitCodeGates(lastOption(parsed, '--exit-code', '-c')), input === undefined ? undefined : repoPath(input, ctx)),
  ];
}

const cosignValued = new Set([
  '--key',
  '-a',
  '--annotations',
  '--certificate',
  '--certificate-chain',
  '--predicate',
  '--type',
  '--certificate-identity',
  '--certificate-oidc-issuer',
  '--certificate-identity-regexp',
  '--certificate-oidc-issuer-regexp',
  '--output-file',
  '--output-signature',
  '--output-certificate',
  '--rekor-url',
  '--fulcio-url',
  '--identity-token',
  '--oidc-issuer',
  '--oidc-client-id',
  '--oidc-client-secret-file',
  '--registry-username',
  '--registry-password',
  '--signing-config',
  '--bundle',
  '--policy',
  '--attachment',
  '--payload',
  '--slot',
  '--timeout',
  '-t',
  '--trusted-root',
  '--ca-roots',
  '--ca-intermediates',
  '--signature-digest-algorithm',
  '--timestamp-server-url',
  '--oidc-provider',
  '--registry-token',
  '--attachment-tag-prefix',
  '--output',
  '-o',
  '--local-image',
  '--sbom',
  '--input-format',
]);
const provenanceTypes = /^(slsaprovenance(02|1)?|https:\/\/slsa\.dev\/provenance\/.*)$/i;

/** `cosign sign|attest|verify|verify-attestation IMAGE`. */
export function cosign(args: CiValue[], ctx: ToolContext): StepDraft[] {
  const parsed = parseArgs(args, cosignValued);
  const [action, ...rest] = parsed.positionals;
  // only the subcommands that act on an image have one (`cosign login HOST -u USER` has none)
  const image = (): CiValue | undefined => singlePositional(rest, `cosign ${action?.resolved ?? ''}`.trim(), ctx);
  switch (action?.resolved) {
    case 'sign':
      return [security(ctx, 'sign', 'cosign', image(), undefined)];
    case 'attest': {
      const type = lastOption(parsed, '--type');
      return [security(ctx, type !== undefined && provenanceTypes.test(type.resolved) ? 'provenance' : 'attest', 'cosign', image(), undefined)];
    }
    case 'verify':
    case 'verify-attestation':
      return [security(ctx, 'verify', 'cosign', image(), undefined)];
    default:
      return [];
  }
}

const notationValued = new Set([
  '--key',
  '-k',
  '--signature-format',
  '-u',
  '--username',
  '-p',
  '--password',
  '--plugin-config',
  '--expiry',
  '-e',
  '--timestamp-url',
  '--timestamp-root-cert',
  '--id',
  '--plugin',
  '--user-metadata',
  '-m',
]);

/** `notation sign|verify IMAGE`. */
export function notation(args: CiValue[], ctx: ToolContext): StepDraft[] {
  const parsed = parseArgs(args, notationValued);
  const [action, ...rest] = parsed.positionals;
  const image = singlePositional(rest, `notation ${action?.resolved ?? ''}`.trim(), ctx);
  if (action?.resolved === 'sign') return [security(ctx, 'sign', 'notation', image, undefined)];
  if (action?.resolved === 'verify') return [security(ctx, 'verify', 'notation', image, undefined)];
  return [];
}

const hadolintValued = new Set([
  '-c',
  '--config',
  '-t',
  '--failure-threshold',
  '-f',
  '--format',
  '--ignore',
  '--trusted-registry',
  '--require-label',
  '--file-path-in-report',
  '--error',
  '--warning',
  '--info',
  '--style',
]);

/** `hadolint [opts] Dockerfile…` (or `-` with `< Dockerfile`): fails on warnings unless `--no-fail`. */
export function hadolint(args: CiValue[], ctx: ToolContext): StepDraft[] {
  const parsed = parseArgs(args, hadolintValued);
  const threshold = lastOption(parsed, '-t', '--failure-threshold');
  const gating =
    hasFlag(parsed, '--no-fail') || threshold?.resolved === 'none' ? false : threshold !== undefined && threshold.unknowns.length > 0 ? undefined : true;
  const files = parsed.positionals.filter((p) => p.resolved !== '-');
  if (files.length === 0) {
    const target = ctx.stdin === undefined ? undefined : repoPath(ctx.stdin, ctx);
    return [security(ctx, 'dockerfile-lint', 'hadolint', undefined, gating, target)];
  }
  return files.map((file) => security(ctx, 'dockerfile-lint', 'hadolint', undefined, gating, repoPath(file, ctx)));
}

/** `docker sbom IMAGE` (args after `sbom`). */
export function dockerSbom(args: CiValue[], ctx: ToolContext): StepDraft[] {
  const parsed = parseArgs(args, new Set(['--format', '--output', '-o', '--platform', '--exclude', '-D', '--layers']));
  return [security(ctx, 'sbom', 'docker-sbom', singlePositional(parsed.positionals, 'docker sbom', ctx), undefined)];
}

/** `docker trust sign IMAGE` (args after `trust`). */
export function dockerTrust(args: CiValue[], ctx: ToolContext): StepDraft[] {
  const parsed = parseArgs(args, new Set(['--key']));
  const [action, ...rest] = parsed.positionals;
  if (action?.resolved !== 'sign') return [];
  return [security(ctx, 'sign', 'docker-content-trust', singlePositional(rest, 'docker trust sign', ctx), undefined)];
}

/** Buildx attestations requested on a build (`--sbom=true`, `--provenance=mode=max`, `--attest type=…`). */
export function buildxAttestations(options: Map<string, CiValue[]>, image: CiValue | undefined, ctx: ToolContext): StepDraft[] {
  const steps: StepDraft[] = [];
  const enabled = (v: CiValue | undefined): boolean => v !== undefined && !/^(false|0)$/i.test(v.resolved) && !/(^|,)disabled=true/.test(v.resolved);
  const attests = optionValues({ options, flags: new Set(), positionals: [], rest: [] }, '--attest');
  const sbom = (options.get('--sbom') ?? []).some(enabled) || attests.some((a) => /(^|,)type=sbom(,|$)/.test(a.resolved) && enabled(a));
  const provenance = (options.get('--provenance') ?? []).some(enabled) || attests.some((a) => /(^|,)type=provenance(,|$)/.test(a.resolved) && enabled(a));
  if (sbom) steps.push(security(ctx, 'sbom', 'buildkit', image, undefined));
  if (provenance) steps.push(security(ctx, 'provenance', 'buildkit', image, undefined));
  return steps;
}
