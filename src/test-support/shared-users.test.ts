import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testFilesImporting } from './shared-users.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));

describe('testFilesImporting', () => {
  let root: string;
  const write = async (file: string, text: string): Promise<void> => {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  };

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'shipshape-shared-users-'));
    await write('src/support/shared.ts', 'export const sharedDir = "x";\n');
    await write('src/support/vectors.ts', "import { sharedDir } from './shared.js';\nexport const v = sharedDir;\n");
    await write('src/support/loop-a.ts', "import { b } from './loop-b.js';\nimport './shared.js';\nexport const a = b;\n");
    await write('src/support/loop-b.ts', "export { a as b } from './loop-a.js';\n");
    await write('src/a/direct.test.ts', "import { describe } from 'vitest';\nimport {\n  sharedDir,\n} from '../support/shared.js';\n");
    await write('src/a/through.test.ts', "import { v } from '../support/vectors.js';\n");
    await write('src/a/cycle.test.ts', "import { b } from '../support/loop-b.js';\n");
    await write('src/a/dynamic.test.ts', "const m = await import('../support/shared.js');\n");
    await write('src/a/types-only.test.ts', "import type { X } from '../support/shared.js';\n");
    await write('src/a/unrelated.test.ts', "import { readFileSync } from 'node:fs';\n// '../support/shared.js' in a comment\n");
    await write('test/e2e.test.ts', "import '../src/support/shared.js';\n");
  });
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('finds the test files that load the module directly, through other modules, cycles or import(); not by types alone', () => {
    expect(testFilesImporting(root, ['src', 'test', 'missing'], 'src/support/shared.ts')).toEqual([
      'src/a/cycle.test.ts',
      'src/a/direct.test.ts',
      'src/a/dynamic.test.ts',
      'src/a/through.test.ts',
      'test/e2e.test.ts',
    ]);
  });

  it('in this repository: the real-image tests read the shared data, the example estate does not', () => {
    const users = testFilesImporting(repo, ['src', 'test'], 'src/test-support/shared.ts');
    expect(users).toContain('src/image/real-images.test.ts');
    expect(users).toContain('src/vuln/versioning/npm/npm.test.ts'); // through test-support/vectors.ts
    expect(users).not.toContain('test/lifecycle/estate.test.ts');
    expect(users).not.toContain('src/test-support/shared-users.test.ts');
  });
});
