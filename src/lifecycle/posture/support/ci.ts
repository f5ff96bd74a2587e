import type { CiLocation, CiSystem, CiValue, BuildTool, Pipeline, SecurityStep, SecurityStepKind } from '../../../build/ci/model.js';
import type { SeverityLevel } from '../../../vuln/severity.js';

/** One place a pipeline puts an image into a registry. */
export interface PushPoint {
  order: number;
  location: CiLocation;
  image: CiValue;
  tool: BuildTool | undefined;
  /** The image is built and pushed by one step (`--push`, `push: true`, kaniko): nothing can run between. */
  withBuild: boolean;
}

/** Every push of a pipeline: push steps, build steps that push, copies that push. */
export function pushesOf(pipeline: Pipeline): PushPoint[] {
  const points: PushPoint[] = [];
  for (const step of pipeline.steps) {
    if (step.kind === 'push') points.push({ order: step.order, location: step.location, image: step.image, tool: step.tool, withBuild: false });
    else if (step.kind === 'build' && step.pushes) {
      for (const tag of step.tags) points.push({ order: step.order, location: step.location, image: tag, tool: step.tool, withBuild: true });
    } else if (step.kind === 'tag' && step.pushes) points.push({ order: step.order, location: step.location, image: step.to, tool: undefined, withBuild: false });
  }
  return points.sort((a, b) => a.order - b.order);
}

export function securitySteps(pipeline: Pipeline, ...kinds: SecurityStepKind[]): SecurityStep[] {
  return pipeline.steps.filter((step): step is SecurityStep => step.kind === 'security' && kinds.includes(step.securityKind));
}

export function buildTools(pipeline: Pipeline): BuildTool[] {
  return [...new Set(pipeline.steps.flatMap((step) => (step.kind === 'build' ? [step.tool] : [])))];
}

/** The image reference to write into a snippet: as the pipeline writes it, so its variables still resolve there. */
export function imageText(value: CiValue): string {
  return value.raw;
}

export function where(location: CiLocation): string {
  return `${location.file}:${location.line}`;
}

/** What a proposed security step does. */
export type StepPurpose = 'scan' | 'sbom' | 'sign' | 'provenance';

export interface SnippetOptions {
  failOn: readonly SeverityLevel[];
  ignoreUnfixed: boolean;
  /** The pipeline's build tool, to prefer its own flags (BuildKit attestations). */
  tool: BuildTool | undefined;
  /** The job / stage the image is built in (GitLab `needs`). */
  buildJob: string | undefined;
}

/** The command line of a step, whatever the CI system. */
export function stepCommand(purpose: StepPurpose, image: string, options: SnippetOptions): string {
  switch (purpose) {
    case 'scan': {
      const severities = (options.failOn.length > 0 ? options.failOn : ['CRITICAL', 'HIGH']).join(',');
      return `trivy image --exit-code 1 --severity ${severities}${options.ignoreUnfixed ? ' --ignore-unfixed' : ''} ${image}`;
    }
    case 'sbom':
      return `trivy image --format cyclonedx --output sbom.cdx.json ${image} && cosign attest --yes --key env://COSIGN_PRIVATE_KEY --type cyclonedx --predicate sbom.cdx.json ${image}`;
    case 'sign':
      return `cosign sign --yes --key env://COSIGN_PRIVATE_KEY ${image}`;
    case 'provenance':
      return `cosign attest --yes --key env://COSIGN_PRIVATE_KEY --type slsaprovenance1 --predicate provenance.json ${image}`;
  }
}

const titles: Record<StepPurpose, string> = {
  scan: 'Scan image (fails on findings)',
  sbom: 'SBOM attestation',
  sign: 'Sign image',
  provenance: 'Provenance attestation',
};

/** The text to add to a pipeline of `system` for `purpose`, with the image as the pipeline writes it. */
export function stepSnippet(system: CiSystem, purpose: StepPurpose, image: string, options: SnippetOptions): string {
  const command = stepCommand(purpose, image, options);
  switch (system) {
    case 'jenkins':
      return `                sh "${command.replaceAll('"', '\\"')}"`;
    case 'github-actions':
      return githubStep(purpose, image, options, command);
    case 'gitlab-ci':
      return [
        `${purpose}-image:`,
        `  stage: ${purpose === 'scan' ? 'test' : 'deploy'}`,
        ...(options.buildJob ? [`  needs: [${JSON.stringify(options.buildJob)}]`] : []),
        '  image:',
        `    name: ${purpose === 'scan' ? 'aquasec/trivy:0.57.1' : 'bitnami/cosign:2'}`,
        "    entrypoint: ['']",
        '  script:',
        `    - ${command}`,
      ].join('\n');
    case 'teamcity':
      return [`        script {`, `            name = "${titles[purpose]}"`, `            scriptContent = "${command.replaceAll('"', '\\"')}"`, `        }`].join('\n');
  }
}

function githubStep(purpose: StepPurpose, image: string, options: SnippetOptions, command: string): string {
  if (purpose === 'scan') {
    const severities = (options.failOn.length > 0 ? options.failOn : ['CRITICAL', 'HIGH']).join(',');
    return [
      `      - name: ${titles.scan}`,
      '        uses: aquasecurity/trivy-action@0.28.0',
      '        with:',
      `          image-ref: ${image}`,
      "          exit-code: '1'",
      `          severity: ${severities}`,
      ...(options.ignoreUnfixed ? ['          ignore-unfixed: true'] : []),
    ].join('\n');
  }
  if (purpose === 'provenance') {
    return [
      `      - name: ${titles.provenance}`,
      '        # needs `permissions: { id-token: write, attestations: write, packages: write }` and the build step\'s digest output',
      '        uses: actions/attest-build-provenance@v2',
      '        with:',
      `          subject-name: ${image.replace(/:[^/:@]+$/, '')}`,
      '          subject-digest: ${{ steps.build.outputs.digest }}',
      '          push-to-registry: true',
    ].join('\n');
  }
  return [`      - name: ${titles[purpose]}`, '        uses: sigstore/cosign-installer@v3', `      - run: ${command}`].join('\n');
}

/** Flags that make BuildKit itself attach an SBOM / provenance to the image, for the tools that take them. */
export function buildkitFlags(tool: BuildTool | undefined, purpose: 'sbom' | 'provenance'): string | undefined {
  if (tool === 'docker-buildx') return purpose === 'sbom' ? '--sbom=true' : '--provenance=mode=max';
  if (tool === 'build-push-action') return purpose === 'sbom' ? '          sbom: true' : '          provenance: mode=max';
  return undefined;
}
