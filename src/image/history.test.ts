import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../core/diagnostics.js';
import { historyOfLayers, instructionOf } from './history.js';

describe('historyOfLayers', () => {
  it('skips empty_layer entries so each layer gets its own step', () => {
    const history = [
      { created_by: 'ADD rootfs' },
      { created_by: 'ENV A=b', empty_layer: true },
      { created_by: 'RUN make' },
      { created_by: 'USER app', empty_layer: true },
    ];
    expect(historyOfLayers(history, 2, new Diagnostics()).map((h) => h?.created_by)).toEqual(['ADD rootfs', 'RUN make']);
  });

  it('gives no instructions, with a diagnostic, when the counts disagree', () => {
    const diagnostics = new Diagnostics();
    expect(historyOfLayers([{ created_by: 'one' }], 2, diagnostics)).toEqual([undefined, undefined]);
    expect(diagnostics.items[0]?.code).toBe('history.mismatch');
  });
});

describe('instructionOf', () => {
  it.each([
    ['/bin/sh -c #(nop)  ENV A=b', 'ENV A=b'],
    ['/bin/sh -c #(nop) COPY dir:abc in /app ', 'COPY dir:abc in /app'],
    ['/bin/sh -c apt-get update', 'RUN apt-get update'],
    ['RUN /bin/sh -c make install # buildkit', 'RUN make install'],
    ['|1 VERSION=2 /bin/sh -c make', 'RUN make'],
    ['COPY . . # buildkit', 'COPY . .'],
    ['umoci raw add-layer', 'umoci raw add-layer'],
  ])('%s → %s', (createdBy, instruction) => {
    expect(instructionOf(createdBy)).toBe(instruction);
  });
});
