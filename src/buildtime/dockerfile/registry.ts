import { baseImageDigest } from './rules/base-image-digest.js';
import { baseImageTag } from './rules/base-image-tag.js';
import { userRoot } from './rules/user-root.js';
import { addInsteadOfCopy } from './rules/add-instead-of-copy.js';
import { addRemoteUrl } from './rules/add-remote-url.js';
import { aptPin } from './rules/apt-pin.js';
import { aptNoInstallRecommends } from './rules/apt-no-install-recommends.js';
import { aptListsCleanup } from './rules/apt-lists-cleanup.js';
import { aptYes } from './rules/apt-yes.js';
import { aptUpgrade } from './rules/apt-upgrade.js';
import { aptUpdateAlone } from './rules/apt-update-alone.js';
import { aptNotAptGet } from './rules/apt-not-apt-get.js';
import { apkPin } from './rules/apk-pin.js';
import { apkNoCache } from './rules/apk-no-cache.js';
import { rpmPin } from './rules/rpm-pin.js';
import { rpmYes } from './rules/rpm-yes.js';
import { rpmClean } from './rules/rpm-clean.js';
import { pipeToShell } from './rules/pipe-to-shell.js';
import { sudo } from './rules/sudo.js';
import { secretsInArgEnv } from './rules/secrets-in-arg-env.js';
import { copyContextNoDockerignore } from './rules/copy-context-no-dockerignore.js';
import { exposeSsh } from './rules/expose-ssh.js';
import { healthcheckMissing } from './rules/healthcheck-missing.js';
import { worldWritableMode } from './rules/world-writable.js';
import { workdirRelative } from './rules/workdir-relative.js';
import { multipleCmdEntrypoint } from './rules/multiple-cmd-entrypoint.js';
import { shellFormCmd } from './rules/shell-form-cmd.js';
import { pipNoCacheDir } from './rules/pip-no-cache-dir.js';
import { pipPin } from './rules/pip-pin.js';
import { npmInstall } from './rules/npm-install.js';
import { npmPin } from './rules/npm-pin.js';
import { undefinedStage } from './rules/undefined-stage.js';
import { copyFromSelf } from './rules/copy-from-self.js';
import { cdInRun } from './rules/cd-in-run.js';
import { consecutiveRun } from './rules/consecutive-run.js';
import { maintainer } from './rules/maintainer.js';
import { pipefail } from './rules/pipefail.js';
import { malformed } from './rules/malformed.js';
import { duplicateStageName } from './rules/duplicate-stage-name.js';
import { unverifiedDownloads } from './rules/unverified-downloads.js';
import { exposeInvalidPort } from './rules/expose-invalid-port.js';
import { multipleHealthcheck } from './rules/multiple-healthcheck.js';
import type { DockerfileRule } from './rule.js';

/** Every Dockerfile rule, in id order. Ids are permanent: a retired rule keeps its id unused. */
export const dockerfileRules: readonly DockerfileRule[] = [
  baseImageDigest,
  baseImageTag,
  userRoot,
  addInsteadOfCopy,
  addRemoteUrl,
  aptPin,
  aptNoInstallRecommends,
  aptListsCleanup,
  aptYes,
  aptUpgrade,
  aptUpdateAlone,
  aptNotAptGet,
  apkPin,
  apkNoCache,
  rpmPin,
  rpmYes,
  rpmClean,
  pipeToShell,
  sudo,
  secretsInArgEnv,
  copyContextNoDockerignore,
  exposeSsh,
  healthcheckMissing,
  worldWritableMode,
  workdirRelative,
  multipleCmdEntrypoint,
  shellFormCmd,
  pipNoCacheDir,
  pipPin,
  npmInstall,
  npmPin,
  undefinedStage,
  copyFromSelf,
  cdInRun,
  consecutiveRun,
  maintainer,
  pipefail,
  malformed,
  duplicateStageName,
  unverifiedDownloads,
  exposeInvalidPort,
  multipleHealthcheck,
];

/** A rule by its id (`SS-DF-003`). */
export function dockerfileRule(id: string): DockerfileRule | undefined {
  return dockerfileRules.find((r) => r.meta.id === id);
}
