import type { DockerInstruction, ParsedDockerfile, Stage } from './model.js';
import { runScript, type Pipeline, type ShellCommand } from './shell.js';

/** The stage the image is built from: the last one (a `--target` is not known to the linter). */
export function finalStage(dockerfile: ParsedDockerfile): Stage | undefined {
  return dockerfile.stages.at(-1);
}

/** The final stage and the stages it is built `FROM`, nearest first. */
export function finalChain(dockerfile: ParsedDockerfile): Stage[] {
  const chain: Stage[] = [];
  const seen = new Set<Stage>();
  let stage = finalStage(dockerfile);
  while (stage && !seen.has(stage)) {
    chain.push(stage);
    seen.add(stage);
    stage = stage.parent === undefined ? undefined : dockerfile.stages[stage.parent];
  }
  return chain;
}

/** The instructions of the final image, its `FROM <stage>` ancestors' first. */
export function finalInstructions(dockerfile: ParsedDockerfile): DockerInstruction[] {
  return finalChain(dockerfile)
    .reverse()
    .flatMap((s) => s.instructions);
}

/** A RUN with its simple commands (those of nested scripts included) and pipelines. */
export interface RunCommands {
  run: DockerInstruction;
  commands: ShellCommand[];
  pipelines: Pipeline[];
}

// A score of rules read the RUNs: split each Dockerfile's once, not once per rule.
const runCache = new WeakMap<ParsedDockerfile, readonly RunCommands[]>();

/** Every RUN with shell text, and its simple commands (computed once per parsed Dockerfile; do not modify). */
export function runCommands(dockerfile: ParsedDockerfile): readonly RunCommands[] {
  const cached = runCache.get(dockerfile);
  if (cached !== undefined) return cached;
  const runs = dockerfile.instructions
    .filter((i) => i.keyword === 'RUN')
    .map((run) => {
      const text = run.command ?? run.json?.join(' ') ?? '';
      return { run, ...runScript(text) };
    });
  runCache.set(dockerfile, runs);
  return runs;
}
