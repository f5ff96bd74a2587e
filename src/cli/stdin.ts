import type { Readable } from 'node:stream';
import { LimitExceededError } from '../core/errors.js';
import { maxStdinBytes } from '../core/limits.js';

/**
 * All of a stream (standard input) as UTF-8 text, refusing more than `maxBytes`: reading stops
 * there, so an endless or enormous input (`< /dev/zero`) is an error, not memory exhausted.
 */
export async function readBoundedText(stream: Readable, maxBytes = maxStdinBytes): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
    total += buffer.length;
    // leaving the loop by throwing destroys the stream: nothing more is read
    if (total > maxBytes) throw new LimitExceededError(`standard input is larger than ${maxBytes} bytes (the maxStdinBytes limit)`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
