import { describe, expect, it } from 'vitest';
import type { RegistryScanReport } from '../../../distribute/model.js';
import type { EstateEvidence } from '../../estate-model.js';
import { readDockerfile } from '../../dockerfiles.js';
import { withInheritedConfig, type DockerfileSource } from '../../inheritance.js';
import { applyEdits } from '../apply.js';
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
    expect(outcome.changes[0]).toMatchObject({ file: 'api/Dockerfile', line: 7, snippet: 'USER 10001:10001', edits: [], rules: ['SS-DF-003'] });
    expect(outcome.changes[0]?.summary).toContain('switches to root at api/Dockerfile:7');
    // without the Dockerfile's text at hand the USER is added by hand
    expect(outcome.changes[0]?.summary).toContain('by hand: the Dockerfile as read is not at hand');
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

describe('SS-CTL-B04 patches, applied and read again', () => {
  const { build, texts } = inheritingEstate();
  /** The estate as collected from these texts (each Dockerfile read through its parent's), assessed with the texts at hand. */
  const assess = (sources: ReadonlyMap<string, DockerfileSource>) => {
    const dockerfiles = build.dockerfiles.map((d) => readDockerfile(d.file, sources.get(d.file)?.text ?? '', d.repository, { hasDockerignore: true }));
    const evidence: EstateEvidence = {
      build: { ...build, dockerfiles: withInheritedConfig({ ...build, dockerfiles }, sources) },
      registries: [],
      run: undefined,
    };
    const ctx = context(evidence, { map: buildLifecycleMap(evidence, testNow) });
    return { evidence, outcome: nonRootImages.evaluate({ ...ctx, dockerfileTexts: new Map([...sources].map(([file, s]) => [file, s.text])) }) };
  };
  const findings = (evidence: EstateEvidence, file: string): string[] =>
    evidence.build.dockerfiles.find((d) => d.file === file)?.findings.map((f) => `${f.ruleId} ${f.message}`) ?? [];

  it('end each root final stage with a numeric USER that clears SS-DF-003, add no finding, and leave nothing to patch', () => {
    const before = assess(texts);
    const patches = before.outcome.changes.filter((c) => c.edits.length > 0);
    expect(patches.map((c) => [c.file, c.snippet])).toEqual([
      // the user its base creates, by uid
      ['apps/admin/Dockerfile', 'USER 10001'],
      // on Debian (the base's own base), created first
      ['apps/job/Dockerfile', 'RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-create-home app\nUSER 10001:10001'],
      ['apps/legacy/Dockerfile', 'RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-create-home app\nUSER 10001:10001'],
    ]);
    // platform/rootbase is the parent of apps/job: by hand; the children of a base with a USER get nothing
    expect(before.outcome.changes.find((c) => c.file === 'platform/rootbase/Dockerfile')?.summary).toContain('the parent of apps/job/Dockerfile');
    expect(before.outcome.changes.some((c) => c.file === 'apps/svc/Dockerfile' || c.file === 'apps/worker/Dockerfile')).toBe(false);
    const patched = new Map(texts);
    for (const change of patches) {
      const file = change.file ?? '';
      patched.set(file, { text: applyEdits(texts.get(file)?.text ?? '', file, change.edits), hasDockerignore: true });
    }
    const after = assess(patched);
    for (const change of patches) {
      const file = change.file ?? '';
      expect(
        after.outcome.evidence.find((e) => e.text.startsWith(`${file}:`)),
        file,
      ).toMatchObject({ ok: true });
      const old = findings(before.evidence, file);
      expect(
        findings(after.evidence, file).filter((f) => !old.includes(f)),
        file,
      ).toEqual([]);
      expect(findings(after.evidence, file).some((f) => f.startsWith('SS-DF-003'))).toBe(false);
    }
    // a second round patches nothing
    expect(after.outcome.changes.filter((c) => c.edits.length > 0)).toEqual([]);
    expect(after.outcome.changes.map((c) => c.file)).toEqual(['platform/rootbase/Dockerfile']);
  });
});
