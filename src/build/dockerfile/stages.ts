import type { DockerInstruction, ParsedDockerfile, Stage } from './model.js';
import { commandsOf, pipelinesOf, programOf, unwrap, type Pipeline, type ShellCommand } from './shell.js';

const shells = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh']);

/** The stage the image is built from: the last one (a `--target` is not known to the linter). */
export function finalStage(dockerfile: ParsedDockerfile): Stage | undefined {
  return dockerfile.stages.at(-1);
}

/** The final stage and the stages it is built `FROM`, nearest first. */
export function finalChain(dockerfile: ParsedDockerfile): Stage[] {
  const chain: Stage[] = [];
  let stage = finalStage(dockerfile);
  while (stage && !chain.includes(stage)) {
    chain.push(stage);
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

/** Every RUN with shell text, and its simple commands. */
export function runCommands(dockerfile: ParsedDockerfile): { run: DockerInstruction; commands: ShellCommand[]; pipelines: Pipeline[] }[] {
  return dockerfile.instructions
    .filter((i) => i.keyword === 'RUN')
    .map((run) => {
      const text = run.command ?? run.json?.join(' ') ?? '';
      return { run, commands: withNested(commandsOf(text), 0), pipelines: pipelinesOf(text) };
    });
}

/**
 * Adds the commands hidden in `sh -c "…"` scripts and `$(…)` substitutions, so that
 * `sh -c "$(curl -k …)"` or `bash -c 'apt-get install x'` are seen by the rules (two levels deep).
 */
function withNested(commands: ShellCommand[], depth: number): ShellCommand[] {
  if (depth > 1) return commands;
  const nested = commands.flatMap((command) => {
    const words = unwrap(command);
    const scripts: string[] = [];
    const script = words.indexOf('-c');
    if (shells.has(programOf(command)) && script > 0 && words[script + 1] !== undefined) scripts.push(words[script + 1] ?? '');
    for (const w of words) for (const m of w.matchAll(/\$\(([^()]*)\)/g)) scripts.push(m[1] ?? '');
    return scripts.flatMap((text) => withNested(commandsOf(text), depth + 1));
  });
  return [...commands, ...nested];
}
