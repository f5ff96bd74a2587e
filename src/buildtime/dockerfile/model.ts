import type { InheritedConfig } from './image-config.js';

/** 1-based, end column exclusive (SARIF-style). */
export interface SourceRange {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/** A `--name=value` flag of an instruction (`--mount`, `--chmod`, `--from`, `--platform`…). */
interface InstructionFlag {
  name: string;
  /** Variables substituted where known; undefined for a bare `--link`. */
  value: string | undefined;
}

/** A `NAME=value` of ARG, ENV or LABEL. */
export interface Property {
  name: string;
  /** As written (quotes removed); undefined for `ARG NAME` without a default. */
  value: string | undefined;
  /** With known variables substituted (for ARG: the build argument given on the command line wins). */
  resolved: string | undefined;
}

/** One instruction, with everything rules look at. */
export interface DockerInstruction {
  /** Upper-cased: `RUN`, `COPY`… */
  keyword: string;
  range: SourceRange;
  /** The argument text as written, continuation lines and comments included, flags excluded. */
  rawArguments: string;
  /** Argument words, flags excluded, known variables substituted (JSON form: the JSON strings). */
  arguments: string[];
  flags: InstructionFlag[];
  /** Exec (JSON array) form of RUN/CMD/ENTRYPOINT/SHELL: its strings; undefined in shell form. */
  json: string[] | undefined;
  /** RUN (shell form): the shell text, continuations joined, comment lines dropped, heredoc bodies included. */
  command: string | undefined;
  heredocs: { name: string; content: string }[];
  /** ARG, ENV, LABEL. */
  properties: Property[];
  /** Index in `stages`, -1 for ARGs before the first FROM. */
  stage: number;
}

/** A build stage: its FROM and its instructions. */
export interface Stage {
  index: number;
  from: DockerInstruction;
  /** `AS name`, lower-cased as BuildKit compares them. */
  name: string | undefined;
  /** The image reference with global ARGs substituted (`${BASE}` left as written when unknown). */
  image: string;
  imageName: string;
  tag: string | undefined;
  digest: string | undefined;
  platform: string | undefined;
  /** When FROM names an earlier stage: its index. */
  parent: number | undefined;
  /** Whether the image still holds an unresolved variable. */
  unresolved: boolean;
  instructions: DockerInstruction[];
  /** ARG/ENV values known at the end of the stage (including those inherited from the parent stage). */
  variables: Map<string, string | undefined>;
}

/** A problem of the Dockerfile's structure found while parsing (reported by the malformed-Dockerfile rule). */
export interface ParseProblem {
  message: string;
  range: SourceRange;
}

/** The parsed Dockerfile handed to every rule. */
export interface ParsedDockerfile {
  file: string;
  /** `\` or a backtick (`# escape=` directive). */
  escape: string;
  /** Every instruction in order, including global ARGs. */
  instructions: DockerInstruction[];
  /** ARGs before the first FROM. */
  globalArgs: DockerInstruction[];
  stages: Stage[];
  /** Whether a `.dockerignore` sits next to the Dockerfile (the caller checks the disk). */
  hasDockerignore: boolean;
  problems: ParseProblem[];
  /** The configuration the final stage's parent image gives it, when the estate read the Dockerfile that builds it. */
  inherited?: InheritedConfig | undefined;
}
