import type { Pipeline } from '../buildtime/ci/model.js';
import type { ImageConfigFacts } from '../buildtime/dockerfile/image-config.js';
import type { Diagnostic } from '../core/diagnostics.js';
import type { HostReport } from '../host/scan.js';
import type { RegistryScanReport } from '../distribute/model.js';
import type { RuleFinding } from '../rules/rule.js';
import type { NodeInfo } from '../runtime/cluster/nodes.js';
import type { WorkloadImage } from '../runtime/manifests/images.js';
import type { K8sObject } from '../runtime/manifests/load.js';
import type { PodSecurityResult } from '../runtime/pod-security.js';

/**
 * Everything read about an organisation's estate, phase by phase: the input of the lifecycle map
 * (`buildLifecycleMap`) and of the posture assessment. `collectEstate` fills it from a
 * `shipshape.yaml` or flags.
 */
export interface EstateEvidence {
  build: BuildEvidence;
  /** One report per registry scanned (distribute phase). */
  registries: RegistryScanReport[];
  run: RunEvidence | undefined;
  /** Registries the estate names that could not be scanned, and why: what they hold is not known (absent means none). */
  unscannedRegistries?: UnscannedRegistry[];
  /** Non-fatal problems met while collecting (unreadable files, manifest errors); absent means none. */
  diagnostics?: Diagnostic[];
  /** Hosts read by `host scan` (their reports): engines, configuration, containers and their drift; absent means none. */
  hosts?: HostReport[] | undefined;
  /** Each Dockerfile's text as read, by its `file`: the Dockerfile controls place and prove their edits on it. */
  dockerfileTexts?: ReadonlyMap<string, string> | undefined;
}

export interface UnscannedRegistry {
  /** `registry.example.com` or `registry.example.com/team`, as the config names it. */
  registry: string;
  /** Why it could not be scanned, in our words (`connection refused`, `authentication failed`). */
  reason: string;
}

export interface BuildEvidence {
  /** Source roots read (directories as given). */
  sources: string[];
  /**
   * Repositories found under the roots, relative to their root, `/`-separated: directories holding
   * a `.git`, the pipelines' repositories, and `.` (the root) when a Dockerfile lies in none of those.
   */
  repositories: string[];
  pipelines: Pipeline[];
  dockerfiles: DockerfileInfo[];
}

/** One FROM of a Dockerfile. */
export interface DockerfileFrom {
  line: number;
  /** As written (`${BASE}:3.19`); after ARG defaults (`alpine:3.19`); names of ARGs with no default. */
  raw: string;
  resolved: string;
  unknowns: string[];
  /** `AS name` of this stage. */
  stageName: string | undefined;
  /** Set when the FROM names an earlier stage rather than an image. */
  stageRef: string | undefined;
  /** `--platform` as written. */
  platform: string | undefined;
}

export interface DockerfileInfo {
  /** Path relative to the source root it was found under, `/`-separated (prefixed with the root's name when several roots). */
  file: string;
  /** Its repository (see BuildEvidence.repositories). */
  repository: string;
  froms: DockerfileFrom[];
  /** Index into `froms` of the final stage's base chain, from the final stage back to the image it starts from. */
  finalChain: number[];
  /** SS-DF-NNN findings of `dockerfile lint` (through the estate parent's Dockerfile when there is one). */
  findings: RuleFinding[];
  /**
   * The final image's user, health check, entrypoint, command and ports, each with the Dockerfile
   * line that sets it — in this file or the estate Dockerfiles its parent images are built from
   * (`config.files`) — or unknown from a parent image not read. Absent when it has no stage.
   */
  config?: ImageConfigFacts | undefined;
}

export interface RunEvidence {
  /** Manifest paths read, or `cluster:<context>`. */
  sources: string[];
  /** The cluster's name: the kubeconfig context, or `manifests` when read from files. */
  cluster: string;
  objects: K8sObject[];
  podSecurity: PodSecurityResult[];
  /** SS-K8S-NNN / SS-CMP-NNN findings. */
  findings: RuleFinding[];
  images: WorkloadImage[];
  nodes: NodeInfo[];
}
