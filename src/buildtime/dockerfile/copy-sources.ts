import type { DockerInstruction } from './model.js';

/** The sources of a COPY/ADD: every argument but the destination (heredoc names excluded). */
export function sourcesOf(instruction: DockerInstruction): string[] {
  const args = instruction.arguments.filter((a) => !a.startsWith('<<'));
  return args.slice(0, -1);
}

/** The destination of a COPY/ADD. */
export function destinationOf(instruction: DockerInstruction): string | undefined {
  return instruction.arguments.length > 1 ? instruction.arguments.at(-1) : undefined;
}

/** A URL or git remote that ADD would download. */
export function isRemote(source: string): boolean {
  return /^(https?|ftp):\/\//i.test(source) || /^git@/.test(source) || /^[a-z+]+:\/\/.*\.git(#.*)?$/i.test(source);
}
