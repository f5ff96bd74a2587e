import type { HostRule } from './rule.js';
import { configFilePermissions } from './rules/config-file-permissions.js';
import { containerdRegistryTls } from './rules/containerd-registry-tls.js';
import { containerdUnprivileged } from './rules/containerd-unprivileged.js';
import { containersInsecureRegistries } from './rules/containers-insecure-registries.js';
import { dockerIcc } from './rules/docker-icc.js';
import { dockerInsecureRegistries } from './rules/docker-insecure-registries.js';
import { dockerLiveRestore } from './rules/docker-live-restore.js';
import { dockerNoNewPrivileges } from './rules/docker-no-new-privileges.js';
import { dockerTcpApi } from './rules/docker-tcp-api.js';
import { dockerUserlandProxy } from './rules/docker-userland-proxy.js';
import { dockerUsernsRemap } from './rules/docker-userns-remap.js';
import { engineSocketAccess } from './rules/engine-socket-access.js';
import { tlsKeyPermissions } from './rules/tls-key-permissions.js';

/** Every host engine-configuration rule, in id order. Ids are permanent: a retired rule's id is never reused. */
export const hostRules: readonly HostRule[] = [
  dockerTcpApi,
  dockerInsecureRegistries,
  dockerIcc,
  dockerUsernsRemap,
  dockerLiveRestore,
  dockerNoNewPrivileges,
  dockerUserlandProxy,
  containerdRegistryTls,
  containerdUnprivileged,
  containersInsecureRegistries,
  engineSocketAccess,
  configFilePermissions,
  tlsKeyPermissions,
];
