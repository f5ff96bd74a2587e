import type { Diagnostic } from '../core/diagnostics.js';
import type { RuleFinding } from '../rules/rule.js';
import type { UnscannedRegistry } from './estate-model.js';

/**
 * The lifecycle map: a typed graph of how containers are built (repository → Dockerfile / pipeline
 * → image, based on a parent image), distributed (image stored in a registry, tags → digests) and
 * run (cluster → workload pulling an image, cluster hosted on nodes). Built from real artifacts by
 * `buildLifecycleMap`; `shipshape map` prints it, `shipshape trace` walks it, the posture report
 * assesses it.
 */

export type LifecycleNodeKind = 'repository' | 'dockerfile' | 'pipeline' | 'image' | 'registry' | 'workload' | 'cluster' | 'node' | 'container';

/** Which lifecycle stage a node is drawn in (left to right in the report). */
export type LifecycleStage = 'source' | 'ci' | 'parent-registry' | 'build' | 'registry' | 'orchestrator' | 'host';

export interface LifecycleNode {
  /**
   * Stable, readable id: `repository:apps/api`, `dockerfile:apps/api/Dockerfile`,
   * `pipeline:jenkins:apps/api/Jenkinsfile`, `image:registry.example.com/team/api` (an image
   * repository, all tags and digests of it), `registry:registry.example.com`,
   * `workload:prod/Deployment/api`, `cluster:prod-eu`, `node:ip-10-0-1-5`, `container:ip-10-0-1-5/api` (a container a host scan found).
   */
  id: string;
  kind: LifecycleNodeKind;
  stage: LifecycleStage;
  /** Short human label. */
  label: string;
  /** Where it was read from: file[:line], registry URL, cluster context. */
  evidence: string[];
  /** Kind-specific facts (image: { registry, repository, tags, digests, public, role: 'parent'|'built'|'both'|'run-only'|'stored-only' }; node: { osImage, kernelVersion, containerRuntimeVersion, kubeletVersion, cloud }; …). */
  attributes: Record<string, unknown>;
}

/**
 * `contains`: repository → dockerfile / pipeline. `uses`: pipeline → dockerfile it builds.
 * `builds`: dockerfile → image it produces (through a pipeline). `based-on`: dockerfile → parent
 * image (each FROM of the final stage's chain; `stage` says which). `pushes-to`: pipeline → image it
 * pushes (attributes.tag). `stored-in`: image → registry. `pulled-from`: workload → image
 * (attributes.tag / digest as written). `runs`: cluster → workload. `hosted-on`: cluster → node.
 * `copied-from`: image → the image a pipeline retagged or copied it from when no known build made
 * the source (`skopeo copy docker://nginx:1.27 docker://registry.example.com/mirror/nginx:1.27`).
 * `builds` comes from the pipeline itself when the Dockerfile it builds is not known (jib, an
 * unresolved `-f`). `hosts`: node → a container a host scan found on it (the container is
 * `pulled-from` its image, with the digest it runs in `runningDigests`).
 */
export type LifecycleEdgeKind =
  'contains' | 'uses' | 'builds' | 'based-on' | 'pushes-to' | 'copied-from' | 'stored-in' | 'pulled-from' | 'runs' | 'hosted-on' | 'hosts';

export interface LifecycleEdge {
  from: string;
  to: string;
  kind: LifecycleEdgeKind;
  /** tag, digest, file:line of the step or field that makes the edge, `certain: false` for edges resting on a resolved default (a Dockerfile ARG default, a Jenkins parameter default: `assumed` names them). */
  attributes: Record<string, unknown>;
}

/** A value the map could not resolve: kept, named, never guessed. */
export interface LifecycleUnknown {
  /** The node it belongs to. */
  node: string;
  /** `${REGISTRY}/api:${TAG}` as written. */
  value: string;
  variables: string[];
  /** file:line */
  where: string;
  /** Why it stays unknown: `unresolved variable TAG in the image tag`, `the Dockerfile apps/x/Dockerfile is not in the sources`. */
  reason: string;
}

/** Breaks in the chain: SS-MAP-NNN findings, each naming the nodes involved. */
export interface LifecycleFinding extends RuleFinding {
  nodes: string[];
}

export interface LifecycleMap {
  schema: 'shipshape/lifecycle-map@1';
  generatedAt: string;
  /**
   * What was read: source roots, registry scans, manifest paths or cluster contexts, and the config
   * file (null: none was read); and the registries that could not be scanned, with why.
   */
  inputs: { sources: string[]; registries: string[]; unscannedRegistries: UnscannedRegistry[]; workloads: string[]; config: string | null };
  nodes: LifecycleNode[];
  edges: LifecycleEdge[];
  findings: LifecycleFinding[];
  unknowns: LifecycleUnknown[];
  /** Non-fatal problems met while reading the estate (manifest, pipeline, registry and source diagnostics). */
  diagnostics: Diagnostic[];
}

/** One hop of a trace: the node reached and the edge (in its own direction) that led there. */
export interface TraceHop {
  node: LifecycleNode;
  via: LifecycleEdge | undefined;
}

export interface Trace {
  /** What the user asked for and the node it matched. */
  query: string;
  start: LifecycleNode;
  /** Backwards: workload → image → registry → pipeline → repository / Dockerfile → parent image → parent registry. Several paths when several pipelines push the image. */
  upstream: TraceHop[][];
  /** Forwards: the workloads that run the image, or images based on it and the workloads running those. */
  downstream: TraceHop[][];
  /** The map findings touching any node on the paths. */
  breaks: LifecycleFinding[];
}
