/**
 * Steps proposed for a TeamCity Kotlin DSL build: a `script { }` step inserted among the build's
 * `steps` before or after the one that pushes, with the `script` import the step needs. Images are
 * written as the build writes them (`%image.name%:%image.version%`), inside double-quoted shell
 * words; the script text is a Kotlin string where literal `$`, `"`, `\` and TeamCity's `%` are
 * escaped. The cosign key comes from password parameters of the project.
 */
import { withoutTag } from '../../../buildtime/ci/names.js';
import type { FileEdit } from '../model.js';
import { where } from './ci.js';
import type { ProvenanceFacts, StepProposal, StepRequest } from './ci-steps.js';
import {
  artefactCommands,
  dockerDigestRef,
  joinLines,
  pushedThroughDocker,
  scanFlags,
  scanSubject,
  signingSecrets,
  stepTitles,
  scanBeforePush,
  splitBuildAndPush,
} from './ci-steps.js';
import { shellWordPieces, teamcityString, valuePieces, type Piece } from './quote.js';

/** The import a `script { }` step needs (TeamCity 2024.03 DSL). */
const scriptImport = 'import jetbrains.buildServer.configs.kotlin.buildSteps.script';

const provenance: ProvenanceFacts = {
  buildType: 'https://www.jetbrains.com/help/teamcity/kotlin-dsl.html',
  builder: [{ ref: '%teamcity.serverUrl%' }],
  repository: [{ ref: '%vcsroot.url%' }],
  ref: [{ ref: '%teamcity.build.branch%' }],
  commit: [{ ref: '%build.vcs.number%' }],
  invocation: [{ ref: '%teamcity.serverUrl%' }, '/viewLog.html?buildId=', { ref: '%teamcity.build.id%' }],
};

/** A `script { }` step whose script is these pieces. */
function scriptStep(name: string, script: readonly Piece[]): string {
  return ['script {', `    name = ${teamcityString([name])}`, `    scriptContent = ${teamcityString(script)}`, '}'].join('\n');
}

export function teamcityStep(request: StepRequest): StepProposal {
  const { pipeline, push, purpose } = request;
  const file = push.location.file;
  const place = where(push.location);
  const importEdit: FileEdit = { kind: 'import', file, text: scriptImport };
  if (purpose === 'scan') {
    const subject = shellWordPieces(valuePieces(scanSubject(pipeline, push), 'teamcity'));
    const text = scriptStep(stepTitles.scan, [`trivy image ${scanFlags(request)} `, ...subject]);
    if (push.withBuild)
      return splitBuildAndPush(push, `the step at ${place} builds and pushes at once: make it build only, add this scan after it, then push`, text);
    const summary = `scan before the push at ${place}: add this step just before the step that pushes (needs trivy on the agent), and the script import`;
    const proposal = scanBeforePush(request, text, 'steps', summary);
    return { ...proposal, edits: [...proposal.edits, importEdit] };
  }
  const image = shellWordPieces(valuePieces(push.image, 'teamcity'));
  const repositoryAt = shellWordPieces([...valuePieces(withoutTag(push.image), 'teamcity'), '@']);
  const script = joinLines([['set -e'], dockerDigestRef(image, repositoryAt), ...artefactCommands(purpose, 'env://COSIGN_PRIVATE_KEY', '"$ref"', provenance)]);
  const text = scriptStep(stepTitles[purpose], script);
  if (!pushedThroughDocker(push)) {
    return {
      summary: `the push at ${place} does not go through the agent's Docker daemon, which would record its digest: capture the digest the push reports and act on <repository>@<digest> as this does`,
      snippet: text,
      line: push.location.line,
      edits: [],
    };
  }
  return {
    summary: `add this step right after the step that pushes at ${place}, and the script import: it acts on the pushed digest (needs docker${purpose === 'sbom' ? ', trivy' : ''} and cosign on the agent; the key comes from the ${signingSecrets.teamcity})`,
    snippet: text,
    line: push.location.line,
    edits: [{ kind: 'insert', file, line: push.location.line, position: 'after', within: 'steps', text }, importEdit],
  };
}
