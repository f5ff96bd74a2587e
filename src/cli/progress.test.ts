import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ResolvedImage } from '../image/source.js';
import type { CliIo } from './io.js';
import { ProgressLine } from './progress.js';

const io = (isTTY: boolean, columns = 80): CliIo & { written: string[] } => {
  const written: string[] = [];
  return {
    written,
    stdout: { write: () => true },
    stderr: { write: (text: string) => written.push(text), isTTY, columns },
    env: {},
    readStdin: async () => '',
    homedir: '/nonexistent',
    cwd: '/nonexistent',
  };
};

describe('ProgressLine', () => {
  it('is drawn only on a terminal and not with --quiet', () => {
    expect(ProgressLine.for(io(false), false)).toBeUndefined();
    expect(ProgressLine.for(io(true), true)).toBeUndefined();
    expect(ProgressLine.for(io(true), false)).toBeInstanceOf(ProgressLine);
  });

  it('shows layers done and bytes read, on one rewritten line, and clears it at the end', () => {
    const terminal = io(true);
    const progress = ProgressLine.for(terminal, false) as ProgressLine;
    const image = {
      name: 'x',
      reference: 'app:1',
      manifestDigest: `sha256:${'a'.repeat(64)}`,
      configDigest: 'sha256:b',
      layers: [{}, {}],
    } as unknown as ResolvedImage;
    progress.update({ kind: 'resolved', image });
    progress.update({ kind: 'layer-start', index: 0, total: 2, size: 2048, cached: false });
    progress.update({ kind: 'layer-done', index: 0 });
    progress.update({ kind: 'layer-start', index: 1, total: 2, size: 4096, cached: false });
    progress.finish();
    expect(terminal.written[0]).toContain('Resolved app:1 sha256:aaaaaaaaaaaa; reading 2 layers');
    expect(terminal.written).toContain('\r\x1b[2KLayers 1/2  reading #1 0 B/4.0 KiB');
    expect(terminal.written.every((line) => line.startsWith('\r\x1b[2K'))).toBe(true);
    expect(terminal.written.at(-1)).toBe('\r\x1b[2K');
  });

  it('fits the line to the terminal; a terminal reporting 0 columns gets all of it', () => {
    const text = 'Images 3/12  team/a-repository-with-a-long-name@sha256:0123456789abcdef';
    const narrow = io(true, 20);
    new ProgressLine(narrow.stderr).message(text);
    expect(narrow.written).toEqual([`\r\x1b[2K${text.slice(0, 19)}`]);
    const unknown = io(true, 0);
    new ProgressLine(unknown.stderr).message(text);
    expect(unknown.written).toEqual([`\r\x1b[2K${text}`]);
    const unreported: string[] = [];
    new ProgressLine({ write: (t: string) => unreported.push(t), isTTY: true }).message(text.repeat(3));
    expect(unreported).toEqual([`\r\x1b[2K${text.repeat(3)}`]);
  });

  describe('tick', () => {
    afterEach(() => vi.useRealTimers());

    it('draws a step of many at most ten times a second, and builds the text only when it draws', () => {
      vi.useFakeTimers({ now: 1_000_000 });
      const terminal = io(true);
      const progress = new ProgressLine(terminal.stderr);
      let built = 0;
      const text = (n: number) => () => {
        built++;
        return `file ${n}`;
      };
      progress.tick(text(1));
      progress.tick(text(2));
      vi.setSystemTime(1_000_100);
      progress.tick(text(3));
      expect(terminal.written).toEqual(['\r\x1b[2Kfile 1', '\r\x1b[2Kfile 3']);
      expect(built).toBe(2);
    });
  });
});
