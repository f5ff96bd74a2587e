import { execFileSync } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushImage } from '../image/registry/push.js';
import type { CiSystem } from '../buildtime/ci/model.js';
import { collectEstate, estateFilePath } from '../lifecycle/collect.js';
import { loadShipshapeConfig } from '../lifecycle/config.js';
import { structureProblems } from '../lifecycle/posture/test-proposals.js';
import { runCli } from '../test-support/cli.js';
import { registryMissing, startRegistry, type RunningRegistry } from '../test-support/docker-registry.js';
import { buildImage, pushableOf } from '../test-support/image-builder.js';
import { commandMissing, skipWhen } from '../test-support/skip.js';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));

interface Posture {
  posture: { controls: { control: { id: string }; status: string; changes: { edits: unknown[] }[] }[] };
  findings: { category: string; id: string; where: string; detail?: string }[];
}
interface FixJson {
  changes: { control: string; kind: 'patch' | 'manual'; reason?: string; files: { path: string; lines: [number, number] | null; diff: string }[] }[];
  files: { path: string; created: boolean }[];
  patch: string;
}

/** A finding as it stays when lines above it move: its rule, its object (the place without its line), its detail. */
const findingKey = (f: Posture['findings'][number]): string => [f.category, f.id, f.where.replace(/:\d+\b/g, ''), f.detail ?? ''].join('\u0000');

function multiset(keys: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

/**
 * Issue 18's acceptance, on each example estate: a copy patched with `fix --write`, then assessed
 * again. Every control that had a patch is met, or partial only with manual changes left; no new
 * finding appears; every patched YAML file parses; `git apply --check` takes the diff on a clean
 * copy; a second `fix` has nothing to patch.
 */
describe.each(['estate', 'estate-messy', 'estate-mixed'])('shipshape fix closes its own loop on examples/%s', (name) => {
  let dir: string;
  let estate: string;
  let clean: string;
  const env = (): Record<string, string> => ({ SHIPSHAPE_CACHE_DIR: path.join(dir, 'cache'), NO_COLOR: '1' });
  const shipshape = (args: string[], cwd = estate): ReturnType<typeof runCli> => runCli([...args, '--quiet'], { cwd, env: env() });
  let before: Posture;
  let planned: FixJson;
  let diff: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), `shipshape-fix-${name}-`));
    estate = path.join(dir, 'estate');
    clean = path.join(dir, 'clean');
    await cp(path.join(examples, name), estate, { recursive: true });
    await cp(path.join(examples, name), clean, { recursive: true });
    before = JSON.parse((await shipshape(['posture', '-f', 'json'])).stdout) as Posture;
    planned = JSON.parse((await shipshape(['fix', '-f', 'json'])).stdout) as FixJson;
    const printed = await shipshape(['fix']);
    expect(printed.code, printed.stderr).toBe(0);
    diff = printed.stdout;
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('prints one diff that git apply takes on a clean copy, the same as the JSON holds', skipWhen(commandMissing('git')), async () => {
    expect(planned.changes.some((c) => c.kind === 'patch')).toBe(true);
    expect(diff).toBe(planned.patch);
    await writeFile(path.join(dir, 'fix.patch'), diff);
    execFileSync('git', ['apply', '--check', path.join(dir, 'fix.patch')], { cwd: clean });
    // every patch says where it lands
    for (const file of planned.changes.flatMap((c) => c.files)) expect(file.lines?.[0] ?? 0, file.path).toBeGreaterThan(0);
    // every manual change says why
    for (const change of planned.changes.filter((c) => c.kind === 'manual')) expect(change.reason).toMatch(/\S/);
  });

  it('writes the patch; the estate assessed again has the patched controls met (or only manual work left) and no new finding', async () => {
    const wrote = await shipshape(['fix', '--write']);
    expect(wrote.code, wrote.stderr).toBe(0);
    expect(wrote.stdout.trim().split('\n').sort()).toEqual(planned.files.map((f) => `wrote ${f.path}`).sort());
    const after = JSON.parse((await shipshape(['posture', '-f', 'json'])).stdout) as Posture;
    for (const control of new Set(planned.changes.filter((c) => c.kind === 'patch').map((c) => c.control))) {
      const result = after.posture.controls.find((c) => c.control.id === control);
      const left = result?.changes.filter((c) => c.edits.length > 0) ?? [];
      expect({ control, status: result?.status, patchesLeft: left.length }).toMatchObject({
        control,
        status: expect.stringMatching(left.length === 0 && result?.status === 'met' ? /^met$/ : /^(met|partial)$/) as unknown,
        patchesLeft: 0,
      });
    }
    const known = multiset(before.findings.map(findingKey));
    const added = [...multiset(after.findings.map(findingKey))].filter(([key, count]) => count > (known.get(key) ?? 0)).map(([key]) => key.split('\u0000'));
    expect(added).toEqual([]);
    for (const file of planned.files.filter((f) => /\.ya?ml$/.test(f.path))) {
      const documents = parseAllDocuments(await readFile(path.join(estate, file.path), 'utf8'));
      expect(
        documents.flatMap((d) => ('errors' in d ? d.errors.map((e) => e.message) : [])),
        file.path,
      ).toEqual([]);
    }
    // every patched pipeline still valid for its CI system (GitLab stages/needs, TeamCity imports, braces), read again without a new diagnostic
    const read = async (root: string): Promise<Map<string, { system: CiSystem; diagnostics: string[] }>> => {
      const config = await loadShipshapeConfig(path.join(root, 'shipshape.yaml'));
      const evidence = await collectEstate({ sources: config.sources, manifests: [], registryReports: [] });
      return new Map(evidence.build.pipelines.map((p) => [p.file, { system: p.system, diagnostics: p.diagnostics.map((d) => d.replace(/line \d+/g, '')) }]));
    };
    const [pipelinesBefore, pipelinesAfter] = [await read(clean), await read(estate)];
    const sources = (await loadShipshapeConfig(path.join(estate, 'shipshape.yaml'))).sources;
    for (const [file, after] of pipelinesAfter) {
      const located = estateFilePath(sources, file) ?? file;
      if (!planned.files.some((f) => path.join(estate, f.path) === located)) continue;
      const original = await readFile(path.join(clean, path.relative(estate, located)), 'utf8');
      expect(structureProblems(after.system, file, original, await readFile(located, 'utf8')), file).toEqual([]);
      const known = new Set(pipelinesBefore.get(file)?.diagnostics ?? []);
      expect(
        after.diagnostics.filter((d) => !known.has(d)),
        file,
      ).toEqual([]);
    }
  });

  it('has nothing to patch the second time (idempotent)', async () => {
    const again = await shipshape(['fix']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/Nothing to patch/);
  });
});

describe('shipshape fix refuses bad input and writes nothing', () => {
  let dir: string;
  const env = (): Record<string, string> => ({ SHIPSHAPE_CACHE_DIR: path.join(dir, 'cache'), NO_COLOR: '1' });
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shipshape-fix-bad-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function copyOf(name: string): Promise<string> {
    const estate = path.join(dir, name);
    await cp(path.join(examples, 'estate'), estate, { recursive: true });
    return estate;
  }

  it('leaves a read-only file alone, and every other file too', async () => {
    const estate = await copyOf('read-only');
    const jenkinsfile = path.join(estate, 'repos/payments-api/Jenkinsfile');
    const text = await readFile(jenkinsfile, 'utf8');
    const manifest = await readFile(path.join(estate, 'k8s/shop-staging.yaml'), 'utf8');
    await chmod(jenkinsfile, 0o444);
    const result = await runCli(['fix', '--write', '--quiet'], { cwd: estate, env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/repos\/payments-api\/Jenkinsfile cannot be written \(it is read-only\): nothing was written/);
    expect(await readFile(jenkinsfile, 'utf8')).toBe(text);
    expect(await readFile(path.join(estate, 'k8s/shop-staging.yaml'), 'utf8')).toBe(manifest);
    expect((await stat(jenkinsfile)).mode & 0o777).toBe(0o444);
  });

  it('says which file it could not read, and offers no patch', async () => {
    const estate = await copyOf('unparsable');
    await writeFile(path.join(estate, 'k8s/broken.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: [unclosed\n');
    const result = await runCli(['fix', '--quiet'], { cwd: estate, env: env() });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/broken\.yaml/);
  });

  it('names an unknown control', async () => {
    const estate = await copyOf('unknown-control');
    const result = await runCli(['fix', '--control', 'SS-CTL-Z99', '--quiet'], { cwd: estate, env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no control "SS-CTL-Z99"/);
  });

  it('patches only the controls asked for', async () => {
    const estate = await copyOf('one-control');
    const result = await runCli(['fix', '-f', 'json', '--control', 'SS-CTL-R01', '--quiet'], { cwd: estate, env: env() });
    const plan = JSON.parse(result.stdout) as FixJson;
    expect(new Set(plan.changes.map((c) => c.control))).toEqual(new Set(['SS-CTL-R01']));
    expect(plan.files.map((f) => f.path)).toEqual(['k8s/shop-staging.yaml']);
  });
});

describe('shipshape fix --resolve, against a registry', skipWhen(registryMissing()), () => {
  let dir: string;
  let registry: RunningRegistry;
  const digests = new Map<string, string>();

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shipshape-fix-resolve-'));
    registry = await startRegistry();
    for (const [repository, tag] of [
      ['library/debian', '11.6-slim'],
      ['team/app', '1.0'],
    ] as const) {
      const image = await buildImage({
        layers: [{ createdBy: `ADD ${repository}`, items: [{ name: 'etc/' }, { name: 'etc/hostname', content: repository }] }],
      });
      digests.set(repository, (await pushImage({ registry: registry.host, plainHttp: true }, repository, tag, pushableOf(image))).digest);
    }
    const estate = path.join(dir, 'estate');
    await mkdir(path.join(estate, 'repos/app'), { recursive: true });
    await mkdir(path.join(estate, 'k8s'));
    await writeFile(path.join(estate, 'repos/app/Dockerfile'), `FROM ${registry.host}/library/debian:11.6-slim\nCOPY app /app\nUSER 10001\nCMD ["/app"]\n`);
    await writeFile(
      path.join(estate, 'k8s/app.yaml'),
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: app}\n  template:\n    metadata:\n      labels: {app: app}\n    spec:\n      containers:\n        - name: app\n          image: ${registry.host}/team/app:1.0\n`,
    );
    await writeFile(
      path.join(estate, 'shipshape.yaml'),
      `sources: [repos]\nmanifests: [k8s]\nregistries:\n  - name: ${registry.host}\n    plainHttp: true\nallowedRegistries: [${registry.host}]\n`,
    );
  }, 120_000);
  afterAll(async () => {
    await registry?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('pins the parent and the workload image by the digests their registry gives, and says why no base image is advised', async () => {
    const result = await runCli(['fix', '--resolve', '--control', 'SS-CTL-B01,SS-CTL-R03', '--quiet'], {
      cwd: path.join(dir, 'estate'),
      env: { SHIPSHAPE_CACHE_DIR: path.join(dir, 'cache'), NO_COLOR: '1' },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`+FROM ${registry.host}/library/debian:11.6-slim@${digests.get('library/debian') ?? ''}`);
    expect(result.stdout).toContain(`image: ${registry.host}/team/app:1.0@${digests.get('team/app') ?? ''}`);
    // no advisory database: the advice is unknown, said, and nothing is advised
    expect(result.stderr).toMatch(/no base image advice for .*library\/debian:11\.6-slim/);
  });
});
