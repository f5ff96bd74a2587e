import { Writable } from 'node:stream';
import { CorruptInputError, LimitExceededError } from '../../core/errors.js';
import { BLOCK, checksumValid, cString, decodeHeader, isZeroBlock, parsePax, type RawHeader } from './header.js';

/** What the parser hands over for each real entry (extension headers already applied). */
export type TarEntryHeader = RawHeader;

export interface TarParserOptions {
  what: string;
  /** Largest PAX / GNU long-name record accepted. */
  maxExtensionBytes: number;
  /** Called for each entry; may throw to stop the parse (the error fails the stream). */
  onEntry: (header: TarEntryHeader) => void;
}

type State = { kind: 'header' } | { kind: 'skip'; remaining: number } | { kind: 'extension'; typeflag: string; size: number; parts: Buffer[]; remaining: number } | { kind: 'done' };

/**
 * A streaming tar parser as a Node Writable: headers are decoded, content is skipped without being
 * copied, and nothing but the current header block is buffered. Truncation and bad checksums are
 * CorruptInputErrors. (Written here rather than taken from tar-stream, whose streamx-based extractor
 * does not compose with Node's stream.pipeline error handling and allocates a stream per entry.)
 */
export class TarStreamParser extends Writable {
  private state: State = { kind: 'header' };
  private readonly pending = Buffer.alloc(BLOCK);
  private pendingLength = 0;
  private offset = 0;
  private zeroBlocks = 0;
  private longName: string | undefined;
  private longLink: string | undefined;
  private pax: Map<string, string> | undefined;

  constructor(private readonly options: TarParserOptions) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    try {
      this.consume(chunk);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _final(callback: (error?: Error | null) => void): void {
    const clean = this.state.kind === 'done' || (this.state.kind === 'header' && this.pendingLength === 0);
    callback(clean ? null : new CorruptInputError(`${this.options.what}: the tar ends in the middle of an entry (truncated)`));
  }

  private consume(chunk: Buffer): void {
    let position = 0;
    while (position < chunk.length) {
      const state = this.state;
      if (state.kind === 'done') return; // trailing bytes after the end-of-archive marker
      if (state.kind === 'skip') {
        const take = Math.min(state.remaining, chunk.length - position);
        state.remaining -= take;
        position += take;
        if (state.remaining === 0) this.state = { kind: 'header' };
        continue;
      }
      if (state.kind === 'extension') {
        const take = Math.min(state.remaining, chunk.length - position);
        state.parts.push(chunk.subarray(position, position + take));
        state.remaining -= take;
        position += take;
        if (state.remaining === 0) this.finishExtension(state);
        continue;
      }
      const take = Math.min(BLOCK - this.pendingLength, chunk.length - position);
      chunk.copy(this.pending, this.pendingLength, position, position + take);
      this.pendingLength += take;
      position += take;
      if (this.pendingLength === BLOCK) {
        this.pendingLength = 0;
        this.header(this.pending);
        this.offset += BLOCK;
      }
    }
  }

  private header(block: Buffer): void {
    if (isZeroBlock(block)) {
      if (++this.zeroBlocks === 2) this.state = { kind: 'done' };
      return;
    }
    this.zeroBlocks = 0;
    const header = checksumValid(block) ? decodeHeader(block) : undefined;
    if (!header) throw new CorruptInputError(`${this.options.what}: invalid tar header at byte ${this.offset} (not a tar, or corrupt)`);
    const padded = Math.ceil(header.size / BLOCK) * BLOCK;
    if ('xLK'.includes(header.typeflag)) {
      if (header.size > this.options.maxExtensionBytes) {
        throw new LimitExceededError(`${this.options.what}: tar extension header of ${header.size} bytes is over the limit`);
      }
      this.offset += padded;
      this.state = header.size === 0 ? { kind: 'header' } : { kind: 'extension', typeflag: header.typeflag, size: header.size, parts: [], remaining: padded };
      return;
    }
    if (header.typeflag === 'g') {
      this.offset += padded;
      this.state = padded === 0 ? { kind: 'header' } : { kind: 'skip', remaining: padded };
      return;
    }
    const entry = this.applyExtensions(header);
    this.options.onEntry(entry);
    // Links, devices, directories and FIFOs store no data whatever their size field says (as Go's archive/tar).
    const dataSize = '123456'.includes(entry.typeflag) ? 0 : entry.size;
    const skip = Math.ceil(dataSize / BLOCK) * BLOCK;
    this.offset += skip;
    this.state = skip === 0 ? { kind: 'header' } : { kind: 'skip', remaining: skip };
  }

  private finishExtension(state: Extract<State, { kind: 'extension' }>): void {
    const data = Buffer.concat(state.parts).subarray(0, state.size);
    if (state.typeflag === 'x') this.pax = parsePax(data);
    else if (state.typeflag === 'L') this.longName = cString(data, 0, data.length);
    else this.longLink = cString(data, 0, data.length);
    this.state = { kind: 'header' };
  }

  /** PAX records win over GNU long names, which win over the ustar fields. */
  private applyExtensions(header: RawHeader): RawHeader {
    const pax = this.pax;
    const entry: RawHeader = {
      ...header,
      name: pax?.get('path') ?? this.longName ?? header.name,
      linkname: pax?.get('linkpath') ?? this.longLink ?? header.linkname,
    };
    for (const key of ['size', 'uid', 'gid'] as const) {
      const value = pax?.get(key);
      if (value !== undefined && /^\d+$/.test(value)) entry[key] = Number(value);
    }
    this.pax = this.longName = this.longLink = undefined;
    return entry;
  }
}
