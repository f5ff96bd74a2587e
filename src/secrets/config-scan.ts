import { instructionOf } from '../image/history.js';
import type { ImageLayer, ImageModel } from '../image/read-image.js';
import { fingerprintOf } from '../rules/fingerprint.js';
import type { FindingLocation, RuleFinding } from '../rules/rule.js';
import { secretRule } from './registry.js';
import { scanContent } from './scan-file.js';
import type { SecretMatch, SecretRule, SecretScope } from './types.js';

/** One string of the image config to scan, with where it is and how to name it. */
interface ConfigString {
  /** `config:Env/DB_PASSWORD`, `config:Labels/<name>`, `config:history/5`. */
  path: string;
  /** How the message names it: `ENV DB_PASSWORD`. */
  what: string;
  text: string;
  /** Scope of the name-based rule for this kind of string, besides the content rules. */
  scope: SecretScope | undefined;
  layer?: FindingLocation['layer'];
}

/** What the config scan reads of an image: its config, and its layers to place history steps (none: unplaced). */
export interface ConfigOf {
  image: Pick<ImageModel['image'], 'config'>;
  layers: readonly ImageLayer[];
}

/** Findings in the image config, and the secrets themselves (kept in memory only, to redact other text). */
export interface ConfigSecrets {
  findings: RuleFinding[];
  secrets: string[];
}

/**
 * Secrets in the image config: ENV variables and labels (by name, or by value matching a content
 * rule), the entrypoint, cmd and healthcheck (content rules), and history `created_by` lines
 * (build args like `|1 NPM_TOKEN=... /bin/sh -c`, ENV steps, and any value matching a content rule). Each secret is reported once, at the first place found
 * (so the ENV history step that set a variable does not repeat it).
 */
export function configSecretFindings(model: ConfigOf, rules: readonly SecretRule[], allowValues: readonly RegExp[]): ConfigSecrets {
  const findings: RuleFinding[] = [];
  const secrets: string[] = [];
  const seen = new Set<string>();
  for (const item of configStrings(model)) {
    // content rules name a secret more precisely than the name-based rules, so they go first
    const content = scanContent(item.path, item.text, rules, { scope: 'content', allowValues });
    const named = item.scope && content.length === 0 ? scanContent(item.path, item.text, rules, { scope: item.scope, allowValues }) : [];
    for (const match of [...content, ...named]) {
      secrets.push(item.text.slice(match.offset, match.offset + match.length));
      if (seen.has(match.hash)) continue;
      seen.add(match.hash);
      findings.push(configFinding(item, match));
    }
  }
  return { findings, secrets };
}

function configFinding(item: ConfigString, match: SecretMatch): RuleFinding {
  const rule = secretRule(match.ruleId);
  const title = rule?.meta.title ?? match.ruleId;
  return {
    ruleId: match.ruleId,
    title,
    severity: rule?.meta.severity ?? 'HIGH',
    message: `${title} ${match.masked} in ${item.what} of the image config`,
    location: { path: item.path, layer: item.layer },
    fingerprint: fingerprintOf(match.ruleId, item.path, match.hash),
  };
}

function* configStrings(model: ConfigOf): Generator<ConfigString> {
  const config = model.image.config.config;
  for (const env of config?.Env ?? []) {
    const name = env.includes('=') ? env.slice(0, env.indexOf('=')) : env;
    yield { path: `config:Env/${name}`, what: `ENV ${name}`, text: env, scope: 'env' };
  }
  for (const [name, value] of Object.entries(config?.Labels ?? {})) {
    yield { path: `config:Labels/${name}`, what: `LABEL ${name}`, text: `${name}=${value}`, scope: 'label' };
  }
  // the command lines the image runs: `image inspect` shows them, so what they hold is looked for too
  for (const [field, words] of [
    ['Entrypoint', config?.Entrypoint],
    ['Cmd', config?.Cmd],
    ['Healthcheck', config?.Healthcheck?.Test],
  ] as const) {
    if (words && words.length > 0) yield { path: `config:${field}`, what: field.toUpperCase(), text: words.join(' '), scope: undefined };
  }
  const layerOf = new Map(model.layers.map((layer) => [layer.history, layer]));
  for (const [index, entry] of (model.image.config.history ?? []).entries()) {
    const createdBy = entry.created_by;
    if (!createdBy) continue;
    const layer = layerOf.get(entry);
    const at = layer ? { index: layer.blob.index, digest: layer.blob.digest, createdBy } : undefined;
    const path = `config:history/${index}`;
    // the step's text may hold the secret: it is named by number and kind, never quoted
    const step = `history step ${index} (${(instructionOf(createdBy) ?? '').split(/\s/, 1)[0] || 'created_by'})`;
    yield { path, what: step, text: createdBy, scope: undefined, layer: at };
    for (const arg of buildArgs(createdBy)) {
      yield { path, what: `build arg ${arg.slice(0, arg.indexOf('='))} of ${step}`, text: arg, scope: 'build-arg', layer: at };
    }
    for (const assignment of envAssignments(instructionOf(createdBy) ?? '')) {
      yield { path, what: `${step}, variable ${assignment.slice(0, assignment.indexOf('='))}`, text: assignment, scope: 'env', layer: at };
    }
  }
}

/** `NAME=value` pairs of the `|N A=1 B=2 /bin/sh -c ...` prefix that classic builders and BuildKit write. */
export function buildArgs(createdBy: string): string[] {
  const prefix = /^(?:RUN\s+)?\|(\d+)\s+(.*)$/s.exec(createdBy.trim());
  if (!prefix?.[1] || prefix[2] === undefined) return [];
  const count = Number(prefix[1]);
  return (prefix[2].match(/[A-Za-z_][A-Za-z0-9_]*=\S*/g) ?? []).slice(0, count);
}

/** `NAME=value` pairs of an `ENV` instruction (history keeps values a later ENV replaced). */
export function envAssignments(instruction: string): string[] {
  const env = /^ENV\s+(.*)$/s.exec(instruction);
  if (!env?.[1]) return [];
  const body = env[1].trim();
  // legacy `ENV NAME value` form
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(body)) return [body.replace(/^(\S+)\s+/, '$1=')];
  return (body.match(/[A-Za-z_][A-Za-z0-9_]*=(?:"[^"]*"|'[^']*'|\S*)/g) ?? []).map((pair) => pair.replace(/=(["'])(.*)\1$/s, '=$2'));
}
