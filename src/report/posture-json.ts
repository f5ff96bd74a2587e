import type { ReportInput } from './html/input.js';
import { jsonText, schemaName, type SchemaName } from './json-documents.js';

/** `shipshape posture -f json` (`shipshape/posture-report@1`; fields are only added): the posture, the map it was read off, every finding. */
export interface PostureJsonReport extends ReportInput {
  schema: SchemaName<'posture-report'>;
}

/** The document `posture -f json` writes. */
export function postureJson(input: ReportInput): string {
  const report: PostureJsonReport = {
    schema: schemaName('posture-report'),
    title: input.title,
    generatedAt: input.generatedAt,
    toolVersion: input.toolVersion,
    posture: input.posture,
    map: input.map,
    findings: input.findings,
  };
  return jsonText(report);
}
