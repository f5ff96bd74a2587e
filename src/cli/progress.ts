import { escapeControls, formatBytes, shortDigest } from '../core/format.js';
import type { ProgressEvent } from '../image/read-image.js';
import type { CliIo } from './io.js';
import { redraw } from './terminal.js';

/**
 * The one progress display of every long-running command (layers read, registries, estates,
 * manifests, advisory imports): one line on stderr, only when stderr is a terminal (never in pipes,
 * CI logs or `--quiet`), nothing on stdout. Layer progress is redrawn at most ten times a second.
 */
export class ProgressLine {
  private readonly layers = new Map<number, { bytes: number; size: number; done: boolean; cached: boolean }>();
  private total = 0;
  private lastDraw = 0;
  private drawn = false;

  constructor(private readonly stream: CliIo['stderr']) {}

  static for(io: CliIo, quiet: boolean): ProgressLine | undefined {
    return !quiet && io.stderr.isTTY ? new ProgressLine(io.stderr) : undefined;
  }

  readonly update = (event: ProgressEvent): void => {
    if (event.kind === 'resolved') {
      this.total = event.image.layers.length;
      this.write(
        `Resolved ${event.image.reference ?? event.image.name} ${shortDigest(event.image.manifestDigest ?? event.image.configDigest)}; reading ${this.total} layers`,
      );
      return;
    }
    const layer = this.layers.get(event.index) ?? { bytes: 0, size: 0, done: false, cached: false };
    if (event.kind === 'layer-start') Object.assign(layer, { size: event.size, cached: event.cached });
    if (event.kind === 'layer-bytes') layer.bytes = event.bytes;
    if (event.kind === 'layer-done') layer.done = true;
    this.layers.set(event.index, layer);
    const now = Date.now();
    if (event.kind === 'layer-bytes' && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const done = [...this.layers.values()].filter((l) => l.done).length;
    const active = [...this.layers.entries()].filter(([, l]) => !l.done && !l.cached);
    const detail = active.map(([index, l]) => `#${index} ${formatBytes(l.bytes)}/${formatBytes(l.size)}`).join(', ');
    this.write(`Layers ${done}/${this.total}${detail ? `  reading ${detail}` : ''}`);
  };

  /** Shows a line of text (for work that is not reading one image's layers). */
  readonly message = (text: string): void => {
    this.write(text);
  };

  /** Like `message`, for a step of many (one file of thousands): drawn at most ten times a second. */
  readonly tick = (text: () => string): void => {
    const now = Date.now();
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.write(text());
  };

  private write(text: string): void {
    // one column short of the terminal, so the line never wraps; a terminal reporting no width (0 or none) gets it all
    const columns = this.stream.columns ?? 0;
    const shown = escapeControls(text);
    redraw(this.stream, columns > 1 ? shown.slice(0, columns - 1) : shown);
    this.drawn = true;
  }

  /** Clears the line before results are printed. */
  finish(): void {
    if (this.drawn) redraw(this.stream, '');
  }
}
