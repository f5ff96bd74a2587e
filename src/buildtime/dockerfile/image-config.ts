import type { DockerInstruction, ParsedDockerfile } from './model.js';
import { finalChain } from './stages.js';

/**
 * The image configuration a Dockerfile gives its final image — the user it runs as, its
 * HEALTHCHECK, ENTRYPOINT, CMD and exposed ports — each value with the Dockerfile line that set it,
 * along the final stage's `FROM` chain: its `FROM <stage>` ancestors, then (when the caller read it
 * in the estate) the Dockerfile that builds its parent image, and so on down to an image not read.
 */

/** One value of the configuration: set at a line, known not set, or left to a parent image that was not read. */
type ConfigFact =
  | { kind: 'set'; value: string; file: string; line: number }
  /** Nothing sets it: the chain starts `FROM scratch`, or an ENTRYPOINT reset the inherited CMD. */
  | { kind: 'unset' }
  /** Not set in what was read; `parent`, the image the chain starts from, was not read and may set it. */
  | { kind: 'unknown'; parent: string };

/** A value and the Dockerfile line that set it (an `EXPOSE` port argument is one too). */
export type SetFact = Extract<ConfigFact, { kind: 'set' }>;

export interface ImageConfigFacts {
  user: ConfigFact;
  healthcheck: ConfigFact;
  entrypoint: ConfigFact;
  cmd: ConfigFact;
  /** Every port exposed along the chain (EXPOSE adds up, nothing removes one). */
  expose: SetFact[];
  /** The image the chain starts from when it was not read: it may expose more ports. */
  exposeUnknownFrom: string | undefined;
  /** The Dockerfiles these facts were read from: this one first, then its estate parents'. */
  files: string[];
}

/** The parent image of a Dockerfile's final stage, when the Dockerfile that builds it was read (in the estate). */
export interface InheritedConfig {
  /** The parent image as the final stage's chain names it in `FROM`. */
  image: string;
  /** The parent's own effective configuration. */
  config: ImageConfigFacts;
}

/**
 * The effective configuration of the final image: the final chain's instructions applied over what
 * the parent gives — `dockerfile.inherited` when the estate read the parent's Dockerfile, nothing
 * for `FROM scratch`, otherwise values unknown from the parent image. Undefined without a stage.
 */
export function imageConfigOf(dockerfile: ParsedDockerfile): ImageConfigFacts | undefined {
  const chain = finalChain(dockerfile).reverse();
  const root = chain[0];
  if (root === undefined) return undefined;
  const inherited = dockerfile.inherited?.config;
  const start: ConfigFact = root.image.toLowerCase() === 'scratch' ? { kind: 'unset' } : { kind: 'unknown', parent: root.image };
  const facts: ImageConfigFacts = inherited
    ? { ...inherited, expose: [...inherited.expose], files: [dockerfile.file, ...inherited.files] }
    : {
        user: start,
        healthcheck: start,
        entrypoint: start,
        cmd: start,
        expose: [],
        exposeUnknownFrom: start.kind === 'unknown' ? start.parent : undefined,
        files: [dockerfile.file],
      };
  for (const stage of chain) {
    // BuildKit: an ENTRYPOINT clears the CMD the stage started with, unless the stage set its own CMD
    let cmdSet = false;
    for (const instruction of stage.instructions) {
      const fact = (value: string): ConfigFact => ({ kind: 'set', value, file: dockerfile.file, line: instruction.range.startLine });
      switch (instruction.keyword) {
        case 'USER':
          facts.user = fact(instruction.arguments[0] ?? '');
          break;
        case 'HEALTHCHECK':
          facts.healthcheck = fact(instruction.arguments.join(' '));
          break;
        case 'CMD':
          facts.cmd = fact(commandText(instruction));
          cmdSet = true;
          break;
        case 'ENTRYPOINT':
          facts.entrypoint = fact(commandText(instruction));
          if (!cmdSet) facts.cmd = { kind: 'unset' };
          break;
        case 'EXPOSE':
          for (const port of instruction.arguments) facts.expose.push({ kind: 'set', value: port, file: dockerfile.file, line: instruction.range.startLine });
          break;
      }
    }
  }
  return facts;
}

/** `USER root`, `USER 0`, `USER root:staff`, `USER 0:0`. */
export function isRootUser(user: string): boolean {
  const name = user.split(':')[0] ?? '';
  return name === 'root' || name === '0';
}

/** `base/Dockerfile:7`. */
export function whereSet(fact: SetFact): string {
  return `${fact.file}:${fact.line}`;
}

/** `its estate parents (base/Dockerfile, os/Dockerfile)`, for messages about what none of them sets. */
export function estateParents(facts: ImageConfigFacts): string {
  const parents = facts.files.slice(1);
  return `${parents.length === 1 ? 'its estate parent' : 'its estate parents'} (${parents.join(', ')})`;
}

function commandText(instruction: DockerInstruction): string {
  return instruction.json ? JSON.stringify(instruction.json) : instruction.rawArguments.trim();
}
