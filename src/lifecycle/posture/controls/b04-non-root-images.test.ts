import { describe, expect, it } from 'vitest';
import type { RegistryScanReport } from '../../../distribute/model.js';
import type { EstateEvidence } from '../../estate-model.js';
import { withInheritedConfig } from '../../inheritance.js';
import { buildLifecycleMap } from '../../map.js';
import { inheritingEstate } from '../../test-estate.js';
import { context, digestOf, dockerfile, estate, finding, registry, stored, testNow } from '../test-evidence.js';
import { nonRootImages } from './b04-non-root-images.js';
import { dockerfileRulesClean } from './b08-dockerfile-rules-clean.js';

describe('SS-CTL-B04 non-root images', () => {
  it('is unknown with no Dockerfile and no image configuration', () => {
    expect(nonRootImages.evaluate(context(estate())).status).toBe('unknown');
  });

  it('is met when no Dockerfile has SS-DF-003 and images run as a user', () => {
    const reg = registry('r.example', [{ name: 'a', images: [stored(digestOf('a'), ['1'], { platform: { runsAsRoot: false } })] }]);
    expect(nonRootImages.evaluate(context(estate({ dockerfiles: [dockerfile('Dockerfile', [[1, 'alpine:3.19']])], registries: [reg] }))).status).toBe('met');
  });

  it('is partial when some run as root, with the USER line to add at the finding', () => {
    const rootDf = dockerfile(
      'api/Dockerfile',
      [[1, 'alpine:3.19']],
      [finding('SS-DF-003', 7, 'HIGH', 'the last USER of the final stage is `root`', 'api/Dockerfile')],
    );
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

describe('SS-CTL-B04 through the FROM chain', () => {
  const { build, texts } = inheritingEstate();
  const evidenceWith = (registries: RegistryScanReport[]): EstateEvidence => ({
    build: { ...build, dockerfiles: withInheritedConfig(build, texts) },
    registries,
    run: undefined,
  });
  const assess = (registries: RegistryScanReport[] = []) => {
    const evidence = evidenceWith(registries);
    return context(evidence, { map: buildLifecycleMap(evidence, testNow) });
  };
  const evidenceFor = (file: string, registries: RegistryScanReport[] = []) =>
    nonRootImages.evaluate(assess(registries)).evidence.find((e) => e.text.startsWith(file));

  it('is met for a child of an internal base that sets a non-root USER, citing the base Dockerfile line', () => {
    expect(evidenceFor('apps/svc/Dockerfile')).toMatchObject({
      ok: true,
      where: 'platform/base/Dockerfile:5',
      nodes: ['dockerfile:apps/svc/Dockerfile', 'dockerfile:platform/base/Dockerfile'],
    });
    expect(evidenceFor('apps/svc/Dockerfile')?.text).toBe(
      'apps/svc/Dockerfile: runs as `app` (USER at platform/base/Dockerfile:5, the Dockerfile of its parent image)',
    );
    expect(evidenceFor('apps/svc-debug/Dockerfile')).toMatchObject({ ok: true, where: 'platform/base/Dockerfile:5' });
  });

  it('is a gap for a child of a base that ends on USER root (citing that line), and for a child switching back to root', () => {
    const job = evidenceFor('apps/job/Dockerfile');
    expect(job).toMatchObject({
      ok: false,
      where: 'apps/job/Dockerfile:1',
      nodes: ['dockerfile:apps/job/Dockerfile', 'dockerfile:platform/rootbase/Dockerfile'],
    });
    expect(job?.text).toContain('runs as `root` (USER at platform/rootbase/Dockerfile:4)');
    expect(evidenceFor('apps/admin/Dockerfile')).toMatchObject({ ok: false, where: 'apps/admin/Dockerfile:2' });
  });

  it("lets the built image's config, read from the registry, settle a user left to an unread base (B04 and B08)", () => {
    expect(evidenceFor('apps/legacy/Dockerfile')).toMatchObject({ ok: false, where: 'apps/legacy/Dockerfile:1' });
    const asUser = [
      registry('registry.example.com', [{ name: 'team/legacy', images: [stored(digestOf('legacy'), ['1'], { platform: { runsAsRoot: false } })] }]),
    ];
    const met = evidenceFor('apps/legacy/Dockerfile', asUser);
    expect(met).toMatchObject({
      ok: true,
      where: `registry.example.com/team/legacy@${digestOf('legacy')}`,
      nodes: ['dockerfile:apps/legacy/Dockerfile', 'image:registry.example.com/team/legacy'],
    });
    const clean = dockerfileRulesClean.evaluate(assess(asUser)).evidence.find((e) => e.text.startsWith('apps/legacy/Dockerfile'));
    expect(clean).toMatchObject({ ok: true });
    expect(clean?.text).toContain("SS-DF-003 settled by the built image's config");
    expect(dockerfileRulesClean.evaluate(assess()).evidence.find((e) => e.text.startsWith('apps/legacy/Dockerfile'))).toMatchObject({
      ok: false,
      findings: ['SS-DF-003'],
    });
    // a config that runs as root confirms the gap; an image config never overrides a USER the Dockerfiles set
    const asRoot = [
      registry('registry.example.com', [
        { name: 'team/legacy', images: [stored(digestOf('legacy'), ['1'], { platform: { runsAsRoot: true } })] },
        { name: 'team/job', images: [stored(digestOf('job'), ['1'], { platform: { runsAsRoot: false } })] },
      ]),
    ];
    expect(evidenceFor('apps/legacy/Dockerfile', asRoot)).toMatchObject({ ok: false });
    expect(evidenceFor('apps/job/Dockerfile', asRoot)).toMatchObject({ ok: false });
  });
});
