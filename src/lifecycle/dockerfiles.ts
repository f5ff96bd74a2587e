import { imageConfigOf, type InheritedConfig } from '../buildtime/dockerfile/image-config.js';
import { lintDockerfile } from '../buildtime/dockerfile/lint.js';
import { parseDockerfile } from '../buildtime/dockerfile/parse.js';
import { finalChain } from '../buildtime/dockerfile/stages.js';
import type { DockerfileFrom, DockerfileInfo } from './estate-model.js';
import { variablesIn } from './references.js';

/**
 * Whether a file name is a Dockerfile: `Dockerfile`, `Dockerfile.<variant>`, `<name>.Dockerfile`,
 * `Containerfile` (and `Containerfile.<variant>`), in any case. `Dockerfile.dockerignore` is
 * BuildKit's per-Dockerfile ignore file, not a Dockerfile.
 */
export function isDockerfileName(name: string): boolean {
  if (/\.dockerignore$/i.test(name)) return false;
  return /^(?:dockerfile|containerfile)(?:\..+)?$/i.test(name) || /.\.(?:dockerfile|containerfile)$/i.test(name);
}

export interface ReadDockerfileOptions {
  /** Whether a `.dockerignore` sits next to it (for the lint rule that asks). */
  hasDockerignore?: boolean;
  /** Its final stage's parent image, when another Dockerfile of the estate builds it (see inheritance.ts). */
  inherited?: InheritedConfig | undefined;
}

/**
 * Reads a Dockerfile for the lifecycle map: every FROM as written and resolved through the global
 * `ARG` defaults (ARGs before the first FROM, `$X`, `${X}`, `${X:-d}`), the variables left
 * unresolved, stage names and references to earlier stages, `--platform`; the final stage's
 * chain; the final image's configuration (user, health check, entrypoint, ports) with where each
 * value is set; and the `dockerfile lint` findings — both through the parent's Dockerfile when
 * `inherited` is given. `file` is the path shown and used as the map id.
 */
export function readDockerfile(file: string, text: string, repository: string, options: ReadDockerfileOptions = {}): DockerfileInfo {
  const parsed = { ...parseDockerfile(text, { file, hasDockerignore: options.hasDockerignore }), inherited: options.inherited };
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const froms: DockerfileFrom[] = parsed.stages.map((stage) => {
    const parent = stage.parent === undefined ? undefined : parsed.stages[stage.parent];
    const raw = stage.from.rawArguments.replace(/\s+as\s+\S+\s*$/i, '').trim();
    return {
      line: stage.from.range.startLine,
      raw: stripFlags(raw),
      resolved: stage.image,
      unknowns: parent === undefined ? variablesIn(stage.image) : [],
      stageName: stage.name,
      stageRef: parent?.name,
      platform: platformAsWritten(lines.slice(stage.from.range.startLine - 1, stage.from.range.endLine).join(' ')),
    };
  });
  return {
    file,
    repository,
    froms,
    finalChain: finalChain(parsed).map((stage) => stage.index),
    findings: lintDockerfile(text, { file, hasDockerignore: options.hasDockerignore, inherited: options.inherited }),
    config: imageConfigOf(parsed),
  };
}

/** `--platform=$BUILDPLATFORM golang:1.22` → `golang:1.22` (the image word as written). */
function stripFlags(raw: string): string {
  return raw.replace(/^(?:--\S+(?:\s+|$))+/, '').trim();
}

/** The `--platform` value as written in the FROM's lines. */
function platformAsWritten(text: string): string | undefined {
  return /(?:^|\s)--platform[=\s]+(\S+)/i.exec(text)?.[1];
}
