import { ALLOWED, INVALID, containers, obj, show, val, type Invalid, type Obj } from '../access.js';
import type { CheckFn, PssCheck } from '../types.js';
import { forbid } from './helpers.js';

const POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

/** The annotation values that keep a seccomp filter on. */
function validAnnotation(v: unknown): boolean {
  return typeof v === 'string' && (v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/'));
}

/** v1.0–v1.18: only the alpha annotations exist. An annotation for no visited container is ignored, as in PSA. */
const byAnnotations: CheckFn = (metadata, spec) => {
  const annotations = obj(metadata, 'annotations');
  if (annotations === INVALID) return forbid('seccompProfile', 'metadata.annotations is not a map');
  if (annotations === undefined) return ALLOWED;
  const forbidden: string[] = [];
  if (POD_ANNOTATION in annotations && !validAnnotation(annotations[POD_ANNOTATION])) {
    forbidden.push(`${POD_ANNOTATION}=${show(annotations[POD_ANNOTATION])}`);
  }
  for (const c of containers(spec)) {
    const key = CONTAINER_ANNOTATION_PREFIX + c.name;
    if (key in annotations && !validAnnotation(annotations[key])) forbidden.push(`${key}=${show(annotations[key])}`);
  }
  if (forbidden.length === 0) return ALLOWED;
  return forbid('seccompProfile', `forbidden annotations ${forbidden.join(', ')}`);
};

/** A set `seccompProfile` must not be Unconfined (nor anything but RuntimeDefault/Localhost). */
function badProfile(securityContext: Obj | Invalid | undefined): string | undefined {
  const profile = obj(securityContext, 'seccompProfile');
  if (profile === undefined) return undefined;
  const type = val(profile, 'type');
  return type === 'RuntimeDefault' || type === 'Localhost' ? undefined : show(type);
}

/** v1.19+: the `seccompProfile` fields (annotations are no longer read). */
const byFields: CheckFn = (_metadata, spec) => {
  const forbidden: string[] = [];
  const pod = badProfile(obj(spec, 'securityContext'));
  if (pod !== undefined) forbidden.push(`pod must not set securityContext.seccompProfile.type to ${JSON.stringify(pod)}`);
  for (const c of containers(spec)) {
    const type = c.container === INVALID ? '<invalid>' : badProfile(obj(c.container, 'securityContext'));
    if (type !== undefined) forbidden.push(`container ${JSON.stringify(c.name)} must not set securityContext.seccompProfile.type to ${JSON.stringify(type)}`);
  }
  if (forbidden.length === 0) return ALLOWED;
  return forbid('seccompProfile', forbidden.join('; '));
};

/** Baseline: seccomp must not be explicitly disabled (annotations before v1.19, fields from v1.19). */
export const seccompProfileBaseline: PssCheck = {
  id: 'seccompProfile_baseline',
  level: 'baseline',
  versions: [
    { minVersion: 0, check: byAnnotations },
    { minVersion: 19, check: byFields },
  ],
};
