/** The step a build-phase control proposes, built by the pipeline's own CI system. */
import { githubStep } from './ci-github.js';
import { gitlabStep } from './ci-gitlab.js';
import { jenkinsStep } from './ci-jenkins.js';
import type { StepProposal, StepRequest } from './ci-steps.js';
import { teamcityStep } from './ci-teamcity.js';

export function proposeStep(request: StepRequest): StepProposal {
  switch (request.pipeline.system) {
    case 'jenkins':
      return jenkinsStep(request);
    case 'github-actions':
      return githubStep(request);
    case 'gitlab-ci':
      return gitlabStep(request);
    case 'teamcity':
      return teamcityStep(request);
  }
}
