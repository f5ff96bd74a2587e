import { ALLOWED, INVALID, isObj, isUnset, joinQuote, list, show } from '../access.js';
import type { PssCheck } from '../types.js';
import { forbid, uniq } from './helpers.js';

/** Volume sources allowed at restricted (`image` was added to PSA's v1.0 function, so all versions). */
const ALLOWED_SOURCES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'] as const;

/** The volume sources PSA names when it forbids them; any other source is reported as "unknown". */
const KNOWN_FORBIDDEN = [
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'portworxVolume',
  'photonPersistentDisk',
  'scaleIO',
  'storageos',
  'hostPath',
] as const;

/**
 * Whether a volume sets no source at all: the API server defaults it to `emptyDir`, so PSA
 * (and its fixtures, e.g. restricted `restrictedvolumes0`) see an emptyDir and allow it.
 */
function isImplicitEmptyDir(volume: Record<string, unknown>): boolean {
  return Object.entries(volume).every(([key, value]) => key === 'name' || isUnset(value));
}

/**
 * Restricted: volumes may only use the allowed sources; replaces `hostPathVolumes`.
 * As in PSA, an allowed source wins. Any other source, including keys we do not know (which the
 * API server would reject or drop), is forbidden, the unknown ones as "unknown" (fail closed).
 */
export const restrictedVolumes: PssCheck = {
  id: 'restrictedVolumes',
  level: 'restricted',
  versions: [
    {
      minVersion: 0,
      overrides: ['hostPathVolumes'],
      check: (_metadata, spec) => {
        const volumes = list(spec, 'volumes');
        if (volumes === INVALID) return forbid('restricted volume types', 'spec.volumes is not a list');
        const badNames: string[] = [];
        const badTypes: string[] = [];
        volumes.forEach((v, i) => {
          if (isObj(v) && (isImplicitEmptyDir(v) || ALLOWED_SOURCES.some((s) => !isUnset(v[s])))) return;
          badNames.push(isObj(v) && typeof v.name === 'string' ? v.name : `<volumes[${i}]>`);
          const known = isObj(v) ? KNOWN_FORBIDDEN.find((s) => !isUnset(v[s])) : undefined;
          badTypes.push(known ?? 'unknown');
        });
        if (badNames.length === 0) return ALLOWED;
        return forbid('restricted volume types', `volumes ${joinQuote(badNames)} use restricted volume types ${joinQuote(uniq(badTypes).map(show))}`);
      },
    },
  ],
};
