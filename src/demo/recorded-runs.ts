import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CorruptInputError, UsageError } from '../core/errors.js';
import { readTree } from './context.js';
import { emptyChanges, normalisePath, type FileNode, type FileTree, type LayerChanges } from './file-tree.js';

/**
 * What a RUN did when the image was built for real, recorded next to the Dockerfile in
 * `.shipshape-build/runs.yaml`: the demo builder never executes anything, it replays these.
 */
const recordedRunSchema = z
  .object({
    /** Text found in exactly one RUN of the Dockerfile. */
    run: z.string().min(1),
    /** A directory (relative to runs.yaml) whose files the RUN added, at the same paths. */
    files: z.string().optional(),
    /** Files written inline, path → content: for paths git does not keep (`node_modules/`). */
    write: z.record(z.string(), z.string()).optional(),
    /** A file of dpkg status paragraphs the RUN installed, merged into /var/lib/dpkg/status. */
    dpkg: z.string().optional(),
    /** Symlinks the RUN made, path → target (git checkouts on some systems lose symlinks). */
    symlinks: z.record(z.string(), z.string()).optional(),
    /** Paths the RUN deleted: whiteouts in its layer. */
    deleted: z.array(z.string()).optional(),
    /** `uid:gid` of the files it wrote (root by default). */
    owner: z
      .string()
      .regex(/^\d+:\d+$/)
      .optional(),
  })
  .strict();
const runsFileSchema = z.object({ runs: z.array(recordedRunSchema) }).strict();

export type RecordedRun = z.infer<typeof recordedRunSchema>;

const runsFileName = 'runs.yaml';
export const dpkgStatusPath = 'var/lib/dpkg/status';

/** The recorded runs of one Dockerfile (none when there is no runs.yaml). */
export class RecordedRuns {
  private constructor(
    private readonly dir: string,
    private readonly runs: RecordedRun[],
  ) {}

  static async load(dir: string): Promise<RecordedRuns> {
    const file = path.join(dir, runsFileName);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new RecordedRuns(dir, []);
      throw error;
    }
    const parsed = runsFileSchema.safeParse(parseYaml(text));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CorruptInputError(`${file}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
    }
    return new RecordedRuns(dir, parsed.data.runs);
  }

  /** Checks that every record names exactly one of the Dockerfile's RUN commands, and no RUN has two. */
  check(commands: readonly string[], dockerfile: string): void {
    for (const record of this.runs) {
      const count = commands.filter((command) => command.includes(record.run)).length;
      if (count !== 1)
        throw new UsageError(`${path.join(this.dir, runsFileName)}: "${record.run}" matches ${count} RUN instructions of ${dockerfile}, not one`);
    }
    for (const command of commands) {
      if (this.runs.filter((record) => command.includes(record.run)).length > 1) {
        throw new UsageError(`${path.join(this.dir, runsFileName)}: several records match the RUN \`${command}\``);
      }
    }
  }

  /** The changes the RUN made to `tree`; none when nothing was recorded for it. */
  async changesOf(command: string, tree: FileTree): Promise<LayerChanges> {
    const record = this.runs.find((candidate) => command.includes(candidate.run));
    const changes = emptyChanges();
    if (!record) return changes;
    const [uid, gid] = (record.owner ?? '0:0').split(':').map(Number);
    const own = (node: FileNode): FileNode => ({ ...node, uid: uid ?? 0, gid: gid ?? 0 });
    for (const deleted of record.deleted ?? []) changes.deleted.add(normalisePath(deleted));
    if (record.files !== undefined) {
      const files = new Map<string, FileNode>();
      await readTree(path.join(this.dir, record.files), '', files);
      for (const [file, node] of files) if (node.type !== 'dir' || !tree.has(file)) changes.added.set(file, own(node));
    }
    for (const [file, content] of Object.entries(record.write ?? {})) {
      changes.added.set(normalisePath(file), own({ type: 'file', content: Buffer.from(content), mode: 0o644, uid: 0, gid: 0 }));
    }
    for (const [link, target] of Object.entries(record.symlinks ?? {})) {
      changes.added.set(normalisePath(link), own({ type: 'symlink', target, mode: 0o777, uid: 0, gid: 0 }));
    }
    if (record.dpkg !== undefined) {
      const installed = await readFile(path.join(this.dir, record.dpkg), 'utf8');
      const current = tree.get(dpkgStatusPath);
      const merged = mergeDpkgStatus(current?.type === 'file' ? current.content.toString('utf8') : '', installed);
      changes.added.set(dpkgStatusPath, { type: 'file', content: Buffer.from(merged), mode: 0o644, uid: 0, gid: 0 });
    }
    return changes;
  }
}

/** dpkg's status file after installing `added`: one paragraph per package, sorted by name as dpkg writes it. */
export function mergeDpkgStatus(status: string, added: string): string {
  const byName = new Map<string, string>();
  for (const text of [status, added]) {
    for (const paragraph of text.split(/\n\s*\n/)) {
      const trimmed = paragraph.trim();
      const name = /^Package:\s*(\S+)/m.exec(trimmed)?.[1];
      if (name !== undefined) byName.set(name, trimmed);
    }
  }
  const names = [...byName.keys()].sort();
  return `${names.map((name) => byName.get(name)).join('\n\n')}\n`;
}
