import type { LifecycleMap } from '../../lifecycle/model.js';
import type { Phase, PostureReport } from '../../lifecycle/posture/model.js';
import type { SeverityLevel } from '../../core/severity.js';

/** What the HTML and Markdown posture reports are rendered from. The CLI fills it from the map, the posture assessment and the scanners. */
export interface ReportInput {
  /** `Shipshape posture report — <estate name>`. */
  title: string;
  generatedAt: string;
  toolVersion: string;
  map: LifecycleMap;
  posture: PostureReport;
  /** Findings tables: every vulnerability / secret / misconfiguration finding with where it is. */
  findings: ReportFinding[];
}

export type ReportFindingCategory = 'vulnerability' | 'secret' | 'misconfiguration' | 'lifecycle';

/** One finding as the reports show it, whatever scanner produced it. */
export interface ReportFinding {
  category: ReportFindingCategory;
  /** `CVE-…`, `SS-SEC-004`, `SS-DF-003`, `SS-K8S-007`, `SS-REG-002`, `SS-MAP-001`. */
  id: string;
  severity: SeverityLevel;
  title: string;
  /** `file:line`, `registry/repo:tag`, `ns/Kind/name`. */
  where: string;
  phase: Phase;
  /** Lifecycle map node ids it concerns. */
  nodes: string[];
  /** Vulnerabilities: package, installed, fixed. */
  detail?: string;
}
