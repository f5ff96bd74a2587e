/**
 * Jobs proposed for a `.gitlab-ci.yml`: each runs in an image that holds its tool (trivy, crane,
 * cosign), in the stage of the job that pushes (declared, by construction), under the same
 * `rules`/`only`/`except` (`!reference`), and `needs` that job (never the other way round, so
 * `needs` stays acyclic). A kaniko job that builds and pushes at once is split: it writes a
 * tarball, a scan job gates it, a push job pushes it. Digests come from the pushing job's output
 * (kaniko `--digest-file`, the Docker daemon's `RepoDigests`) as an artifact; image names reach
 * scripts through `variables:` written in GitLab's syntax; keys and registry credentials are
 * CI/CD variables.
 */
import type { CiValue } from '../../../buildtime/ci/model.js';
import { withoutTag } from '../../../buildtime/ci/names.js';
import type { FileEdit } from '../model.js';
import type { PushPoint } from './ci.js';
import { where } from './ci.js';
import type { ProvenanceFacts, StepProposal, StepPurpose, StepRequest } from './ci-steps.js';
import {
  artefactCommands,
  buildLineBefore,
  dockerDigestCommand,
  pushedImages,
  repositoriesOf,
  scanFlags,
  scanSubject,
  signingSecrets,
  toolImages,
  scanBeforePush,
  splitBuildAndPush,
} from './ci-steps.js';
import { gitlabVariable, piecesOf, shellWord, textOf, yamlScalar, type Piece } from './quote.js';

const provenance: ProvenanceFacts = {
  buildType: 'https://docs.gitlab.com/ee/ci/',
  builder: ['$CI_SERVER_URL/$CI_PROJECT_PATH/-/runners/$CI_RUNNER_ID'],
  repository: ['$CI_PROJECT_URL'],
  ref: ['$CI_COMMIT_REF_NAME'],
  commit: ['$CI_COMMIT_SHA'],
  invocation: ['$CI_JOB_URL'],
};

/** A value as GitLab expands it in `variables:`: resolved as far as the file says, the rest as `${NAME}`. */
const resolvedPieces = (value: CiValue): Piece[] => piecesOf(value.resolved, ['shell']);
/** A value as the job's script writes it. */
const scriptPieces = (value: CiValue): Piece[] => piecesOf(value.raw, ['shell']);

interface Job {
  name: string;
  needs: string[];
  image: string;
  variables: [string, Piece[]][];
  script: string[];
  artifacts?: string[];
}

/**
 * The registry of an image and the CI/CD variables that log in to it: the project's own registry
 * (`$CI_REGISTRY_IMAGE`, `$CI_REGISTRY/…`) with the job token GitLab provides, any other with
 * REGISTRY_USER / REGISTRY_PASSWORD (named in the summary).
 */
function registryOf(image: CiValue): { host: Piece[]; user: string; password: string } {
  if (/^\$\{?CI_REGISTRY(_IMAGE)?\b/.test(image.raw)) return { host: [{ ref: '$CI_REGISTRY' }], user: 'CI_REGISTRY_USER', password: 'CI_REGISTRY_PASSWORD' };
  const first = image.resolved.split('/')[0] ?? '';
  const host = image.resolved.includes('/') && (/[.:]/.test(first) || first === 'localhost' || first.startsWith('${')) ? first : 'docker.io';
  return { host: piecesOf(host, ['shell']), user: 'REGISTRY_USER', password: 'REGISTRY_PASSWORD' };
}

function jobText(push: PushPoint, job: Job): string {
  const owner = push.location.step ?? '';
  return [
    `${yamlScalar(job.name)}:`,
    `  stage: ${yamlScalar(push.location.stage ?? 'test')}`,
    `  needs: [${job.needs.map((n) => JSON.stringify(n)).join(', ')}]`,
    ...(push.location.conditions ?? []).map((key) => `  ${key}: !reference [${JSON.stringify(owner)}, ${key}]`),
    '  image:',
    `    name: ${job.image}`,
    '    entrypoint: [""]',
    ...(job.variables.length > 0 ? ['  variables:', ...job.variables.map(([name, value]) => `    ${name}: ${gitlabVariable(value)}`)] : []),
    '  script:',
    ...job.script.map((line) => `    - ${yamlScalar(line)}`),
    ...(job.artifacts === undefined ? [] : ['  artifacts:', '    paths:', ...job.artifacts.map((p) => `      - ${p}`)]),
  ].join('\n');
}

const artifactsOf = (paths: readonly string[]): string => `artifacts:\n  paths:\n${paths.map((p) => `    - ${p}`).join('\n')}`;

export function gitlabStep(request: StepRequest): StepProposal {
  const { push } = request;
  const owner = push.location.step;
  if (owner === undefined)
    return { summary: `the push at ${where(push.location)} is in no job: add the step by hand`, snippet: '', line: push.location.line, edits: [] };
  const { purpose } = request;
  if (push.tool === 'kaniko' && push.withBuild) return purpose === 'scan' ? splitKaniko(request, owner) : afterPush(request, purpose, owner, 'kaniko');
  if (push.tool === 'docker' && !push.withBuild) return purpose === 'scan' ? scanInJob(request) : afterPush(request, purpose, owner, 'docker');
  return {
    summary: `the push at ${where(push.location)} (${push.tool ?? 'a copy'}) leaves no digest or tarball for another job: ${request.purpose === 'scan' ? 'build to a tarball, scan it, then push it' : 'save the digest it pushed as an artifact and act on <repository>@<digest>'} (by hand)`,
    snippet: '',
    line: push.location.line,
    edits: [],
  };
}

/** kaniko builds and pushes at once: build to a tarball, scan it, push it with crane. */
function splitKaniko(request: StepRequest, owner: string): StepProposal {
  const { pipeline, push } = request;
  const file = push.location.file;
  const images = pushedImages(pipeline, push);
  const registry = registryOf(push.image);
  const scan: Job = {
    name: `${owner}-scan`,
    needs: [owner],
    image: toolImages.trivy,
    variables: [],
    script: [`trivy image --input image.tar ${scanFlags(request)}`],
  };
  const names = images.map((_, i) => `PUSHED_IMAGE_${i + 1}`);
  const pushJob: Job = {
    name: `${owner}-push`,
    needs: [owner, scan.name],
    image: toolImages.crane,
    variables: [['REGISTRY_HOST', registry.host], ...images.map((image, i): [string, Piece[]] => [names[i] ?? '', resolvedPieces(image)])],
    script: [
      `printf '%s' "$${registry.password}" | crane auth login "$REGISTRY_HOST" -u "$${registry.user}" --password-stdin`,
      ...names.map((n) => `crane push image.tar "$${n}"`),
    ],
  };
  const text = [jobText(push, scan), jobText(push, pushJob)].join('\n\n');
  const edits: FileEdit[] = [
    { kind: 'substitute', file, line: push.location.line, find: 'executor', replace: 'executor --no-push --tar-path image.tar' },
    { kind: 'yaml-merge', file, line: push.location.line, within: '(root)', text: artifactsOf(['image.tar']) },
    { kind: 'append', file, text },
  ];
  return {
    summary: `${owner} builds and pushes at once: make it write a tarball (add --no-push --tar-path image.tar after executor at ${where(push.location)}, and artifacts: paths: [image.tar]), then scan and push it with these jobs (crane logs in with the CI/CD variables ${registry.user} and ${registry.password})`,
    snippet: text,
    line: push.location.line,
    edits,
  };
}

/** A `docker push` in a job that has Docker: scan on the line before it, as a container against the same daemon. */
function scanInJob(request: StepRequest): StepProposal {
  const { pipeline, push } = request;
  const command = `docker run --rm -v /var/run/docker.sock:/var/run/docker.sock ${toolImages.trivy} image ${scanFlags(request)} ${shellWord(scriptPieces(scanSubject(pipeline, push)))}`;
  const buildLine = buildLineBefore(pipeline, push);
  const text = `- ${yamlScalar(command)}`;
  if (buildLine === push.location.line)
    return splitBuildAndPush(push, `${where(push.location)} builds and pushes on one line: split it, and run this between`, command);
  const summary = `scan before the push at ${where(push.location)}: add this script line just before it (it runs trivy as a container on the job's Docker)`;
  return scanBeforePush(request, text, 'script', summary);
}

/** After the push: the digest saved by the pushing job, then jobs that sign or attest it. */
function afterPush(request: StepRequest, purpose: Exclude<StepPurpose, 'scan'>, owner: string, tool: 'kaniko' | 'docker'): StepProposal {
  const { pipeline, push } = request;
  const file = push.location.file;
  const registry = registryOf(push.image);
  const edits: FileEdit[] = [];
  const variables: [string, Piece[]][] = [['REGISTRY_HOST', registry.host]];
  let refs: string[];
  let captured: string;
  if (tool === 'kaniko') {
    const repositories = repositoriesOf(pushedImages(pipeline, push));
    repositories.forEach((r, i) => variables.push([`PUSHED_REPOSITORY_${i + 1}`, resolvedPieces(r)]));
    refs = repositories.map((_, i) => `"$PUSHED_REPOSITORY_${i + 1}@$(cat image.digest)"`);
    edits.push({ kind: 'substitute', file, line: push.location.line, find: 'executor', replace: 'executor --digest-file image.digest' });
    captured = `the digest kaniko writes (--digest-file image.digest after executor at ${where(push.location)}, kept as an artifact)`;
    edits.push({ kind: 'yaml-merge', file, line: push.location.line, within: '(root)', text: artifactsOf(['image.digest']) });
  } else {
    const line = `${textOf(dockerDigestCommand([shellWord(scriptPieces(push.image))], [shellWord([...scriptPieces(withoutTag(push.image)), '@'])]))} > pushed-image.ref`;
    refs = ['"$(cat pushed-image.ref)"'];
    captured = `the digest the job's Docker recorded (a script line after the push at ${where(push.location)} saves it as an artifact)`;
    edits.push({ kind: 'insert', file, line: push.location.line, position: 'after', within: 'script', text: `- ${yamlScalar(line)}` });
    edits.push({ kind: 'yaml-merge', file, line: push.location.line, within: '(root)', text: artifactsOf(['pushed-image.ref']) });
  }
  const login = `printf '%s' "$${registry.password}" | cosign login "$REGISTRY_HOST" -u "$${registry.user}" --password-stdin`;
  const key = '"$COSIGN_PRIVATE_KEY"';
  const jobs: Job[] = [];
  if (purpose === 'sbom') {
    const trivyCredentials: [string, Piece[]][] = [
      ['TRIVY_USERNAME', [{ ref: `$${registry.user}` }]],
      ['TRIVY_PASSWORD', [{ ref: `$${registry.password}` }]],
    ];
    const perRef = refs.map((ref) => artefactCommands('sbom', key, ref, provenance).map(textOf));
    jobs.push({
      name: `${owner}-sbom`,
      needs: [owner],
      image: toolImages.trivy,
      variables: [...variables, ...trivyCredentials],
      script: [perRef[0]?.[0] ?? ''],
      artifacts: ['sbom.cdx.json'],
    });
    jobs.push({
      name: `${owner}-sbom-attest`,
      needs: [owner, `${owner}-sbom`],
      image: toolImages.cosign,
      variables,
      script: [login, ...perRef.map((c) => c[1] ?? '')],
    });
  } else {
    const commands = refs.flatMap((ref, i) =>
      artefactCommands(purpose, key, ref, provenance)
        .map(textOf)
        .filter((c) => i === 0 || !c.startsWith('printf')),
    );
    jobs.push({ name: `${owner}-${purpose}`, needs: [owner], image: toolImages.cosign, variables, script: [login, ...commands] });
  }
  const text = jobs.map((job) => jobText(push, job)).join('\n\n');
  edits.push({ kind: 'append', file, text });
  return {
    summary: `add ${jobs.length === 1 ? 'this job' : 'these jobs'} after ${owner}: ${purpose === 'sign' ? 'it signs' : purpose === 'sbom' ? 'they attach an SBOM to' : 'it attaches signed provenance to'} ${captured}; the key comes from the ${signingSecrets['gitlab-ci']}, the registry login from ${registry.user} and ${registry.password}`,
    snippet: text,
    line: push.location.line,
    edits,
  };
}
