import type { Diagnostic } from '../core/diagnostics.js';
import type { RuleFinding } from '../rules/rule.js';
import type { NodeInfo } from '../runtime/cluster/nodes.js';
import type { WorkloadImage } from '../runtime/manifests/images.js';
import type { PodSecurityResult } from '../runtime/pod-security.js';
import { jsonText, schemaName, type SchemaName } from './json-documents.js';

/** `shipshape dockerfile lint -f json` (`shipshape/dockerfile-lint@1`; fields are only added). */
export interface DockerfileLintReport {
  schema: SchemaName<'dockerfile-lint'>;
  /** Kept for readers of the first releases; new readers use `schema`. */
  schemaVersion: 1;
  files: string[];
  findings: RuleFinding[];
}

/** `shipshape compose check -f json` (`shipshape/compose-check@1`; fields are only added). */
export interface ComposeCheckReport {
  schema: SchemaName<'compose-check'>;
  /** Kept for readers of the first releases; new readers use `schema`. */
  schemaVersion: 1;
  files: string[];
  findings: RuleFinding[];
  /** Files (or parts of them) that could not be read: what they hold was not checked. */
  diagnostics: Diagnostic[];
}

/** `shipshape k8s check -f json` (`shipshape/k8s-check@1`; fields are only added). */
export interface K8sCheckReport {
  schema: SchemaName<'k8s-check'>;
  /** Kept for readers of the first releases; new readers use `schema`. */
  schemaVersion: 1;
  /** The Pod Security Standards verdict of each pod-bearing object. */
  results: PodSecurityResult[];
  /** The SS-K8S workload rules' findings. */
  findings: RuleFinding[];
  images: WorkloadImage[];
  /** The live cluster's nodes (empty for manifests). */
  nodes: NodeInfo[];
  summary: { objects: number; allowed: number; denied: number };
  diagnostics: Diagnostic[];
}

/** The `dockerfile lint` document. */
export function dockerfileLintReport(files: string[], findings: RuleFinding[]): DockerfileLintReport {
  return { schema: schemaName('dockerfile-lint'), schemaVersion: 1, files, findings };
}

/** The `compose check` document. */
export function composeCheckReport(files: string[], findings: RuleFinding[], diagnostics: Diagnostic[]): ComposeCheckReport {
  return { schema: schemaName('compose-check'), schemaVersion: 1, files, findings, diagnostics };
}

/** The `k8s check` document; `summary` counts the Pod Security Standards verdicts. */
export function k8sCheckReport(input: Pick<K8sCheckReport, 'results' | 'findings' | 'images' | 'nodes' | 'diagnostics'>): K8sCheckReport {
  const { results } = input;
  const allowed = results.filter((r) => r.allowed).length;
  return {
    schema: schemaName('k8s-check'),
    schemaVersion: 1,
    results,
    findings: input.findings,
    images: input.images,
    nodes: input.nodes,
    summary: { objects: results.length, allowed, denied: results.length - allowed },
    diagnostics: input.diagnostics,
  };
}

/** Any of these documents as the CLI writes it. */
export function checkJson(report: DockerfileLintReport | ComposeCheckReport | K8sCheckReport): string {
  return jsonText(report);
}
