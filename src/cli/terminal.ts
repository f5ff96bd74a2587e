import { escapeControls } from '../core/format.js';
import type { CliIo, OutputStream } from './io.js';
import { unmark } from '../report/colour.js';

// eslint-disable-next-line no-control-regex -- the point is to find them
const unsafe = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Text as it may reach a terminal: tabs and line ends as written, every other control character
 * (ESC, BEL, NUL, CR, DEL, the C1 codes such as CSI and OSC) as a visible escape — `\xNN` for C0,
 * `\u00NN` for DEL and C1, which JSON reads back as the same character (JSON.stringify leaves those
 * raw), so JSON output stays valid JSON.
 */
function terminalSafe(text: string): string {
  return text.replace(unsafe, (c) => {
    const code = c.charCodeAt(0);
    const hex = code.toString(16).padStart(2, '0');
    return code < 0x20 ? `\\x${hex}` : `\\u00${hex}`;
  });
}

/**
 * The last guard between the input and the terminal: every write to stdout and stderr passes
 * through `terminalSafe`, whatever a renderer forgot. Renderers still escape what they print (so
 * columns stay aligned and a line break of the input shows as `\x0a`, not as a line of ours); this
 * makes a path they miss harmless.
 */
export function guardIo(io: CliIo): CliIo {
  return { ...io, stdout: guard(io.stdout), stderr: guard(io.stderr) };
}

function guard(stream: OutputStream): OutputStream {
  if (stream.unguarded) return stream;
  return {
    // our colour marks become SGR codes only after every control character of the text is escaped
    write: (text: string) => stream.write(unmark(terminalSafe(text), true)),
    unguarded: stream,
    get isTTY() {
      return stream.isTTY;
    },
    get columns() {
      return stream.columns;
    },
  };
}

/**
 * Replaces the terminal's current line with `text` (a progress display), its control characters
 * escaped; an empty text clears the line. The one write that carries a control sequence of ours.
 */
export function redraw(stream: OutputStream, text: string): void {
  (stream.unguarded ?? stream).write(`\r\x1b[2K${escapeControls(text)}`);
}
