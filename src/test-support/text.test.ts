import { describe, expect, it } from 'vitest';
import { dedent } from './text.js';

describe('dedent', () => {
  it('removes the opening line break and the common indentation; a closing line means a final line break', () => {
    expect(dedent`
      services:
        web:

          image: nginx:1.27
    `).toBe('services:\n  web:\n\n    image: nginx:1.27\n');
    expect(dedent`
      a
        b`).toBe('a\n  b');
    expect(dedent`
      x: ${'1'}
    `).toBe('x: 1\n');
  });
});
