import { describe, expect, it } from 'vitest';
import { context, digestOf, dockerfile, estate, finding, registry, stored } from '../test-evidence.js';
import { nonRootImages } from './b04-non-root-images.js';

describe('SS-CTL-B04 non-root images', () => {
  it('is unknown with no Dockerfile and no image configuration', () => {
    expect(nonRootImages.evaluate(context(estate())).status).toBe('unknown');
  });

  it('is met when no Dockerfile has SS-DF-003 and images run as a user', () => {
    const reg = registry('r.example', [{ name: 'a', images: [stored(digestOf('a'), ['1'], { platform: { runsAsRoot: false } })] }]);
    expect(nonRootImages.evaluate(context(estate({ dockerfiles: [dockerfile('Dockerfile', [[1, 'alpine:3.19']])], registries: [reg] }))).status).toBe('met');
  });

  it('is partial when some run as root, with the USER line to add at the finding', () => {
    const rootDf = dockerfile('api/Dockerfile', [[1, 'alpine:3.19']], [finding('SS-DF-003', 7, 'HIGH', 'the last USER of the final stage is `root`', 'api/Dockerfile')]);
    const goodDf = dockerfile('web/Dockerfile', [[1, 'alpine:3.19']]);
    const reg = registry('r.example', [{ name: 'api', images: [stored(digestOf('api'), ['1'], { platform: { runsAsRoot: true } })] }]);
    const outcome = nonRootImages.evaluate(context(estate({ dockerfiles: [rootDf, goodDf], registries: [reg] })));
    expect(outcome.status).toBe('partial');
    expect(outcome.evidence.filter((e) => !e.ok).map((e) => e.where)).toEqual(['api/Dockerfile:7', `r.example/api@${digestOf('api')}`]);
    expect(outcome.changes[0]).toMatchObject({ file: 'api/Dockerfile', line: 7, snippet: 'USER 10001:10001' });
    expect(outcome.changes[0]?.summary).toContain('replace the root USER');
    expect(outcome.changes[1]?.summary).toContain('r.example/api runs as root');
  });
});
