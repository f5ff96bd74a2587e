/**
 * What the build-phase controls propose to add to a pipeline (a gating scan before a push; an SBOM,
 * a signature or signed provenance after it), shared by the per-system builders (`ci-jenkins.ts`,
 * `ci-github.ts`, `ci-gitlab.ts`, `ci-teamcity.ts`): the requests, the shell commands, the secrets
 * they read. Commands hold no name from the estate: images reach them through variables the CI
 * system sets (`"$PUSHED_IMAGE"`), each written in that system's own, escaped, value syntax.
 * Signatures and attestations act on the digest the push produced, never on a tag.
 */
import type { CiValue, Pipeline } from '../../../buildtime/ci/model.js';
import { withoutTag } from '../../../buildtime/ci/names.js';
import type { SeverityLevel } from '../../../core/severity.js';
import type { FileEdit } from '../model.js';
import type { PushPoint } from './ci.js';
import { pushesOf } from './ci.js';
import type { Piece } from './quote.js';

/** What a proposed step does. */
export type StepPurpose = 'scan' | 'sbom' | 'sign' | 'provenance';

export interface StepRequest {
  pipeline: Pipeline;
  purpose: StepPurpose;
  /** For a scan: the push it must come before; otherwise the push it acts after. */
  push: PushPoint;
  failOn: readonly SeverityLevel[];
  ignoreUnfixed: boolean;
}

/** A proposed step: what to show, and the edits that make it. */
export interface StepProposal {
  summary: string;
  snippet: string;
  /** The line the snippet goes at or near (shown with the file). */
  line: number | undefined;
  /** Empty when the pipeline's shape needs a change by hand (the summary says what). */
  edits: FileEdit[];
}

/** Scanner, SBOM, signing and registry images for jobs that run in a container of their own (GitLab). */
export const toolImages = {
  trivy: 'aquasec/trivy:0.57.1',
  cosign: 'cgr.dev/chainguard/cosign:latest-dev',
  crane: 'gcr.io/go-containerregistry/crane:debug',
} as const;

export const stepTitles: Record<StepPurpose, string> = {
  scan: 'Scan image (fails on findings)',
  sbom: 'SBOM attestation',
  sign: 'Sign image',
  provenance: 'Provenance attestation',
};

/** The severities a scan fails on: the policy's, `CRITICAL,HIGH` when it names none. */
export function severities(request: Pick<StepRequest, 'failOn'>): string {
  return (request.failOn.length > 0 ? request.failOn : ['CRITICAL', 'HIGH']).join(',');
}

/** `--exit-code 1 --severity CRITICAL,HIGH [--ignore-unfixed]` from the policy. */
export function scanFlags(request: Pick<StepRequest, 'failOn' | 'ignoreUnfixed'>): string {
  return `--exit-code 1 --severity ${severities(request)}${request.ignoreUnfixed ? ' --ignore-unfixed' : ''}`;
}

/** Every image the step of `push` pushes (a build-push-action step pushes all its tags). */
export function pushedImages(pipeline: Pipeline, push: PushPoint): CiValue[] {
  const same = pushesOf(pipeline).filter((p) => p.order === push.order && p.location.line === push.location.line);
  return (same.length > 0 ? same : [push]).map((p) => p.image);
}

/** The distinct repositories of some images, as written (`repositoryOf` finds one's repository). */
export function repositoriesOf(images: readonly CiValue[], repositoryOf: (image: CiValue) => CiValue = withoutTag): CiValue[] {
  const seen = new Map<string, CiValue>();
  for (const image of images) {
    const repository = repositoryOf(image);
    if (!seen.has(repository.raw)) seen.set(repository.raw, repository);
  }
  return [...seen.values()];
}

/**
 * What to scan before a push: the image it pushes, or for a push of a retagged image (`docker tag
 * a b && docker push b`), the image it was retagged from (it already exists; `b` does not yet).
 */
export function scanSubject(pipeline: Pipeline, push: PushPoint): CiValue {
  const retag = pipeline.steps.find(
    (s) => s.kind === 'tag' && !s.pushes && s.order < push.order && (s.to.raw === push.image.raw || s.to.resolved === push.image.resolved),
  );
  return retag?.kind === 'tag' ? retag.from : push.image;
}

/** The line of the last build before `push` in its file, which a scan inserted before the push must not precede. */
export function buildLineBefore(pipeline: Pipeline, push: PushPoint): number | undefined {
  const builds = pipeline.steps.filter((s) => s.kind === 'build' && s.order < push.order && s.location.file === push.location.file);
  return builds.at(-1)?.location.line;
}

/**
 * The scan `text` inserted just before the push (inside `within`, when the reader needs a block to
 * place it in), never above the last build before the push.
 */
export function scanBeforePush(request: StepRequest, text: string, within: string | undefined, summary: string, snippet = text): StepProposal {
  const { pipeline, push } = request;
  const notBefore = buildLineBefore(pipeline, push);
  const edit: FileEdit = {
    kind: 'insert',
    file: push.location.file,
    line: push.location.line,
    position: 'before',
    ...(within === undefined ? {} : { within }),
    text,
    ...(notBefore === undefined ? {} : { notBefore }),
  };
  return { summary, snippet, line: push.location.line, edits: [edit] };
}

/** A build and push in one command or step: nothing goes between them until the user splits it, so no edit. */
export function splitBuildAndPush(push: PushPoint, summary: string, snippet: string): StepProposal {
  return { summary, snippet, line: push.location.line, edits: [] };
}

/** Pushes through a Docker daemon on the same machine, which records the pushed digest (`RepoDigests`). */
export function pushedThroughDocker(push: PushPoint): boolean {
  return !push.withBuild && (push.tool === 'docker' || push.tool === 'docker-pipeline' || push.tool === 'teamcity-docker');
}

/**
 * Sets `ref` to `repository@sha256:…` as the local Docker daemon recorded it when it pushed the
 * image (`image` and `repositoryAt` are shell words, already quoted).
 */
export function dockerDigestRef(image: readonly Piece[], repositoryAt: readonly Piece[]): Piece[] {
  return ['ref=$(', ...dockerDigestCommand(image, repositoryAt), ')'];
}

/** Prints `repository@sha256:…` as the local Docker daemon recorded it when it pushed the image. */
export function dockerDigestCommand(image: readonly Piece[], repositoryAt: readonly Piece[]): Piece[] {
  return ["docker image inspect --format '{{range .RepoDigests}}{{println .}}{{end}}' ", ...image, ' | grep -m1 -F ', ...repositoryAt];
}

/**
 * The commands that produce the artefact for `ref` (a shell word), signing with `key` (a cosign key
 * reference); `trivy` is how trivy is run where it is not installed (a `docker run`).
 */
export function artefactCommands(purpose: Exclude<StepPurpose, 'scan'>, key: string, ref: string, provenance: ProvenanceFacts, trivy = 'trivy'): Piece[][] {
  switch (purpose) {
    case 'sign':
      return [[`cosign sign --yes --key ${key} ${ref}`]];
    case 'sbom':
      return [
        [`${trivy} image --format cyclonedx --output sbom.cdx.json ${ref}`],
        [`cosign attest --yes --key ${key} --type cyclonedx --predicate sbom.cdx.json ${ref}`],
      ];
    case 'provenance':
      return [provenancePredicate(provenance), [`cosign attest --yes --key ${key} --type slsaprovenance1 --predicate provenance.json ${ref}`]];
  }
}

/** Where a CI system says what built the image: its own variables, as they are written in a script there. */
export interface ProvenanceFacts {
  buildType: string;
  builder: readonly Piece[];
  repository: readonly Piece[];
  ref: readonly Piece[];
  commit: readonly Piece[];
  invocation: readonly Piece[];
}

/** Writes a minimal SLSA v1 provenance predicate (`provenance.json`) from the CI system's own variables. */
function provenancePredicate(facts: ProvenanceFacts): Piece[] {
  const format =
    '{"buildDefinition":{"buildType":"%s","externalParameters":{"repository":"%s","ref":"%s"},"resolvedDependencies":[{"uri":"%s","digest":{"gitCommit":"%s"}}]},"runDetails":{"builder":{"id":"%s"},"metadata":{"invocationId":"%s"}}}';
  const args = [[facts.buildType], facts.repository, facts.ref, facts.repository, facts.commit, facts.builder, facts.invocation];
  return [`printf '${format}\\n'`, ...args.flatMap((arg) => [' "', ...arg, '"']), ' > provenance.json'];
}

/** Lines of pieces joined with newlines. */
export function joinLines(lines: readonly (readonly Piece[])[]): Piece[] {
  return lines.flatMap((line, i) => (i === 0 ? [...line] : ['\n', ...line]));
}

/** The secrets a signing step reads, named per CI system (what the summary tells the admin to create). */
export const signingSecrets = {
  jenkins: 'Jenkins credentials cosign-private-key (secret file) and cosign-password (secret text)',
  'github-actions': 'repository secrets COSIGN_PRIVATE_KEY and COSIGN_PASSWORD',
  'gitlab-ci': 'CI/CD variables COSIGN_PRIVATE_KEY (type File, protected) and COSIGN_PASSWORD (masked, protected)',
  teamcity: 'password parameters env.COSIGN_PRIVATE_KEY and env.COSIGN_PASSWORD of the project',
} as const;
