import type { RegistryClient } from '../../image/registry/client.js';
import type { Descriptor } from '../../image/schema.js';
import type { ReferrerSource } from '../model.js';
import { readReferrer } from './classify.js';
import { discoveryLimits, type DiscoveryContext } from './context.js';
import { expectManifest } from './cosign-layers.js';
import { referrersTag } from './tags.js';

/**
 * Clients whose registry answered 404 to the referrers API: it has none (a registry with one answers
 * 200, with an empty index, even for unknown digests), so later images go to the fallback tag directly.
 */
const withoutReferrersApi = new WeakSet<RegistryClient>();

/** The referrers of `subject`, by the API or, where the registry has none, the `sha256-<hex>` fallback tag. */
async function listReferrers(ctx: DiscoveryContext, subject: string): Promise<{ entries: Descriptor[]; source: ReferrerSource } | undefined> {
  if (!withoutReferrersApi.has(ctx.client)) {
    let threw = false;
    const index = await ctx.attempt(`referrers of ${ctx.name(subject)}`, () =>
      ctx.client.getReferrers(ctx.repository, subject, { signal: ctx.signal, maxBytes: discoveryLimits.maxManifestBytes }).catch((error: unknown) => {
        threw = true; // garbage or an error status: not proof that there is no API, and the tag may still help
        throw error;
      }),
    );
    if (index !== undefined) return { entries: index.manifests, source: 'referrers-api' };
    if (!threw) withoutReferrersApi.add(ctx.client);
  }
  const tag = referrersTag(subject);
  if (!ctx.tags.has(tag)) return undefined;
  const what = `referrers fallback tag ${ctx.name(tag)}`;
  const fetched = await ctx.attempt(what, () => ctx.getManifest(tag));
  if (fetched === undefined) return undefined;
  ctx.artifactDigests.add(fetched.digest);
  if (fetched.document.kind !== 'index') {
    // The spec: a fallback tag that is not an index means no referrers.
    ctx.diagnostics.push(`${what} holds a manifest, not an image index; no referrers assumed`);
    return undefined;
  }
  return { entries: fetched.document.index.manifests, source: 'referrers-tag' };
}

/** Reads every referrer of `subject` (within the context's budget) into evidence. */
export async function discoverOciReferrers(ctx: DiscoveryContext, subject: string): Promise<void> {
  const listed = await listReferrers(ctx, subject);
  if (listed === undefined) return;
  for (const entry of listed.entries) {
    if (!ctx.takeReferrer(subject)) return;
    const what = `referrer ${ctx.name(entry.digest)} of ${subject}`;
    const fetched = await ctx.attempt(what, () => ctx.getManifest(entry.digest, entry.size));
    if (fetched === undefined) continue;
    ctx.artifactDigests.add(fetched.digest);
    const manifest = expectManifest(ctx, fetched, what);
    if (manifest === undefined) continue;
    if (manifest.subject !== undefined && manifest.subject.digest !== subject) {
      // A fallback index anyone can write to: an entry for another image is not evidence for this one.
      ctx.diagnostics.push(`${what} names the subject ${manifest.subject.digest}; ignored`);
      continue;
    }
    await readReferrer(ctx, fetched, manifest, entry, subject, listed.source);
  }
}
