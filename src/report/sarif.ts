import type * as sarif from 'sarif';
import type { DockerfileLayers } from '../buildtime/dockerfile-layers.js';
import type { SeverityLevel } from '../core/severity.js';
import type { RuleFinding, RuleMeta } from '../rules/rule.js';
import { coverageGaps } from '../vuln/coverage.js';
import { httpsUrl, mdCell, mdText } from './markdown/escape.js';
import type { RuleFindingSet } from './rule-findings.js';
import type { ScanReport } from './vuln-json.js';

/** With `--dockerfile`: results point at the instruction that brought the package in. */
export interface SarifDockerfile {
  /** The Dockerfile's path as the repository knows it (what code scanning resolves). */
  uri: string;
  layers: DockerfileLayers;
  /** Index of the first layer the build added (layers before it are the base image's). */
  firstBuildLayer: number;
}

const levelOf: Record<SeverityLevel, sarif.ReportingConfiguration.level> = {
  CRITICAL: 'error',
  HIGH: 'error',
  MEDIUM: 'warning',
  LOW: 'note',
  UNKNOWN: 'note',
};
/** GitHub code scanning reads `security-severity` (a CVSS-like number) to rank alerts. */
const defaultScore: Record<SeverityLevel, string> = { CRITICAL: '9.5', HIGH: '8.0', MEDIUM: '5.5', LOW: '2.0', UNKNOWN: '0.0' };

/**
 * SARIF 2.1.0 for code-scanning dashboards: one rule per vulnerability id (with help text and the
 * severity GitHub ranks by), one result per finding, located at the file inside the image that
 * evidenced the package, with the layer in the message and a stable partial fingerprint.
 */
export function sarifJson(report: ScanReport, toolVersion: string, dockerfile?: SarifDockerfile, ruleSets: readonly RuleFindingSet[] = []): string {
  const rules = new Map<string, sarif.ReportingDescriptor>();
  for (const f of report.findings) {
    if (rules.has(f.id)) continue;
    const score = f.severity.score !== undefined ? f.severity.score.toFixed(1) : defaultScore[f.severity.level];
    // the advisory's links and text are foreign: https links only, the text escaped for Markdown
    const links = f.references.map(httpsUrl).filter((url): url is string => url !== undefined);
    rules.set(f.id, {
      id: f.id,
      name: f.id.replace(/[^A-Za-z0-9]/g, ''),
      shortDescription: { text: f.summary ?? `${f.id} in ${f.package.name}` },
      fullDescription: { text: `${f.id}${f.aliases.length ? ` (${f.aliases.join(', ')})` : ''}: ${f.summary ?? 'vulnerability'} in ${f.package.name}` },
      helpUri: links[0] ?? `https://osv.dev/vulnerability/${encodeURIComponent(f.id)}`,
      help: {
        text: `Upgrade ${f.package.name} to ${f.fixedVersion ?? '(no fixed version is known)'}.`,
        markdown: `**${mdText(f.id)}** ${mdText(f.summary ?? '')}\n\n| package | installed | fixed in | severity |\n|---|---|---|---|\n| ${mdCell(f.package.name)} | ${mdCell(f.installedVersion)} | ${mdCell(f.fixedVersion ?? 'no fix')} | ${f.severity.level} |\n\n${links
          .slice(0, 5)
          .map((url) => `- <${url}>`)
          .join('\n')}`,
      },
      defaultConfiguration: { level: levelOf[f.severity.level] },
      properties: { tags: ['vulnerability', 'security', f.package.type], precision: 'very-high', 'security-severity': score },
    });
  }
  const results: sarif.Result[] = report.findings.map((f) => ({
    ruleId: f.id,
    ruleIndex: [...rules.keys()].indexOf(f.id),
    level: levelOf[f.severity.level],
    message: {
      text: `${f.package.name} ${f.installedVersion} is affected by ${f.id} (${f.severity.level}); ${f.fixedVersion ? `fixed in ${f.fixedVersion}` : 'no fix yet'}. Introduced by layer ${f.layer.index}${f.layer.createdBy ? `: ${f.layer.createdBy}` : ''}.`,
    },
    locations: [locationOf(f, report, dockerfile)],
    partialFingerprints: { 'shipshape/v1': f.fingerprint },
    properties: { purl: f.package.purl, installedVersion: f.installedVersion, fixedVersion: f.fixedVersion ?? null, layer: f.layer.index },
  }));
  for (const set of ruleSets) {
    for (const meta of set.rules) {
      if (rules.has(meta.id)) continue;
      rules.set(meta.id, ruleOf(meta));
    }
    for (const finding of set.findings) results.push(resultOf(finding, [...rules.keys()].indexOf(finding.ruleId), report.image.reference ?? report.image.name));
  }
  const log: sarif.Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'shipshape', version: toolVersion, rules: [...rules.values()] } },
        ...notCheckedInvocation(coverageGaps(report.coverage ?? undefined).map((gap) => `Not checked for vulnerabilities: ${gap}`)),
        results,
        properties: { image: report.image.reference ?? report.image.name, digest: report.image.digest },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/**
 * What the run could not check, as tool notifications: code scanning shows them as warnings of the
 * run, so an empty result list is not read as a clean bill of health.
 */
function notCheckedInvocation(texts: readonly string[]): { invocations?: sarif.Invocation[] } {
  if (texts.length === 0) return {};
  return {
    invocations: [
      {
        executionSuccessful: true,
        toolExecutionNotifications: texts.map((text) => ({ level: 'warning', descriptor: { id: 'shipshape/not-checked' }, message: { text } })),
      },
    ],
  };
}

/**
 * Where a result points: with a Dockerfile, at the instruction that introduced the package (the
 * FROM line for base-image layers); else at the file in the image that evidenced it.
 */
function locationOf(f: ScanReport['findings'][number], report: ScanReport, dockerfile: SarifDockerfile | undefined): sarif.Location {
  const inImage = `${report.image.reference ?? report.image.name} layer ${f.layer.index} (${f.layer.diffId})`;
  if (dockerfile) {
    const place = f.layer.index < dockerfile.firstBuildLayer ? dockerfile.layers.from : dockerfile.layers.layers[f.layer.index - dockerfile.firstBuildLayer];
    if (place) {
      return {
        physicalLocation: { artifactLocation: { uri: dockerfile.uri }, region: { startLine: place.startLine, endLine: place.endLine } },
        message: { text: `${place.instruction} (${inImage}, ${f.package.location ?? f.package.path})` },
      };
    }
  }
  return {
    physicalLocation: { artifactLocation: { uri: (f.package.location ?? f.package.path).replace(/^\//, '') }, region: { startLine: 1 } },
    message: { text: inImage },
  };
}

/** A SARIF log of rule findings alone (`dockerfile lint`: there is no image). */
export function ruleSarifJson(ruleSets: readonly RuleFindingSet[], toolVersion: string, notChecked: readonly string[] = []): string {
  const rules = new Map<string, sarif.ReportingDescriptor>();
  const results: sarif.Result[] = [];
  for (const set of ruleSets) {
    for (const meta of set.rules) if (!rules.has(meta.id)) rules.set(meta.id, ruleOf(meta));
    for (const finding of set.findings) results.push(resultOf(finding, [...rules.keys()].indexOf(finding.ruleId), ''));
  }
  const log: sarif.Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'shipshape', version: toolVersion, rules: [...rules.values()] } }, ...notCheckedInvocation(notChecked), results }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** SARIF rule metadata of a Shipshape rule: help is its rationale and remediation. */
function ruleOf(meta: RuleMeta): sarif.ReportingDescriptor {
  return {
    id: meta.id,
    name: meta.title
      .replace(/[^A-Za-z0-9]+/g, ' ')
      .trim()
      .split(' ')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join(''),
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.rationale },
    help: {
      text: `${meta.rationale}\n\nFix: ${meta.remediation}`,
      markdown: `${meta.rationale}\n\n**Fix:** ${meta.remediation}\n\n${meta.references.map((r) => `- ${r}`).join('\n')}`,
    },
    defaultConfiguration: { level: levelOf[meta.severity] },
    properties: { tags: ['security', meta.id.split('-')[1]?.toLowerCase() ?? 'rule'], precision: 'high', 'security-severity': defaultScore[meta.severity] },
  };
}

/** A rule finding as a SARIF result: at its Dockerfile line, or at the file in the image (`image`: its name, '' for none). */
function resultOf(finding: RuleFinding, ruleIndex: number, image: string): sarif.Result {
  const l = finding.location;
  const region = {
    startLine: l.startLine ?? 1,
    ...(l.startColumn ? { startColumn: l.startColumn } : {}),
    ...(l.endLine ? { endLine: l.endLine } : {}),
    ...(l.endColumn ? { endColumn: l.endColumn } : {}),
  };
  const uri = l.file ?? (l.path ? l.path.replace(/^\//, '') : 'image-config');
  const inImage = l.layer ? `${image} layer ${l.layer.index}` : image;
  return {
    ruleId: finding.ruleId,
    ruleIndex,
    level: levelOf[finding.severity],
    message: { text: finding.message },
    locations: [{ physicalLocation: { artifactLocation: { uri }, region }, ...(inImage ? { message: { text: inImage } } : {}) }],
    partialFingerprints: { 'shipshape/v1': finding.fingerprint },
  };
}
