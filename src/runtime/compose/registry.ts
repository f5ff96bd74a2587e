import type { ComposeRule } from './rule.js';
import { capAdd } from './rules/cap-add.js';
import { environmentSecrets } from './rules/environment-secrets.js';
import { hostIpc } from './rules/host-ipc.js';
import { hostNetwork } from './rules/host-network.js';
import { hostPid } from './rules/host-pid.js';
import { imageTag } from './rules/image-tag.js';
import { memoryLimit } from './rules/memory-limit.js';
import { noNewPrivileges } from './rules/no-new-privileges.js';
import { pidsLimit } from './rules/pids-limit.js';
import { portsAllInterfaces } from './rules/ports-all-interfaces.js';
import { privileged } from './rules/privileged.js';
import { readOnlyRootfs } from './rules/read-only-rootfs.js';
import { runtimeSocket } from './rules/runtime-socket.js';
import { hostDevices } from './rules/host-devices.js';
import { user } from './rules/user.js';

/** Every compose rule, in id order. Ids are permanent: a retired rule's id is never reused. */
export const composeRules: readonly ComposeRule[] = [
  privileged,
  capAdd,
  hostNetwork,
  hostPid,
  hostIpc,
  runtimeSocket,
  portsAllInterfaces,
  readOnlyRootfs,
  noNewPrivileges,
  user,
  memoryLimit,
  pidsLimit,
  imageTag,
  environmentSecrets,
  hostDevices,
];
