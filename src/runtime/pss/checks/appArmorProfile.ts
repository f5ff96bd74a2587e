import { ALLOWED, INVALID, containers, isUnset, obj, show, val, type Invalid, type Obj } from '../access.js';
import type { PssCheck } from '../types.js';
import { forbid } from './helpers.js';

const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

/** Annotation values: empty, `runtime/default` or `localhost/<profile>`. */
function validAnnotation(v: unknown): boolean {
  return typeof v === 'string' && (v === '' || v === 'runtime/default' || v.startsWith('localhost/'));
}

/** A set `appArmorProfile` must have type RuntimeDefault or Localhost (so Unconfined, or none, fails). */
function badProfile(securityContext: Obj | Invalid | undefined): boolean {
  const profile = obj(securityContext, 'appArmorProfile');
  if (profile === undefined) return false;
  const type = val(profile, 'type');
  return type !== 'RuntimeDefault' && type !== 'Localhost';
}

/**
 * Baseline: AppArmor must not be disabled, via the beta annotations or the `appArmorProfile` fields.
 * PSA has a single v1.0 entry that checks both (the fields were added to it for all versions).
 */
export const appArmorProfile: PssCheck = {
  id: 'appArmorProfile',
  level: 'baseline',
  versions: [
    {
      minVersion: 0,
      check: (metadata, spec) => {
        const forbidden: string[] = [];
        const annotations = obj(metadata, 'annotations');
        if (annotations === INVALID) forbidden.push('metadata.annotations is not a map');
        else if (annotations !== undefined) {
          for (const [key, value] of Object.entries(annotations)) {
            if (key.startsWith(ANNOTATION_PREFIX) && !validAnnotation(value)) forbidden.push(`${key}=${show(value)}`);
          }
        }
        const podSc = obj(spec, 'securityContext');
        if (badProfile(podSc)) {
          forbidden.push(`pod must not set securityContext.appArmorProfile.type to ${show(val(obj(podSc, 'appArmorProfile'), 'type'))}`);
        }
        for (const c of containers(spec)) {
          const sc = obj(c.container, 'securityContext');
          if (c.container === INVALID || badProfile(sc)) {
            const type = val(obj(sc, 'appArmorProfile'), 'type');
            forbidden.push(`container ${JSON.stringify(c.name)} must not set securityContext.appArmorProfile.type to ${isUnset(type) ? '""' : show(type)}`);
          }
        }
        if (forbidden.length === 0) return ALLOWED;
        return forbid('forbidden AppArmor profile', forbidden.join('; '));
      },
    },
  ],
};
