import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, lstat, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { minOf } from '../core/collections.js';
import { UsageError, messageOf } from '../core/errors.js';
import { applyEdits, EditError } from '../lifecycle/posture/apply.js';
import type { FileEdit, PostureReport, ProposedChange } from '../lifecycle/posture/model.js';
import { unifiedDiff } from '../lifecycle/posture/patch.js';
import type { FixWorkspace } from './fix-workspace.js';

/** Where the estate's files are: the directory the diff's paths are relative to, and a file's place on disk. */
export interface EstateFiles {
  /** The estate's directory (the config file's, else the working directory): paths in the diff are relative to it. */
  base: string;
  /** The file an edit names, on disk (undefined: not in the estate). */
  locate(file: string): string | undefined;
  /** Where a located file is in the estate itself (a working copy's file: its original); default: itself. */
  display?: ((located: string) => string) | undefined;
}

/** Which changes to make: by control id, by rule id (default: every gap and partial with a file edit). */
export interface FixSelection {
  controls?: readonly string[] | undefined;
  rules?: readonly string[] | undefined;
}

/** One proposed change as `fix` treats it: a patch, or manual with the reason. */
interface FixChange {
  control: string;
  rules: string[];
  summary: string;
  kind: 'patch' | 'manual';
  /** Why it is manual: what to do by hand, or why the edit could not be made. */
  reason?: string | undefined;
  /** Each file the patch changes: its path (relative to the estate), the first line it edits, the lines of the patched file its hunks span, its own diff. */
  files: { path: string; line: number | undefined; lines: [number, number] | undefined; diff: string }[];
  snippet?: string | undefined;
  /** The change as the posture proposed it. */
  change: ProposedChange;
}

/** A file the patches change: as read (undefined: a new file), and after. */
interface FixedFile {
  path: string;
  display: string;
  before: string | undefined;
  after: string;
}

export interface FixPlan {
  changes: FixChange[];
  files: FixedFile[];
  /** Every patch together: one unified diff, relative to `EstateFiles.base`. */
  patch: string;
}

/** Largest estate file `fix` edits: larger ones are left manual (the readers bound theirs too). */
const maxFileBytes = 8 * 1024 * 1024;
/** Rounds of patching and reading again: a change made on a file another change of the round edits waits for the next. */
const maxRounds = 6;

/** How `fixEstate` reads the estate again: the posture of the estate whose roots are in the working copy. */
export interface FixRounds {
  workspace: FixWorkspace;
  /** The estate's directory (the diff's paths are relative to it). */
  base: string;
  /** The posture of the working copy as it is now, where its files are, and changes proposed besides the controls' (base image advice). */
  assess(): Promise<{ report: PostureReport; locate: (file: string) => string | undefined; extra?: ControlChange[] | undefined }>;
}

/** A proposed change and the control it is filed under. */
export interface ControlChange {
  control: string;
  change: ProposedChange;
}

/**
 * The posture's proposed changes made: round after round, the changes with edits are applied to
 * the working copy — in one round at most one change per file, each checked (the edit fits the
 * file as it is now, a YAML file still parses) — and the estate is read and assessed again, so that
 * every change is made against what the changes before it left; until a round has nothing to patch.
 * What is left is manual, with the reason. The plan holds each file as it was and as it ends.
 */
export async function fixEstate(rounds: FixRounds, selection: FixSelection = {}): Promise<FixPlan> {
  const patched: FixChange[] = [];
  const originals = new Map<string, string | undefined>();
  let manual: FixChange[] = [];
  // one assessment more than rounds: after the last round, what is still left is said (never dropped)
  for (let round = 0; round <= maxRounds; round++) {
    const { report, locate, extra } = await rounds.assess();
    const files: EstateFiles = { base: rounds.base, locate, display: (located) => rounds.workspace.originalOf(located) };
    const step = await planRound(report, files, selection, extra);
    manual = step.changes.filter((c) => c.kind === 'manual');
    const made = step.changes.filter((c) => c.kind === 'patch');
    if (made.length === 0) break;
    if (round === maxRounds) {
      for (const change of made)
        manual.push({ ...change, kind: 'manual', reason: `not made within ${maxRounds} rounds: run shipshape fix again after applying this patch`, files: [] });
      break;
    }
    for (const file of step.files) {
      const original = rounds.workspace.originalOf(file.path);
      if (!originals.has(original)) originals.set(original, file.before);
    }
    await writeFiles(step.files);
    for (const change of made) patched.push(change);
  }
  const fixed: FixedFile[] = [];
  for (const [original, before] of originals) {
    const after = (await readIfPresent(rounds.workspace.copyOf(original))) ?? '';
    if (after !== before) fixed.push({ path: original, display: displayOf(rounds.base, original), before, after });
  }
  fixed.sort((a, b) => a.display.localeCompare(b.display));
  return { changes: [...patched, ...manual], files: fixed, patch: fixed.map((f) => unifiedDiff(f.display, f.before, f.after)).join('') };
}

/**
 * One round: each selected change with edits applied to its files as read, unless a change
 * before it in the round edits one of them (it waits for the next round); a change that cannot be
 * made, and every change without edits, is manual with the reason.
 */
async function planRound(
  report: PostureReport,
  files: EstateFiles,
  selection: FixSelection = {},
  extra: readonly ControlChange[] = [],
): Promise<{ changes: FixChange[]; files: FixedFile[] }> {
  const reader = new FileTexts(files);
  const accepted = new Map<string, FileEdit[]>();
  const changes: FixChange[] = [];
  for (const { control, change } of [...selectedChanges(report, selection), ...extra.filter((c) => isSelected(c, selection))]) {
    const base = { control, rules: change.rules ?? [], summary: change.summary, snippet: change.snippet, change };
    if (change.edits.length === 0) {
      changes.push({ ...base, kind: 'manual', reason: change.summary, files: [] });
      continue;
    }
    if (change.edits.some((edit) => accepted.has(edit.file))) continue;
    try {
      const own: FixChange['files'] = [];
      for (const file of new Set(change.edits.map((e) => e.file))) {
        const text = await reader.text(file);
        const after = applyEdits(text.before ?? '', file, change.edits);
        checkParses(text.display, after);
        const diff = unifiedDiff(text.display, text.before, after);
        own.push({ path: text.display, line: firstLine(change.edits.filter((e) => e.file === file)), lines: hunkSpan(diff), diff });
      }
      for (const edit of change.edits) accepted.set(edit.file, [...(accepted.get(edit.file) ?? []), edit]);
      changes.push({ ...base, kind: 'patch', files: own });
    } catch (error) {
      if (!(error instanceof EditError || error instanceof NotEditable)) throw error;
      changes.push({ ...base, kind: 'manual', reason: `could not be patched: ${messageOf(error)}`, files: [] });
    }
  }
  const fixed: FixedFile[] = [];
  for (const [file, edits] of accepted) {
    const text = await reader.text(file);
    fixed.push({ path: text.path, display: text.display, before: text.before, after: applyEdits(text.before ?? '', file, edits) });
  }
  return { changes, files: fixed };
}

/** Sets each proposed change's `patch` (its own diff against the files as they are) where it can be made: what the reports show. */
export async function attachPatches(report: PostureReport, files: EstateFiles): Promise<void> {
  const reader = new FileTexts(files);
  for (const { change } of selectedChanges(report, {})) {
    if (change.edits.length === 0) continue;
    try {
      let patch = '';
      for (const file of new Set(change.edits.map((e) => e.file))) {
        const text = await reader.text(file);
        patch += unifiedDiff(text.display, text.before, applyEdits(text.before ?? '', file, change.edits));
      }
      change.patch = patch;
    } catch (error) {
      if (!(error instanceof EditError || error instanceof NotEditable)) throw error;
    }
  }
}

/**
 * Writes the plan's files in place: all or none. Every file must be as it was read (a file changed
 * since refuses the whole write), writable, and not a symbolic link. Returns the paths written,
 * relative to the estate.
 */
export async function writeFixes(plan: FixPlan): Promise<string[]> {
  for (const file of plan.files) {
    const info = await lstat(file.path).catch(() => undefined);
    if (info?.isSymbolicLink()) throw new UsageError(`${file.display} is a symbolic link: nothing was written`);
    const now = await readIfPresent(file.path);
    if (hashOf(now) !== hashOf(file.before))
      throw new UsageError(`${file.display} changed since it was read: nothing was written`, { hint: 'run shipshape fix again' });
    const writable = file.before === undefined ? path.dirname(file.path) : file.path;
    // a file its owner marked read-only is left alone, even by a user the system would let write it (root)
    const readOnly =
      ((await stat(writable)).mode & 0o222) === 0 ||
      !(await access(writable, constants.W_OK).then(
        () => true,
        () => false,
      ));
    if (readOnly)
      throw new UsageError(`${file.display} cannot be written (${file.before === undefined ? 'its directory is' : 'it is'} read-only): nothing was written`);
  }
  await writeFiles(plan.files);
  return plan.files.map((f) => f.display);
}

/** Each file written to a temporary file beside it and renamed over it (a hard link in a working copy is replaced, its original untouched), keeping its mode. */
async function writeFiles(files: readonly FixedFile[]): Promise<void> {
  for (const file of files) {
    const mode = file.before === undefined ? 0o644 : (await stat(file.path)).mode & 0o777;
    const temporary = path.join(path.dirname(file.path), `.${path.basename(file.path)}.shipshape-${randomBytes(4).toString('hex')}`);
    const handle = await open(temporary, 'wx', mode);
    try {
      await handle.writeFile(file.after);
    } finally {
      await handle.close();
    }
    await rename(temporary, file.path).catch(async (error: unknown) => {
      await rm(temporary, { force: true });
      throw error;
    });
  }
}

const displayOf = (base: string, file: string): string => path.relative(base, file).split(path.sep).join('/');

/** A file the edits cannot be made to (outside the estate, a link, too large, a new file that exists). */
class NotEditable extends Error {}

/** The estate's files as read, once each, with the path the diff gives them. */
class FileTexts {
  private readonly texts = new Map<string, { path: string; display: string; before: string | undefined }>();

  constructor(private readonly files: EstateFiles) {}

  async text(file: string): Promise<{ path: string; display: string; before: string | undefined }> {
    const known = this.texts.get(file);
    if (known) return known;
    const located = this.files.locate(file);
    if (located === undefined) throw new NotEditable(`${file} is not in the estate's sources or manifests`);
    const display = displayOf(this.files.base, this.files.display?.(located) ?? located);
    // a diff header names the file unquoted: a name with control characters (a newline) could smuggle lines into the patch
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x1f\x7f"\\]/.test(display) || / \w\//.test(display))
      throw new NotEditable(`${JSON.stringify(display)} has characters a patch cannot name safely: make the change by hand`);
    if (display.startsWith('../') || path.isAbsolute(display))
      throw new NotEditable(`${file} is outside the estate's directory ${this.files.base}: make the change by hand`);
    const info = await lstat(located).catch(() => undefined);
    if (info?.isSymbolicLink()) throw new NotEditable(`${display} is a symbolic link: make the change in the file it points to`);
    if (info && !info.isFile()) throw new NotEditable(`${display} is not a regular file`);
    if (info && info.size > maxFileBytes) throw new NotEditable(`${display} is larger than ${maxFileBytes} bytes`);
    const read = { path: located, display, before: await readIfPresent(located) };
    this.texts.set(file, read);
    return read;
  }
}

async function readIfPresent(file: string): Promise<string | undefined> {
  const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new UsageError(`cannot read ${file}: ${error.message}`);
  });
  if (handle === undefined) return undefined;
  try {
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

const hashOf = (text: string | undefined): string => (text === undefined ? 'absent' : createHash('sha256').update(text).digest('hex'));

/** A patched YAML file must still be YAML: a patch that breaks it is not offered. */
function checkParses(display: string, text: string): void {
  if (!/\.ya?ml$/i.test(display)) return;
  const broken = parseAllDocuments(text).flatMap((document) => ('errors' in document ? document.errors : []));
  if (broken.length > 0) throw new NotEditable(`the patched ${display} would not parse as YAML (${broken[0]?.message ?? 'error'})`);
}

/** The lines of the new file a diff's hunks span (`@@ -a,b +c,d @@`): from the first hunk's start to the last one's end. */
function hunkSpan(diff: string): [number, number] | undefined {
  const hunks = [...diff.matchAll(/^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/gm)].map((m) => ({
    start: Number(m[1]),
    count: m[2] === undefined ? 1 : Number(m[2]),
  }));
  const first = hunks[0];
  const last = hunks[hunks.length - 1];
  if (first === undefined || last === undefined) return undefined;
  return [Math.max(1, first.start), Math.max(first.start, last.start + last.count - 1)];
}

function firstLine(edits: readonly FileEdit[]): number | undefined {
  const lines = edits.flatMap((edit) => ('line' in edit ? [edit.line] : []));
  return lines.length === 0 ? undefined : minOf(lines);
}

/** The changes asked for (by control, by rule) of the gaps and partials; an unknown control id asked for is a usage error. */
function selectedChanges(report: PostureReport, selection: FixSelection): ControlChange[] {
  for (const id of selection.controls ?? [])
    if (!report.controls.some((c) => c.control.id === id))
      throw new UsageError(`no control ${JSON.stringify(id)}`, { hint: `controls: ${report.controls.map((c) => c.control.id).join(', ')}` });
  return report.controls
    .filter((c) => c.status === 'gap' || c.status === 'partial')
    .flatMap((control) => control.changes.map((change) => ({ control: control.control.id, change })))
    .filter((c) => isSelected(c, selection));
}

function isSelected({ control, change }: ControlChange, selection: FixSelection): boolean {
  return (
    (selection.controls === undefined || selection.controls.includes(control)) &&
    (selection.rules === undefined || (change.rules ?? []).some((rule) => selection.rules?.includes(rule)))
  );
}
