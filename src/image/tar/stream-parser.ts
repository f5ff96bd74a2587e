import { constants } from 'node:buffer';
import { Writable } from 'node:stream';
import { CorruptInputError, LimitExceededError } from '../../core/errors.js';
import { BLOCK, checksumValid, cString, decodeHeader, isZeroBlock, parsePax, type RawHeader } from './header.js';

/** What the parser hands over for each real entry (extension headers already applied). */
export type TarEntryHeader = RawHeader;

/** Asks the parser for an entry's content; `magic`, if given, must open it or the capture is dropped. */
export interface CaptureRequest {
  magic?: Buffer | undefined;
}

export interface TarParserOptions {
  what: string;
  /** Largest PAX / GNU long-name record accepted. */
  maxExtensionBytes: number;
  /**
   * Called for each entry; returns a CaptureRequest to receive the entry's content through
   * `onContent`. May throw to stop the parse (the error fails the stream).
   */
  onEntry: (header: TarEntryHeader) => CaptureRequest | undefined | void;
  /** Receives the content of captured entries, whole, as soon as their last byte has arrived. */
  onContent?: ((header: TarEntryHeader, content: Buffer) => void) | undefined;
}

/** Content being collected: the magic bytes first, then (if they match) the whole entry. */
interface Capture {
  header: TarEntryHeader;
  magic: Buffer | undefined;
  /** Allocated once the magic matched (or at once without one). */
  data: Buffer | undefined;
  /** Content bytes received so far. */
  filled: number;
}

/** The most bytes one captured entry may hold: what a Buffer can (entries asked for are far smaller in practice). */
const maxCaptureBytes = constants.MAX_LENGTH;

type State =
  | { kind: 'header' }
  | { kind: 'skip'; remaining: number; capture?: Capture | undefined }
  | { kind: 'extension'; typeflag: string; size: number; parts: Buffer[]; remaining: number }
  | { kind: 'done' };

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
        if (state.capture) state.capture = this.collect(state.capture, chunk.subarray(position, position + take));
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
    const request = this.options.onEntry(entry);
    // Links, devices, directories and FIFOs store no data whatever their size field says (as Go's archive/tar).
    const dataSize = '123456'.includes(entry.typeflag) ? 0 : entry.size;
    const skip = Math.ceil(dataSize / BLOCK) * BLOCK;
    this.offset += skip;
    if (request && dataSize === 0) {
      if (!request.magic?.length) this.options.onContent?.(entry, Buffer.alloc(0));
      this.state = { kind: 'header' };
      return;
    }
    if (request && dataSize > maxCaptureBytes) {
      throw new LimitExceededError(`${this.options.what}: entry ${JSON.stringify(entry.name)} declares ${dataSize} bytes, more than can be read into memory`);
    }
    const capture = request ? { header: entry, magic: request.magic?.length ? request.magic : undefined, data: undefined, filled: 0 } : undefined;
    this.state = skip === 0 ? { kind: 'header' } : { kind: 'skip', remaining: skip, capture };
  }

  /**
   * Adds a piece of entry data (which may run into the tar's block padding) to a capture. The
   * content buffer is allocated only once the magic bytes have matched, so sniffing every
   * executable for an ELF header costs a few bytes each. Returns undefined when the capture ends.
   */
  private collect(capture: Capture, piece: Buffer): Capture | undefined {
    const { size } = capture.header;
    const bytes = piece.subarray(0, size - capture.filled);
    if (!capture.data) {
      const { magic } = capture;
      if (magic) {
        const head = bytes.subarray(0, magic.length - capture.filled);
        if (!head.equals(magic.subarray(capture.filled, capture.filled + head.length))) return undefined;
        if (capture.filled + head.length < magic.length) {
          capture.filled += head.length;
          return capture.filled < size ? capture : undefined; // a file shorter than the magic never matches
        }
      }
      capture.data = Buffer.allocUnsafe(size);
      // the bytes seen while sniffing were exactly the magic's first `filled` bytes
      magic?.copy(capture.data, 0, 0, capture.filled);
    }
    bytes.copy(capture.data, capture.filled);
    capture.filled += bytes.length;
    if (capture.filled < size) return capture;
    this.options.onContent?.(capture.header, capture.data);
    return undefined;
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
      if (value === undefined || !/^\d+$/.test(value)) continue;
      const number = Number(value);
      if (Number.isSafeInteger(number)) entry[key] = number;
      // a size that cannot be counted cannot be skipped either: where the next header starts is unknown
      else if (key === 'size')
        throw new CorruptInputError(`${this.options.what}: PAX size record ${value.slice(0, 40)} of ${JSON.stringify(entry.name)} is not a usable size`);
    }
    this.pax = this.longName = this.longLink = undefined;
    return entry;
  }
}
