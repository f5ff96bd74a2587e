import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fileMissing, skipWhen } from '../test-support/skip.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const exec = promisify(execFile);

/** What a user gets: the built code with its source maps, the JSON Schemas of the outputs, the examples, and npm's always-included files. */
const shipped = [/^dist\/.+\.js(\.map)?$/, /^schemas\/.+\.schema\.json$/, /^examples\//, /^(package\.json|README\.md|LICENSE)$/];

/** Test code under any name it has had: test support, `test-*` helpers, `testing` modules, test files. */
const testCode = [/(^|\/)test-support\//, /(^|\/)test-[^/]*$/, /(^|\/)testing\.js(\.map)?$/, /\.test\.js(\.map)?$/];

describe(
  'the npm package (npm pack --dry-run: what `files` in package.json ships)',
  skipWhen(fileMissing(path.join(root, 'dist/cli/main.js'), 'the built CLI (npm run build)')),
  () => {
    it('holds the built code, the output schemas, the examples, README, LICENSE and package.json, and no test code', async () => {
      // --ignore-scripts: without it npm runs `prepare` (the build) first
      const { stdout } = await exec('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
      const [pack] = JSON.parse(stdout) as { files: { path: string }[] }[];
      const files = (pack?.files ?? []).map((file) => file.path);
      expect(files.filter((file) => !shipped.some((pattern) => pattern.test(file)))).toEqual([]);
      expect(files.filter((file) => file.startsWith('dist/') && testCode.some((pattern) => pattern.test(file)))).toEqual([]);
      expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'dist/cli/main.js', 'examples/demo-app.oci.tar']));
    }, 60_000);
  },
);
