/**
 * Bounds on untrusted input. Every archive, layer and document Shipshape reads is checked against
 * these; exceeding one is a `LimitExceededError`, never an out-of-memory crash.
 */
export interface Limits {
  /** Largest decompressed size of one layer, in bytes. */
  maxLayerBytes: number;
  /** Decompressed/compressed ratio past which a layer is treated as a decompression bomb... */
  maxCompressionRatio: number;
  /** ...once it has produced at least this many bytes (small layers compress very well legitimately). */
  ratioCheckAfterBytes: number;
  /** Most tar entries in one layer or archive. */
  maxEntries: number;
  /** Longest path inside an image, in bytes. */
  maxPathBytes: number;
  /** Most symbolic links followed while resolving one path. */
  maxSymlinkHops: number;
  /** Largest JSON document (manifest, index, config, archive manifest) read into memory. */
  maxDocumentBytes: number;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export const defaultLimits: Limits = {
  maxLayerBytes: 32 * GiB,
  maxCompressionRatio: 200,
  ratioCheckAfterBytes: 256 * MiB,
  maxEntries: 2_000_000,
  maxPathBytes: 4096,
  maxSymlinkHops: 40,
  maxDocumentBytes: 16 * MiB,
};

/**
 * Largest Dockerfile read, in bytes (`dockerfile lint`, `scan image --dockerfile`, the Dockerfiles of
 * a source tree). Real ones are a few KiB; past this a file is refused, not parsed.
 */
export const maxDockerfileBytes = 1 * MiB;

/**
 * Most records read from one rpm SQLite database (an image's `rpmdb.sqlite`). A large distribution
 * installs a few thousand packages; past this the rest are not read, with a diagnostic.
 */
export const maxRpmSqliteRecords = 100_000;

/**
 * Bounds on talking to a registry or token service, which may be hostile: a server that drips its
 * answer, never ends a paginated list, or sends one enormous page.
 */
export interface RegistryLimits {
  /**
   * Longest one request for a document may take — a manifest, config, tag or catalog page,
   * referrers index, token or error body: from sending it to the last byte of its body, redirects
   * and retries included. Undici's own timeouts only bound the wait *between* two chunks, so a body
   * dripped one byte at a time would never end without this. 120 s reads a `maxDocumentBytes` (16 MiB)
   * document at about 1 Mbit/s; real documents are a few KiB.
   */
  requestDeadlineMs: number;
  /**
   * A streamed blob (a layer) has no whole-request deadline — a 10 GiB layer may rightly take an
   * hour — but must bring at least `minTransferBytes` in every `transferWindowMs` while Shipshape is
   * waiting for it (curl's `--speed-limit`/`--speed-time` rule; time the reader spends on its side
   * does not count). 1 MiB a minute (about 17 KiB/s) is slower than any working link.
   */
  minTransferBytes: number;
  /** See `minTransferBytes`. */
  transferWindowMs: number;
  /**
   * Most items (tags, repositories, referrers) of one paginated list, all pages together. A million
   * is ten times the tags of the largest public repositories; past it the list is an error, not a
   * heap exhausted.
   */
  maxListItems: number;
  /** Most bytes of one paginated list's pages together (each page is also at most `maxDocumentBytes`). */
  maxListBytes: number;
  /** Most pages of one paginated list (a registry that always answers "there is more"). */
  maxListPages: number;
}

export const defaultRegistryLimits: RegistryLimits = {
  requestDeadlineMs: 120_000,
  minTransferBytes: 1 * MiB,
  transferWindowMs: 60_000,
  maxListItems: 1_000_000,
  maxListBytes: 256 * MiB,
  maxListPages: 10_000,
};

/**
 * Largest standard input read (`-` manifest paths, `version --stdin`, `--password-stdin`), in bytes.
 * The same as `maxDocumentBytes`: whatever comes in on stdin is one document for a reader bounded
 * by it anyway, and reading stops here instead of after the whole stream is in memory.
 */
export const maxStdinBytes = defaultLimits.maxDocumentBytes;

/**
 * Deepest nesting read in a CI definition: Groovy/Kotlin blocks, YAML levels, shell commands
 * inside `$(…)` or `sh -c`. Real pipelines nest a few levels; readers recurse over the nesting, so
 * an unbounded depth would exhaust the stack. A file deeper than this is a diagnostic for that
 * file; the rest of the estate is read.
 */
export const maxCiNestingDepth = 200;

/**
 * Deepest `${A:-${B:-…}}` nesting substituted in one Dockerfile word. BuildKit has no smaller
 * bound, but no real Dockerfile nests past a few levels; deeper words are left as written
 * (unresolved), so a rule sees an unknown value, never a wrong one.
 */
export const maxDockerfileSubstitutionDepth = 64;

/**
 * Most ARG/ENV values the stages of one Dockerfile inherit from their parent stages, all stages
 * together. Each `FROM <stage>` copies its parent's variables; a 1 MiB chain of stages each adding
 * one would copy hundreds of millions. A real multi-stage Dockerfile copies a few thousand. Past it
 * a stage inherits nothing (its parents' values read as unknown) and the Dockerfile gets a
 * malformed-Dockerfile finding naming the limit.
 */
export const maxDockerfileInheritedVariables = 100_000;

/**
 * Longest `${…}` interpolation read inside a CI string (a Groovy or Kotlin template, a shell
 * `${…}`), in characters. Real ones are a name or a short call; a longer one is read as text. Each
 * `${` looks ahead for its closing brace: unbounded, a file of many unclosed ones took time
 * quadratic in its size (found by the long fuzz run).
 */
export const maxCiInterpolationChars = 4096;

/**
 * Largest CI definition read, in bytes: a Jenkinsfile, workflow, `.gitlab-ci.yml` (and each file
 * it includes) or TeamCity `.kts`. Real ones are tens of KiB; larger files are skipped with a
 * diagnostic.
 */
export const maxCiFileBytes = 4 * MiB;

/**
 * Walking a source tree (`estate`/`posture` sources) for Dockerfiles and repositories: the deepest
 * directory level and the most entries looked at per root. Past either, the rest is not read, and
 * a diagnostic says so. Symbolic links are never followed; only regular files are read.
 */
export const sourceWalkLimits = { maxDepth: 32, maxEntries: 500_000 } as const;

/** The search for CI definitions below a source root (they sit near a repository's top): see `sourceWalkLimits`. */
export const ciSearchLimits = { maxDepth: 12, maxEntries: 200_000 } as const;
