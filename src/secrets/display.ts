import type { ImageModel } from '../image/read-image.js';
import type { HistoryEntry, ImageConfig } from '../image/schema.js';
import { configSecretFindings } from './config-scan.js';
import { redact } from './mask.js';
import { secretRules } from './registry.js';
import { scanContent } from './scan-file.js';

/**
 * An image config as outputs show it. Every string that could hold a secret — label names and
 * values, ENV entries, entrypoint, cmd, healthcheck, user, working directory, history `created_by`
 * lines and comments — has each secret the config scan finds (every rule `scan` reports by, and no
 * allow-list: masking errs on the side of hiding) replaced by its mask (`ghp_****`). Detection reads
 * the config itself; outputs read this. A config holding no secret is returned as it is.
 */
export function displayConfig(config: ImageConfig): ImageConfig {
  const { secrets } = configSecretFindings({ image: { config }, layers: [] }, secretRules, []);
  if (secrets.length === 0) return config;
  const clean = (text: string): string => redact(text, secrets);
  const cleanAll = <T extends string[] | null | undefined>(list: T): T => (list ? (list.map(clean) as T) : list);
  const settings = config.config;
  const history = config.history?.map((entry): HistoryEntry => {
    const shown = { ...entry };
    if (entry.created_by !== undefined) shown.created_by = clean(entry.created_by);
    if (entry.comment !== undefined) shown.comment = clean(entry.comment);
    return shown;
  });
  return {
    ...config,
    ...(history ? { history } : {}),
    ...(settings
      ? {
          config: {
            ...settings,
            User: settings.User && clean(settings.User),
            WorkingDir: settings.WorkingDir && clean(settings.WorkingDir),
            Env: cleanAll(settings.Env),
            Entrypoint: cleanAll(settings.Entrypoint),
            Cmd: cleanAll(settings.Cmd),
            Labels: settings.Labels && maskedRecord(settings.Labels, clean),
            Healthcheck: settings.Healthcheck && { ...settings.Healthcheck, Test: cleanAll(settings.Healthcheck.Test) },
          },
        }
      : {}),
  };
}

/**
 * The image as outputs show it: its config through `displayConfig`, and each layer's history entry
 * the masked one. Secret scanning reads the image itself; `image inspect`, the SBOMs, `scan` and
 * `registry scan` show this.
 */
export function displayModel(model: ImageModel): ImageModel {
  const { config } = model.image;
  const shown = displayConfig(config);
  if (shown === config) return model;
  // layers point at their history entries: they get the masked ones
  const masked = new Map(config.history?.map((entry, index) => [entry, shown.history?.[index] ?? entry]));
  return {
    ...model,
    image: { ...model.image, config: shown },
    layers: model.layers.map((layer) => (layer.history ? { ...layer, history: masked.get(layer.history) ?? layer.history } : layer)),
  };
}

/** Names and values masked, every key kept (`__proto__` too: the copy has no prototype). */
function maskedRecord(record: Record<string, string>, clean: (text: string) => string): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const [key, value] of Object.entries(record)) out[clean(key)] = clean(value);
  return out;
}

/** Free text (an annotation quoted in a report) with what any content rule finds in it masked. */
export function maskSecretsIn(text: string): string {
  const matches = scanContent('(annotation)', text, secretRules, { scope: 'content' });
  return redact(
    text,
    matches.map((m) => text.slice(m.offset, m.offset + m.length)),
  );
}
