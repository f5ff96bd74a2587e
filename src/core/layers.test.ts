import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The project's own lint configuration (eslint.config.js), as `npm run lint` uses it. */
const eslint = new ESLint({ cwd: root });

/** The `no-restricted-imports` messages for a module at `file` (relative to the root) holding `code`. */
async function restrictedImports(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

describe('the layer order (eslint.config.js `layers`)', () => {
  it('refuses an import from a layer above', async () => {
    expect(await restrictedImports('src/image/probe.ts', "import { renderTable } from '../report/table.js';\n")).toEqual([
      expect.stringContaining('src/image/ may import only its own folder and the layers below it'),
    ]);
    expect(await restrictedImports('src/vuln/match/probe.ts', "import type { LifecycleMap } from '../../lifecycle/model.js';\n")).toHaveLength(1);
    expect(await restrictedImports('src/core/probe.ts', "export { readImage } from '../image/read-image.js';\n")).toHaveLength(1);
  });

  it('refuses an import from a sibling in the same row', async () => {
    expect(await restrictedImports('src/buildtime/ci/probe.ts', "import { loadManifests } from '../../runtime/manifests/load.js';\n")).toEqual([
      expect.stringContaining('src/runtime/ is beside it'),
    ]);
  });

  it('keeps rules/ out of vuln/ and the demo out of distribute/', async () => {
    expect(await restrictedImports('src/rules/probe.ts', "import { severityOf } from '../vuln/severity.js';\n")).toHaveLength(1);
    expect(await restrictedImports('src/distribute/probe.ts', "import { startDemoRegistry } from '../demo/registry-server.js';\n")).toHaveLength(1);
  });

  it('refuses test support in production code', async () => {
    expect(await restrictedImports('src/cli/probe.ts', "import { skipWhen } from '../test-support/skip.js';\n")).toEqual([
      expect.stringContaining('does not import test support'),
    ]);
    expect(await restrictedImports('src/lifecycle/probe.ts', "import { estate } from './test-estate.js';\n")).toEqual([
      expect.stringContaining('does not import test helpers'),
    ]);
  });

  it('allows the layers below, the own folder, and anything in tests', async () => {
    expect(
      await restrictedImports('src/image/layer/probe.ts', "import { limits } from '../../core/limits.js';\nimport { parse } from '../tar/header.js';\n"),
    ).toEqual([]);
    // build/image/ is inside build/: the depth of `../` decides which folder an import reaches
    expect(await restrictedImports('src/buildtime/ci/probe.ts', "import { checkImage } from '../image/check.js';\n")).toEqual([]);
    expect(await restrictedImports('src/vuln/probe.ts', "import type { FoundPackage } from '../inventory/model.js';\n")).toEqual([]);
    expect(
      await restrictedImports(
        'src/image/probe.test.ts',
        "import { renderTable } from '../report/table.js';\nimport { skipWhen } from '../test-support/skip.js';\n",
      ),
    ).toEqual([]);
    expect(await restrictedImports('src/lifecycle/test-probe.ts', "import { skipWhen } from '../test-support/skip.js';\n")).toEqual([]);
  });

  it('places every production module of src/ in a layer', async () => {
    const unplaced: string[] = [];
    for (const entry of await readdir(path.join(root, 'src'), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
      const file = path.relative(root, path.join(entry.parentPath, entry.name));
      if (/\.test\.ts$|(^|\/)test-[^/]*$|^src\/test-support\//.test(file)) continue;
      const config = (await eslint.calculateConfigForFile(path.join(root, file))) as { rules?: Record<string, unknown> } | undefined;
      if (config?.rules?.['no-restricted-imports'] === undefined) unplaced.push(file);
    }
    expect(unplaced).toEqual([]);
  });
});
