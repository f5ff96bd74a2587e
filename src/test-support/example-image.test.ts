import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exampleImageSpec } from './example-image.js';
import { buildImage, makeTar, ociLayoutFiles } from './image-builder.js';

const examplePath = fileURLToPath(new URL('../../examples/demo-app.oci.tar', import.meta.url));

/** The example archive has one writer: this test. `UPDATE_EXAMPLES=1 npx vitest run example-image` rewrites it. */
describe('examples/demo-app.oci.tar', () => {
  it('is what the example spec builds', async () => {
    const image = await buildImage(exampleImageSpec);
    const files = ociLayoutFiles([{ image, refName: 'demo-app:1.0' }]);
    const archive = await makeTar([...files].map(([name, content]) => ({ name, content })));
    if (process.env.UPDATE_EXAMPLES) await writeFile(examplePath, archive);
    expect((await readFile(examplePath)).equals(archive)).toBe(true);
  });
});
