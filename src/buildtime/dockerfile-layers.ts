import { instructionOf } from '../image/history.js';
import type { DockerInstruction } from './dockerfile/model.js';
import { parseDockerfile } from './dockerfile/parse.js';
import { finalChain } from './dockerfile/stages.js';

/** A place in a Dockerfile (1-based lines) and the instruction there. */
interface DockerfileLocation {
  startLine: number;
  endLine: number;
  instruction: string;
}

export interface DockerfileLayers {
  /** The FROM that names the base image of the final stage (through `FROM <stage>` chains). */
  from: DockerfileLocation | undefined;
  /** For each layer the build added, in order, the instruction that made it (undefined if unknown). */
  layers: (DockerfileLocation | undefined)[];
}

const layerKeywords = new Set(['RUN', 'COPY', 'ADD']);

/**
 * Ties the layers a build added to the Dockerfile instructions that made them: the final stage's
 * RUN/COPY/ADD instructions (its `FROM <stage>` ancestors' first) in order, read from the
 * project's one Dockerfile parse and stage chain. When there are as many as there are build layers
 * they are paired in order; otherwise each layer is paired with the first unused instruction whose
 * text its `created_by` contains (RUN) or whose keyword and destination match (COPY/ADD).
 */
export function dockerfileLayers(content: string, buildLayers: readonly (string | undefined)[]): DockerfileLayers {
  const dockerfile = parseDockerfile(content, { file: 'Dockerfile' });
  // nearest first: the last stage of the chain is built FROM the external base image
  const chain = finalChain(dockerfile);
  const from = chain.at(-1)?.from;
  const candidates = chain
    .reverse()
    .flatMap((stage) => stage.instructions)
    .filter((i) => layerKeywords.has(i.keyword));
  if (candidates.length === buildLayers.length) return { from: from && location(from), layers: candidates.map(location) };

  const used = new Set<DockerInstruction>();
  const layers = buildLayers.map((createdBy) => {
    const made = squash(instructionOf(createdBy) ?? '');
    const match = candidates.find((i) => !used.has(i) && matches(i, made));
    if (match) used.add(match);
    return match && location(match);
  });
  return { from: from && location(from), layers };
}

function location(i: DockerInstruction): DockerfileLocation {
  return { startLine: i.range.startLine, endLine: i.range.endLine, instruction: `${i.keyword} ${squash(i.rawArguments)}`.trim() };
}

function squash(text: string): string {
  return text.replace(/\\\n/g, ' ').replace(/\s+/g, ' ').trim();
}

function matches(instruction: DockerInstruction, createdBy: string): boolean {
  const { keyword } = instruction;
  const args = squash(instruction.rawArguments);
  if (keyword === 'RUN') return createdBy.startsWith('RUN ') && (createdBy.includes(args) || args.includes(createdBy.slice(4)));
  const destination = args.split(' ').at(-1) ?? '';
  return createdBy.startsWith(keyword) && createdBy.endsWith(` ${destination}`);
}
