/**
 * The CI model: what a pipeline definition (Jenkinsfile, GitHub Actions workflow, GitLab CI,
 * TeamCity Kotlin DSL) does with container images, read statically from the file. Values are kept
 * as written and resolved only as far as the file itself says (env blocks, defaults, parameters
 * with defaults); whatever stays unknown is named, never guessed.
 */

export type CiSystem = 'jenkins' | 'github-actions' | 'gitlab-ci' | 'teamcity';

/** A string from the pipeline, as written and as resolved. */
export interface CiValue {
  /** As written: `registry.example.com/team/app:${BUILD_NUMBER}`. */
  raw: string;
  /**
   * With every variable whose value the file gives substituted; variables left unknown stay as
   * `${NAME}` in this string.
   */
  resolved: string;
  /** Names of variables that could not be resolved (empty: `resolved` is exact). */
  unknowns: string[];
  /**
   * Names of variables whose value came from a default the run may override (Jenkins parameter
   * defaults, `params.VERSION`): `resolved` holds what a run with the defaults gets. Absent when none.
   */
  assumed?: string[];
}

/** A place in the pipeline file (1-based). */
export interface CiLocation {
  file: string;
  line: number;
  /** The job / stage / step name when the format has one. */
  step: string | undefined;
  /** GitHub Actions: the step's `id`, when it has one (its outputs are `steps.<id>.outputs.*`). */
  id?: string;
  /** GitLab CI: the job's stage. */
  stage?: string;
  /** GitLab CI: which of `rules`, `only`, `except` the job has (a job that `needs` it must run under the same ones). */
  conditions?: string[];
}

export type BuildTool =
  'docker' | 'docker-buildx' | 'docker-pipeline' | 'build-push-action' | 'buildah' | 'kaniko' | 'podman' | 'teamcity-docker' | 'jib' | 'crane' | 'other';

export interface ImageBuildStep {
  kind: 'build';
  order: number;
  location: CiLocation;
  tool: BuildTool;
  /** Path of the Dockerfile relative to the repository root (`Dockerfile` when the tool's default). */
  dockerfile: CiValue;
  /** Build context relative to the repository root (`.` by default). */
  context: CiValue;
  /** Image references it tags the result with. */
  tags: CiValue[];
  /**
   * The same step also pushes (`--push`, `push: true`, kaniko `--destination`). The Docker Pipeline
   * plugin's `img.push()` is a push step of its own.
   */
  pushes: boolean;
  /** When the push happens only under a condition the file does not settle (`push: ${{ github.event_name != 'pull_request' }}`), as written. */
  pushCondition?: string;
  /** The platforms the build makes, when it names them (build-push-action `platforms:`): more than one cannot be loaded into a local Docker. */
  platforms?: string[];
}

export interface ImagePushStep {
  kind: 'push';
  order: number;
  location: CiLocation;
  tool: BuildTool;
  /** The image reference pushed. */
  image: CiValue;
}

/** `docker tag a b`, `crane copy`, `skopeo copy`, `buildah tag`: the same image under another name. */
export interface ImageTagStep {
  kind: 'tag';
  order: number;
  location: CiLocation;
  from: CiValue;
  to: CiValue;
  /** `skopeo copy` / `crane copy` also push. */
  pushes: boolean;
}

interface RegistryLoginStep {
  kind: 'login';
  order: number;
  location: CiLocation;
  /** The registry host; `docker.io` for Docker Hub (the default of `docker login`). */
  registry: CiValue;
}

export type SecurityStepKind = 'scan' | 'sbom' | 'sign' | 'attest' | 'provenance' | 'verify' | 'dockerfile-lint';

export interface SecurityStep {
  kind: 'security';
  order: number;
  location: CiLocation;
  securityKind: SecurityStepKind;
  /** `trivy`, `grype`, `shipshape`, `docker-scout`, `snyk`, `syft`, `cosign`, `notation`, `hadolint`, `slsa-github-generator`... */
  tool: string;
  /** The image it looks at, when written. */
  image: CiValue | undefined;
  /** What it looks at when that is not an image: a Dockerfile (hadolint), an SBOM or archive file. */
  target?: CiValue;
  /**
   * For scans: does a finding fail the pipeline (`--exit-code 1`, `--fail-on`, `exit-code: 1`,
   * `--severity-threshold`…)? `false` when it provably does not (e.g. `|| true`, `continue-on-error`,
   * `exit-code: 0`); undefined when unknown or not a scan. Dockerfile linters count as scans here.
   */
  gating: boolean | undefined;
}

export type PipelineStep = ImageBuildStep | ImagePushStep | ImageTagStep | RegistryLoginStep | SecurityStep;

export interface Pipeline {
  /** Stable id: `<system>:<file relative to the scanned root>[#<job>]`. */
  id: string;
  system: CiSystem;
  /** Path of the definition file relative to the scanned root, `/`-separated. */
  file: string;
  /** The repository root (directory) the pipeline belongs to, relative to the scanned root (`.` for the root). */
  repository: string;
  /** Workflow / pipeline / build configuration name when the file gives one. */
  name: string | undefined;
  /** Every image-related step in execution order (`order` ascending, 0-based). */
  steps: PipelineStep[];
  /** Variables read by the pipeline and never given a value in the file. */
  unknownVariables: string[];
  /** What could not be understood (e.g. a `docker` command built from a variable). */
  diagnostics: string[];
}
