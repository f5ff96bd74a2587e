import type { KeyObject } from 'node:crypto';
import { AbortedError, ShipshapeError, messageOf } from '../../core/errors.js';
import type { FetchedManifest, RegistryClient } from '../../image/registry/client.js';
import type { Descriptor } from '../../image/schema.js';
import type { AttestationEvidence, SignatureEvidence } from '../model.js';

/** Bounds on what one discovery reads: signatures and attestations are foreign, possibly hostile data. */
export const discoveryLimits = {
  /** Referrer manifests (referrers index entries, BuildKit attestation manifests) followed per image. */
  maxReferrers: 100,
  /** Platform manifests of an index whose own signatures are looked for. */
  maxPlatforms: 64,
  /** Layers (signatures, attestations) read from one signature/attestation manifest. */
  maxLayers: 100,
  /** A signature or attestation manifest. */
  maxManifestBytes: 4 * 1024 * 1024,
  /** A signature payload, DSSE envelope or in-toto statement. */
  maxPayloadBytes: 1024 * 1024,
} as const;

/** What one `discoverReferrers` call carries around and collects. */
export class DiscoveryContext {
  readonly signatures: SignatureEvidence[] = [];
  readonly attestations: AttestationEvidence[] = [];
  readonly artifactDigests = new Set<string>();
  /** Referrer manifests still allowed to be followed. */
  referrerBudget: number = discoveryLimits.maxReferrers;
  private budgetReported = false;

  constructor(
    readonly client: RegistryClient,
    readonly repository: string,
    readonly tags: ReadonlySet<string>,
    readonly keys: readonly KeyObject[],
    readonly diagnostics: string[],
    readonly signal: AbortSignal | undefined,
  ) {}

  /** `team/app@sha256:…`, how diagnostics name an object. */
  name(digestOrTag: string): string {
    return `${this.client.registry}/${this.repository}${digestOrTag.includes(':') ? '@' : ':'}${digestOrTag}`;
  }

  /** Takes one referrer from the budget; false (and one diagnostic) once it is spent. */
  takeReferrer(subject: string): boolean {
    if (this.referrerBudget > 0) {
      this.referrerBudget--;
      return true;
    }
    if (!this.budgetReported) {
      this.diagnostics.push(`${this.name(subject)}: more than ${discoveryLimits.maxReferrers} signature/attestation manifests; the rest were not read`);
      this.budgetReported = true;
    }
    return false;
  }

  /**
   * Runs a read whose failure is not fatal to the scan (a missing blob, garbage JSON, a registry
   * error): a ShipshapeError becomes a diagnostic prefixed by `what`, and the result undefined.
   * Cancellation and programming errors still propagate.
   */
  async attempt<T>(what: string, work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AbortedError || this.signal?.aborted === true || !(error instanceof ShipshapeError)) throw error;
      this.diagnostics.push(`${what}: ${messageOf(error)}`);
      return undefined;
    }
  }

  /** A signature/attestation manifest, bounded. */
  getManifest(reference: string, expectedSize?: number): Promise<FetchedManifest> {
    return this.client.getManifest(this.repository, reference, {
      signal: this.signal,
      maxBytes: discoveryLimits.maxManifestBytes,
      expectedSize,
    });
  }

  /** A payload blob, bounded and digest-verified. */
  getPayload(layer: Descriptor): Promise<Buffer> {
    return this.client.getBlob(this.repository, layer, { signal: this.signal, maxBytes: discoveryLimits.maxPayloadBytes });
  }
}
