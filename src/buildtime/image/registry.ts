import type { ImageRule } from './rule.js';
import { addRemoteUrl } from './rules/add-remote-url.js';
import { exposedSshPort } from './rules/exposed-ssh-port.js';
import { healthcheckMissing } from './rules/healthcheck-missing.js';
import { mutableBase } from './rules/mutable-base.js';
import { packageCaches } from './rules/package-caches.js';
import { runsAsRoot } from './rules/runs-as-root.js';
import { setuidFiles } from './rules/setuid-files.js';
import { sshPresent } from './rules/ssh-present.js';
import { wastedSpace } from './rules/wasted-space.js';
import { worldWritable } from './rules/world-writable.js';

/** Every image-configuration rule, in id order. Ids are permanent: retire a rule, never reuse its id. */
export const imageRules: readonly ImageRule[] = [
  runsAsRoot,
  healthcheckMissing,
  setuidFiles,
  worldWritable,
  mutableBase,
  packageCaches,
  sshPresent,
  addRemoteUrl,
  wastedSpace,
  exposedSshPort,
];
