/** References shared by every secret rule. */
const secretReferences: readonly string[] = [
  'CWE-798: Use of Hard-coded Credentials',
  'NIST SP 800-190 §4.1.4 Embedded clear text secrets',
  'CIS Docker Benchmark 4.10: Ensure secrets are not stored in Dockerfiles',
];

/** Why a secret in any layer matters, whatever its kind. */
export const layerRationale =
  'Anyone who can pull the image can read every layer, including files a later layer deleted; the credential must be treated as leaked.';

export const rotateRemediation =
  'Revoke and rotate the credential, remove it from the build context and history (rebuild, do not just delete it in a later layer), and pass secrets at run time or with build secrets (`RUN --mount=type=secret`).';

/** `refs` plus the shared references. */
export function refs(...extra: string[]): string[] {
  return [...extra, ...secretReferences];
}
