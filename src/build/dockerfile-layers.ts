import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { instructionOf } from '../image/history.js';

/** A place in a Dockerfile (1-based lines) and the instruction there. */
export interface DockerfileLocation {
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
 * RUN/COPY/ADD instructions (its `FROM <stage>` ancestors' first) in order. When there are as many
 * as there are build layers they are paired in order; otherwise each layer is paired with the
 * first unused instruction whose text its `created_by` contains (RUN) or whose keyword and
 * destination match (COPY/ADD).
 */
export function dockerfileLayers(content: string, buildLayers: readonly (string | undefined)[]): DockerfileLayers {
  const dockerfile = DockerfileParser.parse(content);
  const froms = dockerfile.getFROMs();
  const stages = new Map<string, number>();
  froms.forEach((from, index) => {
    const name = from.getBuildStage();
    if (name) stages.set(name.toLowerCase(), index);
  });
  const instructions = dockerfile.getInstructions();
  const stageOf = (index: number): Instruction[] => {
    const start = froms[index]?.getRange().start.line ?? 0;
    const end = froms[index + 1]?.getRange().start.line ?? Number.POSITIVE_INFINITY;
    return instructions.filter((i) => i.getRange().start.line > start && i.getRange().start.line < end && layerKeywords.has(i.getKeyword()));
  };
  // walk FROM <stage> back to the external base image, collecting the stages' layer instructions
  let stage = froms.length - 1;
  const chain: Instruction[][] = [];
  const visited = new Set<number>();
  while (stage >= 0 && !visited.has(stage)) {
    visited.add(stage);
    chain.unshift(stageOf(stage));
    const parent = stages.get((froms[stage]?.getImageName() ?? '').toLowerCase());
    if (parent === undefined || parent >= stage) break;
    stage = parent;
  }
  const from = froms[stage];
  const candidates = chain.flat();
  const location = (i: Instruction): DockerfileLocation => ({
    startLine: i.getRange().start.line + 1,
    endLine: i.getRange().end.line + 1,
    instruction: `${i.getKeyword()} ${i.getArgumentsContent() ?? ''}`.trim(),
  });
  if (candidates.length === buildLayers.length) return { from: from && location(from), layers: candidates.map(location) };

  const used = new Set<Instruction>();
  const layers = buildLayers.map((createdBy) => {
    const made = squash(instructionOf(createdBy) ?? '');
    const match = candidates.find((i) => !used.has(i) && matches(i, made));
    if (match) used.add(match);
    return match && location(match);
  });
  return { from: from && location(from), layers };
}

function squash(text: string): string {
  return text.replace(/\\\n/g, ' ').replace(/\s+/g, ' ').trim();
}

function matches(instruction: Instruction, createdBy: string): boolean {
  const keyword = instruction.getKeyword();
  const args = squash(instruction.getArgumentsContent() ?? '');
  if (keyword === 'RUN') return createdBy.startsWith('RUN ') && (createdBy.includes(args) || args.includes(createdBy.slice(4)));
  const destination = args.split(' ').at(-1) ?? '';
  return createdBy.startsWith(keyword) && createdBy.endsWith(` ${destination}`);
}
