/**
 * Steps proposed for a Jenkinsfile: placed next to the push statement (inside the same `steps`,
 * `script` or `docker.withRegistry` block, so registry credentials still hold), images passed
 * through `withEnv` as GStrings written like the pipeline writes them, shell scripts in
 * single-quoted Groovy strings that read only `"$VARIABLES"`, the cosign key from the Jenkins
 * credentials store.
 */
import { withoutTag } from '../../../buildtime/ci/names.js';
import { where } from './ci.js';
import type { ProvenanceFacts, StepProposal, StepRequest } from './ci-steps.js';
import {
  artefactCommands,
  dockerDigestRef,
  pushedThroughDocker,
  scanBeforePush,
  scanFlags,
  scanSubject,
  signingSecrets,
  splitBuildAndPush,
} from './ci-steps.js';
import { groovyDouble, groovySingle, groovyTripleSingle, textOf, valuePieces } from './quote.js';

const provenance: ProvenanceFacts = {
  buildType: 'https://www.jenkins.io/doc/book/pipeline/',
  builder: ['${JENKINS_URL:-jenkins}'],
  repository: ['${GIT_URL:-}'],
  ref: ['${GIT_BRANCH:-}'],
  commit: ['${GIT_COMMIT:-}'],
  invocation: ['${BUILD_URL:-}'],
};

const credentials =
  "withCredentials([file(credentialsId: 'cosign-private-key', variable: 'COSIGN_KEY'), string(credentialsId: 'cosign-password', variable: 'COSIGN_PASSWORD')]) {";

export function jenkinsStep(request: StepRequest): StepProposal {
  const { pipeline, push, purpose } = request;
  const file = push.location.file;
  const place = where(push.location);
  if (purpose === 'scan') {
    const subject = scanSubject(pipeline, push);
    const text = [
      `withEnv([${groovyDouble(['SCAN_IMAGE=', ...valuePieces(subject, 'jenkins')])}]) {`,
      `    sh ${groovySingle(`trivy image ${scanFlags(request)} "$SCAN_IMAGE"`)}`,
      '}',
    ].join('\n');
    if (push.withBuild)
      return splitBuildAndPush(push, `the step at ${place} builds and pushes at once: make it build only (no --push), add this scan after it, then push`, text);
    return scanBeforePush(request, text, '*', `scan before the push at ${place}: insert this just before the push statement (needs trivy on the agent)`);
  }
  const env = `withEnv([${groovyDouble(['PUSHED_IMAGE=', ...valuePieces(push.image, 'jenkins')])}, ${groovyDouble(['PUSHED_REPOSITORY=', ...valuePieces(withoutTag(push.image), 'jenkins')])}]) {`;
  const script = [
    ['set -e'],
    dockerDigestRef(['"$PUSHED_IMAGE"'], ['"$PUSHED_REPOSITORY@"']),
    ...artefactCommands(purpose, '"$COSIGN_KEY"', '"$ref"', provenance),
  ].map(textOf);
  const text = [
    env,
    `    ${credentials}`,
    '        sh ' +
      groovyTripleSingle(script)
        .map((l, i) => (i === 0 ? l : `            ${l}`))
        .join('\n'),
    '    }',
    '}',
  ].join('\n');
  if (!pushedThroughDocker(push)) {
    return {
      summary: `the push at ${place} does not go through a local Docker daemon, which would record its digest: capture the digest the push reports and ${purpose === 'sign' ? 'sign' : 'attest'} <repository>@<digest> as this does`,
      snippet: text,
      line: push.location.line,
      edits: [],
    };
  }
  return {
    summary: `${purpose === 'sign' ? 'sign the pushed digest' : purpose === 'sbom' ? 'attach an SBOM to the pushed digest' : 'attach signed provenance to the pushed digest'} right after the push at ${place} (needs docker${purpose === 'sbom' ? ', trivy' : ''} and cosign on the agent; the key comes from the ${signingSecrets.jenkins})`,
    snippet: text,
    line: push.location.line,
    edits: [{ kind: 'insert', file, line: push.location.line, position: 'after', within: '*', text }],
  };
}
