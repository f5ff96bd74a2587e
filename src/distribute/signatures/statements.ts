import { CorruptInputError } from '../../core/errors.js';
import type { Descriptor } from '../../image/schema.js';
import { ArtifactAnnotation } from './media-types.js';
import type { DiscoveryContext } from './context.js';
import { isRecord } from '../../core/records.js';

/**
 * The `predicateType` of an in-toto statement, given the statement itself or a DSSE envelope
 * around it (`{"payloadType":…,"payload":<base64 statement>,"signatures":[…]}`).
 */
function predicateTypeOf(what: string, body: Buffer): string {
  let document: unknown;
  try {
    document = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new CorruptInputError(`${what} is not valid JSON`, { cause: error });
  }
  if (isRecord(document) && typeof document.payloadType === 'string' && typeof document.payload === 'string') {
    try {
      document = JSON.parse(Buffer.from(document.payload, 'base64').toString('utf8'));
    } catch (error) {
      throw new CorruptInputError(`${what}: the DSSE payload is not a JSON in-toto statement`, { cause: error });
    }
  }
  if (!isRecord(document) || typeof document.predicateType !== 'string' || document.predicateType === '') {
    throw new CorruptInputError(`${what} has no predicateType (not an in-toto statement)`);
  }
  return document.predicateType;
}

/** A predicate type from a layer's annotations (cosign `predicateType`, BuildKit `in-toto.io/predicate-type`). */
function annotatedPredicateType(layer: Descriptor): string | undefined {
  const annotations = layer.annotations ?? {};
  const value = annotations[ArtifactAnnotation.cosignPredicateType] ?? annotations[ArtifactAnnotation.inTotoPredicateType];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * A layer's predicate type: annotated, else read from the statement in the blob (bounded). undefined,
 * with a diagnostic, when the blob cannot be read or is not a statement.
 */
export async function layerPredicateType(ctx: DiscoveryContext, layer: Descriptor, what: string): Promise<string | undefined> {
  const annotated = annotatedPredicateType(layer);
  if (annotated !== undefined) return annotated;
  return ctx.attempt(what, async () => predicateTypeOf(`${what} (blob ${layer.digest})`, await ctx.getPayload(layer)));
}
