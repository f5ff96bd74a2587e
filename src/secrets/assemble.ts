import { z } from 'zod';
import { instructionOf } from '../image/history.js';
import type { HiddenFile } from '../image/filesystem.js';
import type { ImageLayer, ImageModel } from '../image/read-image.js';
import { fingerprintOf } from '../rules/fingerprint.js';
import type { RuleFinding } from '../rules/rule.js';
import { configSecretFindings } from './config-scan.js';
import { redact } from './mask.js';
import { enabledSecretRules, secretRule } from './registry.js';
import type { SecretMatch } from './types.js';
import { secretVisitorId } from './visitor.js';

/** Filters applied when assembling: they work on cached layer scans too. */
export interface SecretFindingOptions {
  /** Rule ids not reported. */
  disable?: readonly string[] | undefined;
  /** Files (absolute image paths) whose findings are not reported. */
  allowPaths?: readonly RegExp[] | undefined;
  /** Config values (ENV, labels, history) matching one of these are not reported (file values are filtered by the visitor). */
  allowValues?: readonly RegExp[] | undefined;
}

// layer outputs may come from the layer cache: checked, not trusted
const outputSchema = z.object({
  matches: z.array(
    z.object({
      ruleId: z.string(),
      line: z.number(),
      column: z.number(),
      masked: z.string(),
      offset: z.number(),
      length: z.number(),
      hash: z.string(),
    }),
  ),
});

/**
 * Every secret finding of an image: what the `secrets` visitor found in each layer's files (each
 * finding says whether the file is still in the final image, or which later layer deleted or
 * overwrote it, which does not remove it from the image) and what is in the image config.
 * Messages, locations and fingerprints never hold a secret.
 */
export function secretFindings(model: ImageModel, options: SecretFindingOptions = {}): RuleFinding[] {
  const rules = enabledSecretRules(options.disable);
  const enabled = new Set(rules.map((rule) => rule.meta.id));
  const allowPaths = options.allowPaths ?? [];
  const config = configSecretFindings(model, rules, options.allowValues ?? []);
  // created_by lines are quoted in locations; a secret found in one must not be
  const clean = (text: string | undefined): string | undefined => (text === undefined ? undefined : redact(text, config.secrets));

  const hidden = new Map<string, HiddenFile>();
  for (const file of model.view.hidden) hidden.set(`${file.layer}\0${file.entry.path}`, file);

  const findings: RuleFinding[] = [];
  for (const [index, layer] of model.layers.entries()) {
    for (const analysis of layer.scan.analyses) {
      if (analysis.analyzer !== secretVisitorId || allowPaths.some((allow) => allow.test(analysis.path))) continue;
      const parsed = outputSchema.safeParse(analysis.output);
      if (!parsed.success) continue;
      const where = whereNow(model, hidden, index, analysis.path);
      for (const match of parsed.data.matches) {
        if (!enabled.has(match.ruleId)) continue;
        findings.push(fileFinding(layer, index, analysis.path, match, where, clean));
      }
    }
  }
  for (const finding of config.findings) {
    if (finding.location.layer) finding.location.layer.createdBy = clean(finding.location.layer.createdBy);
  }
  return [...findings, ...config.findings];
}

/** Where a file a layer added is in the final image: still there, or hidden by which later layer. */
function whereNow(model: ImageModel, hidden: Map<string, HiddenFile>, layer: number, path: string): string {
  const gone = hidden.get(`${layer}\0${path}`);
  if (gone) {
    const how = gone.how === 'deleted' ? 'deleted' : 'overwritten';
    return `${how} in layer ${gone.hiddenBy}, but still in the image (layer ${layer} ships it)`;
  }
  return model.view.get(path)?.layer === layer ? 'present in the final filesystem' : 'not in the final filesystem, but still in the image';
}

function fileFinding(
  layer: ImageLayer,
  index: number,
  path: string,
  match: SecretMatch,
  where: string,
  clean: (text: string | undefined) => string | undefined,
): RuleFinding {
  const rule = secretRule(match.ruleId);
  const title = rule?.meta.title ?? match.ruleId;
  const createdBy = clean(layer.history?.created_by);
  const step = createdBy === undefined ? '' : ` by \`${instructionOf(createdBy) ?? createdBy}\``;
  return {
    ruleId: match.ruleId,
    title,
    severity: rule?.meta.severity ?? 'HIGH',
    message: `${title} ${match.masked} in ${path} line ${match.line}, added in layer ${index}${step}; ${where}`,
    location: {
      layer: { index, digest: layer.blob.digest, createdBy },
      path,
      startLine: match.line,
      startColumn: match.column,
    },
    // the uncompressed layer's digest survives recompression on push
    fingerprint: fingerprintOf(match.ruleId, layer.blob.diffId, path, match.hash),
  };
}
