/**
 * Steps proposed for a GitHub Actions workflow: new steps inserted among the job's `steps` before
 * or after the step that pushes, images handed to `run:` scripts through the step's `env:` (YAML
 * scalars; scripts only read `"$VARIABLES"`, never `${{ }}` text), the digest from
 * docker/build-push-action's `digest` output (the change gives that step an `id` when it has none),
 * keys from repository secrets.
 */
import type { CiValue } from '../../../buildtime/ci/model.js';
import { withoutTag } from '../../../buildtime/ci/names.js';
import type { FileEdit } from '../model.js';
import { where } from './ci.js';
import type { ProvenanceFacts, StepProposal, StepPurpose, StepRequest } from './ci-steps.js';
import {
  artefactCommands,
  buildLineBefore,
  dockerDigestRef,
  pushedImages,
  pushedThroughDocker,
  repositoriesOf,
  scanFlags,
  scanSubject,
  severities,
  signingSecrets,
  stepTitles,
  toolImages,
  scanBeforePush,
  splitBuildAndPush,
} from './ci-steps.js';
import { shellWord, textOf, valuePieces, yamlScalar } from './quote.js';

const provenance: ProvenanceFacts = {
  buildType: 'https://docs.github.com/actions',
  builder: ['$GITHUB_SERVER_URL/$GITHUB_WORKFLOW_REF'],
  repository: ['$GITHUB_SERVER_URL/$GITHUB_REPOSITORY'],
  ref: ['$GITHUB_REF'],
  commit: ['$GITHUB_SHA'],
  invocation: ['$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID'],
};

const dockerSocket = '-v /var/run/docker.sock:/var/run/docker.sock';
/** Trivy run as a container against the runner's Docker daemon (it is not installed on the runners). */
const trivyRun = `docker run --rm ${dockerSocket} -v "$PWD:/work" -w /work ${toolImages.trivy}`;
const cosignInstaller = ['- name: Install cosign', '  uses: sigstore/cosign-installer@v3'];
const secretsEnv = ['    COSIGN_PRIVATE_KEY: ${{ secrets.COSIGN_PRIVATE_KEY }}', '    COSIGN_PASSWORD: ${{ secrets.COSIGN_PASSWORD }}'];

/** A tag written as one whole expression (`${{ steps.meta.outputs.tags }}`): several tags, named only at run time. */
const wholeExpression = (value: CiValue): boolean => /^\s*\$\{\{(?:(?!\}\})[\s\S])*\}\}\s*$/.test(value.raw);

/** The repository of an image as the workflow can write it; undefined when only the run knows it. */
function repositoryOf(image: CiValue): CiValue | undefined {
  if (!wholeExpression(image)) return withoutTag(image);
  const repository = withoutTag({ ...image, raw: image.resolved });
  return repository.raw.includes('${') ? undefined : { ...repository, raw: repository.resolved };
}

/** `- name: …` with an `env:` block and a `run: |` script. */
function runStep(name: string, env: readonly string[], script: readonly string[], condition: string | undefined): string[] {
  return [
    `- name: ${yamlScalar(name)}`,
    ...(condition === undefined ? [] : [`  if: ${yamlScalar(condition)}`]),
    '  env:',
    ...env,
    '  run: |',
    ...script.map((l) => `    ${l}`),
  ];
}

/** A trivy-action step that fails the job on the policy's severities. */
function trivyAction(image: string, request: StepRequest): string[] {
  return [
    `- name: ${stepTitles.scan}`,
    '  uses: aquasecurity/trivy-action@0.28.0',
    '  with:',
    `    image-ref: ${yamlScalar(image)}`,
    "    exit-code: '1'",
    `    severity: ${severities(request)}`,
    ...(request.ignoreUnfixed ? ['    ignore-unfixed: true'] : []),
  ];
}

function envLine(name: string, value: CiValue | string): string {
  return `    ${name}: ${yamlScalar(typeof value === 'string' ? value : value.raw)}`;
}

export function githubStep(request: StepRequest): StepProposal {
  const { pipeline, push } = request;
  const build = pipeline.steps.find((s) => s.kind === 'build' && s.order === push.order);
  const condition = build?.kind === 'build' ? build.pushCondition?.replace(/^\$\{\{\s*|\s*\}\}$/g, '') : undefined;
  const { purpose } = request;
  if (push.tool === 'build-push-action' && push.withBuild)
    return purpose === 'scan' ? scanBuildPush(request, condition) : afterBuildPush(request, purpose, build?.location.id, condition);
  if (push.withBuild || !pushedThroughDocker(push)) {
    return {
      summary: `the step at ${where(push.location)} pushes without a local Docker daemon recording it: ${request.purpose === 'scan' ? 'build without pushing, scan, then push' : 'take the digest the push reports and act on <repository>@<digest>'} (by hand)`,
      snippet: '',
      line: push.location.line,
      edits: [],
    };
  }
  return purpose === 'scan' ? scanDockerPush(request) : afterDockerPush(request, purpose);
}

/** build-push-action with `push: true`: build into the runner's Docker (`load: true`), scan, then push each tag. */
function scanBuildPush(request: StepRequest, condition: string | undefined): StepProposal {
  const { pipeline, push } = request;
  const file = push.location.file;
  const tags = pushedImages(pipeline, push);
  const scan = trivyAction(tags[0]?.raw ?? '', request);
  const names = tags.map((_, i) => `PUSHED_IMAGE_${i + 1}`);
  const pushStep = runStep(
    'Push image',
    tags.map((tag, i) => envLine(names[i] ?? '', tag)),
    names.map((n) => `docker push "$${n}"`),
    condition,
  );
  const text = [...scan, ...pushStep].join('\n');
  const build = pipeline.steps.find((s) => s.order === push.order);
  const platforms = build?.kind === 'build' ? (build.platforms ?? []) : [];
  if (platforms.length > 1)
    return {
      summary: `the step at ${where(push.location)} builds ${platforms.join(', ')} at once, which cannot be loaded into the runner's Docker to scan before the push: build one platform with load: true to scan it first, or push to a staging tag and scan it there before the release tag (by hand)`,
      snippet: text,
      line: push.location.line,
      edits: [],
    };
  if (tags.some(wholeExpression))
    return {
      summary: `the step at ${where(push.location)} pushes tags only the run knows: make it load the image (push: false, load: true), scan it, then push its tags`,
      snippet: text,
      line: push.location.line,
      edits: [],
    };
  const edits: FileEdit[] = [
    { kind: 'yaml-merge', file, line: push.location.line, within: 'steps', text: 'with:\n  push: false\n  load: true' },
    { kind: 'insert', file, line: push.location.line, position: 'after', within: 'steps', text },
  ];
  return {
    summary: `the step at ${where(push.location)} builds and pushes at once: make it load the image into the runner's Docker (push: false, load: true), then scan and push with these steps after it`,
    snippet: text,
    line: push.location.line,
    edits,
  };
}

/** A `docker push` in a `run:` step: a scan of the image just before it. */
function scanDockerPush(request: StepRequest): StepProposal {
  const { pipeline, push } = request;
  const file = push.location.file;
  const subject = scanSubject(pipeline, push);
  const buildLine = buildLineBefore(pipeline, push);
  const sameStep =
    push.location.step !== undefined &&
    pipeline.steps.some((s) => s.kind === 'build' && s.order < push.order && s.location.step === push.location.step && s.location.file === file);
  if (sameStep) {
    // the build is in the same `run:`: the scan goes on the line before the push, as a container against the runner's Docker
    const command = `docker run --rm ${dockerSocket} ${toolImages.trivy} image ${scanFlags(request)} ${shellWord(valuePieces(subject, 'github-actions'))}`;
    if (buildLine === push.location.line)
      return splitBuildAndPush(push, `${where(push.location)} builds and pushes on one line: split it, and run this between`, command);
    return scanBeforePush(request, command, undefined, `scan before the push at ${where(push.location)}: insert this line just before it`);
  }
  const text = trivyAction(subject.raw, request).join('\n');
  return {
    summary: `scan before the push at ${where(push.location)}: add this step just before the step that pushes`,
    snippet: text,
    line: push.location.line,
    edits: [{ kind: 'insert', file, line: push.location.line, position: 'before', within: 'steps', text }],
  };
}

/** After a build-push-action push: act on its `digest` output. */
function afterBuildPush(request: StepRequest, purpose: Exclude<StepPurpose, 'scan'>, id: string | undefined, condition: string | undefined): StepProposal {
  const { pipeline, push } = request;
  const file = push.location.file;
  const place = where(push.location);
  const stepId = id ?? 'build-image';
  const idEdit: FileEdit[] = id === undefined ? [{ kind: 'yaml-merge', file, line: push.location.line, within: 'steps', text: `id: ${stepId}` }] : [];
  if (purpose === 'sbom') {
    return {
      summary: `let BuildKit attach an SBOM to the image: add this to the build step at ${place}`,
      snippet: 'with:\n  sbom: true',
      line: push.location.line,
      edits: [{ kind: 'yaml-merge', file, line: push.location.line, within: 'steps', text: 'with:\n  sbom: true' }],
    };
  }
  const repositories = repositoriesOf(pushedImages(pipeline, push), (tag) => repositoryOf(tag) ?? tag);
  if (repositories.some(wholeExpression))
    return {
      summary: `the step at ${place} pushes to repositories only the run knows: ${purpose === 'sign' ? 'sign' : 'attest'} each <repository>@\${{ steps.${stepId}.outputs.digest }} by hand`,
      snippet: '',
      line: push.location.line,
      edits: [],
    };
  const digest = `\${{ steps.${stepId}.outputs.digest }}`;
  const ifLine = condition === undefined ? [] : [`  if: ${yamlScalar(condition)}`];
  let steps: string[];
  const edits: FileEdit[] = [...idEdit];
  if (purpose === 'sign') {
    const names = repositories.map((_, i) => `PUSHED_REPOSITORY_${i + 1}`);
    steps = [
      ...cosignInstaller,
      ...ifLine,
      ...runStep(
        stepTitles.sign,
        [...secretsEnv, envLine('DIGEST', digest), ...repositories.map((r, i) => envLine(names[i] ?? '', r))],
        names.map((n) => `cosign sign --yes --key env://COSIGN_PRIVATE_KEY "$${n}@$DIGEST"`),
        condition,
      ),
    ];
  } else {
    steps = repositories.flatMap((r) => [
      `- name: ${stepTitles.provenance}`,
      ...ifLine,
      '  uses: actions/attest-build-provenance@v2',
      '  with:',
      `    subject-name: ${yamlScalar(r.raw)}`,
      `    subject-digest: ${yamlScalar(digest)}`,
      '    push-to-registry: true',
    ]);
    const ghcr = repositories.some((r) => r.resolved.startsWith('ghcr.io/'));
    edits.push({
      kind: 'yaml-merge',
      file,
      line: push.location.line,
      within: 'jobs',
      text: `permissions:\n  contents: read\n  id-token: write\n  attestations: write${ghcr ? '\n  packages: write' : ''}`,
    });
  }
  const text = steps.join('\n');
  edits.push({ kind: 'insert', file, line: push.location.line, position: 'after', within: 'steps', text });
  const what =
    purpose === 'sign'
      ? `sign the digest the build step reports (the key comes from the ${signingSecrets['github-actions']})`
      : 'attest signed SLSA provenance for the digest the build step reports (the job gets id-token and attestations permissions; private repositories need GitHub Enterprise Cloud for artifact attestations)';
  return {
    summary: `${what}: add these steps after the build step at ${place}${id === undefined ? `, and give that step id: ${stepId}` : ''}`,
    snippet: text,
    line: push.location.line,
    edits,
  };
}

/** After a `docker push` in a `run:` step: the digest the runner's Docker recorded. */
function afterDockerPush(request: StepRequest, purpose: Exclude<StepPurpose, 'scan'>): StepProposal {
  const { push } = request;
  const script = [
    ['set -e'],
    dockerDigestRef(['"$PUSHED_IMAGE"'], ['"$PUSHED_REPOSITORY@"']),
    ...artefactCommands(purpose, 'env://COSIGN_PRIVATE_KEY', '"$ref"', provenance, trivyRun),
  ].map(textOf);
  const env = [...secretsEnv, envLine('PUSHED_IMAGE', push.image), envLine('PUSHED_REPOSITORY', withoutTag(push.image))];
  const text = [...cosignInstaller, ...runStep(stepTitles[purpose], env, script, undefined)].join('\n');
  return {
    summary: `act on the pushed digest right after the step that pushes at ${where(push.location)}: add these steps (the key comes from the ${signingSecrets['github-actions']})`,
    snippet: text,
    line: push.location.line,
    edits: [{ kind: 'insert', file: push.location.file, line: push.location.line, position: 'after', within: 'steps', text }],
  };
}
