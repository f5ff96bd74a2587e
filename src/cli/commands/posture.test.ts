import { dedent } from '../../test-support/text.js';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test-support/cli.js';
import { sarifErrors } from '../../test-support/sarif.js';

const estate = fileURLToPath(new URL('../../../examples/estate/', import.meta.url));

describe('shipshape posture', () => {
  let dir: string;
  let config: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shipshape-posture-'));
    config = path.join(dir, 'shipshape.yaml');
    // the example estate's sources and manifests; its registry is unreachable here (connection refused at once)
    await writeFile(
      config,
      `sources: [${path.join(estate, 'repos')}]\nmanifests: [${path.join(estate, 'k8s')}]\nregistries:\n  - name: 127.0.0.1:1\n    plainHttp: true\n`,
    );
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const posture = (...args: string[]) => runCli(['posture', '--config', config, ...args], { env: { SHIPSHAPE_CACHE_DIR: path.join(dir, 'cache') } });

  it('assesses what it can read and says which registry it could not scan', async () => {
    const { code, stdout, stderr } = await posture();
    expect(stderr).toMatch(
      /^shipshape: warning: the registry 127\.0\.0\.1:1 could not be scanned \(.*\); the estate is assessed without it\nshipshape: error: 127\.0\.0\.1:1: could not be scanned: .+\n {2}hint: .+\n$/,
    );
    expect(code).toBe(2); // fails closed: the report is written, the gate does not pass on a registry it could not read
    expect(stdout).toMatch(new RegExp(`^Config: ${config}\nNot scanned: 127\\.0\\.0\\.1:1 \\(.+\\): not assessed\n\n`));
    expect(stdout).toMatch(/\nThe container estate scores \d+ out of 100 \(build \d+, run \d+, host \d+; not assessed: distribute\)/);
    expect(stdout).toMatch(/\ndistribute +not assessed +0 +0 +0 +6 +0\n/);
    expect(stdout).toMatch(/SS-CTL-B02\s+build\s+PARTIAL/);
    expect(stdout).toContain('== Proposed changes ==');
    expect(stdout).toContain('kubectl label namespace shop-staging pod-security.kubernetes.io/enforce=baseline');
  });

  it('writes JSON, Markdown, SARIF and HTML', async () => {
    const json = JSON.parse((await posture('-f', 'json')).stdout) as {
      schema: string;
      posture: { controls: unknown[] };
      map: { nodes: unknown[] };
      findings: unknown[];
    };
    expect(json.schema).toBe('shipshape/posture-report@1');
    expect(json.posture.controls.length).toBeGreaterThanOrEqual(25);
    expect(json.map.nodes.length).toBeGreaterThan(20);
    expect((await posture('-f', 'markdown')).stdout).toMatch(/^# /);
    const sarif = JSON.parse((await posture('-f', 'sarif')).stdout) as { runs: { results: { ruleId: string }[] }[] };
    expect(await sarifErrors(sarif)).toBeUndefined();
    expect(sarif.runs[0]?.results.map((r) => r.ruleId)).toEqual(expect.arrayContaining(['SS-MAP-004', 'SS-DF-003']));
    const html = path.join(dir, 'report.html');
    expect((await posture('-f', 'html', '-o', html)).code).toBe(2); // written; the unreachable registry fails the run closed
    expect(await readFile(html, 'utf8')).toMatch(/^<!doctype html>/i);
  });

  it('records the registry it could not scan in every format; a phase with no evidence is not assessed, never scored', async () => {
    const json = JSON.parse((await posture('-f', 'json')).stdout) as {
      posture: {
        phases: { phase: string; score: number | null }[];
        overall: number | null;
        controls: { control: { id: string }; status: string; evidence: { text: string; ok: boolean }[] }[];
      };
      map: { inputs: { unscannedRegistries: { registry: string; reason: string }[] } };
    };
    expect(json.map.inputs.unscannedRegistries).toEqual([{ registry: '127.0.0.1:1', reason: expect.stringMatching(/./) as unknown }]);
    expect(json.posture.phases.find((p) => p.phase === 'distribute')?.score).toBeNull();
    expect(json.posture.overall).toEqual(expect.any(Number));
    for (const control of json.posture.controls.filter((c) => c.control.id.startsWith('SS-CTL-D'))) {
      expect(control.status).toBe('unknown');
      expect(control.evidence).toContainEqual(
        expect.objectContaining({ ok: false, text: expect.stringContaining('the registry 127.0.0.1:1 could not be scanned') as unknown }),
      );
    }
    const markdown = (await posture('-f', 'markdown')).stdout;
    expect(markdown).toContain('**Not assessed — registries that could not be scanned:** `127.0.0.1:1` (');
    expect(markdown).toMatch(/\| Distribute \| not assessed \|/);
    const sarif = JSON.parse((await posture('-f', 'sarif')).stdout) as {
      runs: { invocations: { toolExecutionNotifications: { message: { text: string } }[] }[] }[];
    };
    expect(sarif.runs[0]?.invocations[0]?.toolExecutionNotifications[0]?.message.text).toMatch(
      /^The registry 127\.0\.0\.1:1 could not be scanned \(.+\): what it stores was not assessed$/,
    );
    const html = path.join(dir, 'unscanned.html');
    await posture('-f', 'html', '-o', html);
    const page = await readFile(html, 'utf8');
    expect(page).toContain('Not assessed — registries that could not be scanned:</strong><ul><li><code>127.0.0.1:1</code>');
    expect(page).toMatch(/Distribute<\/span><span class="score-num not-assessed">not assessed<\/span>/);
    expect((await runCli(['map', '--config', config], { env: { SHIPSHAPE_CACHE_DIR: path.join(dir, 'cache') } })).stdout).toMatch(
      /\nNot scanned: 127\.0\.0\.1:1 \(.+\): what it stores is not on the map\n/,
    );
  });

  it('nothing assessed is not a pass: --fail-under fails without a score', async () => {
    const nothing = path.join(dir, 'nothing');
    await mkdir(nothing, { recursive: true });
    await writeFile(path.join(nothing, 'notes.txt'), 'no Dockerfile, no pipeline\n');
    const { code, stdout } = await runCli(['posture', '--no-config', '--source', nothing, '--fail-under', '1', '-f', 'json']);
    const report = JSON.parse(stdout) as { posture: { overall: number | null; phases: { score: number | null }[] } };
    expect(report.posture.overall).toBeNull();
    expect(report.posture.phases.map((p) => p.score)).toEqual([null, null, null, null]);
    expect(code).toBe(1);
  });

  it('a policy accepts a risk until it expires; a bad policy is a clear error', async () => {
    const policy = path.join(dir, 'policy.yaml');
    await writeFile(
      policy,
      'acceptedRisks:\n  - control: SS-CTL-R04\n    reason: admission control arrives with the cluster upgrade\n    expires: 2099-01-31\n',
    );
    const accepted = JSON.parse((await posture('--policy', policy, '-f', 'json')).stdout) as {
      posture: { controls: { control: { id: string }; status: string; acceptance?: { reason: string } }[] };
    };
    expect(accepted.posture.controls.find((c) => c.control.id === 'SS-CTL-R04')).toMatchObject({
      status: 'accepted',
      acceptance: { reason: 'admission control arrives with the cluster upgrade' },
    });
    await writeFile(policy, 'acceptedRisks:\n  - control: SS-CTL-R04\n    expires: someday\n');
    const bad = await posture('--policy', policy);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^shipshape: error: the policy .*policy\.yaml is not valid: acceptedRisks/);
  });

  it('reads the shipshape.yaml of the working directory, and every format names it', async () => {
    const inDir = (...args: string[]) => runCli(['posture', ...args], { cwd: dir, env: { SHIPSHAPE_CACHE_DIR: path.join(dir, 'cache') } });
    const json = JSON.parse((await inDir('-f', 'json')).stdout) as { map: { inputs: { config: string | null; sources: string[] } } };
    expect(json.map.inputs).toMatchObject({ config, sources: [path.join(estate, 'repos')] });
    expect((await inDir('-f', 'markdown')).stdout).toContain(`from config \`${config}\``);
    const html = path.join(dir, 'found.html');
    expect((await inDir('-f', 'html', '-o', html)).code).toBe(2); // the fixture's registry is unreachable
    // the HTML report names paths relative to the estate, never the machine's absolute ones
    expect(await readFile(html, 'utf8')).toContain('config <code>shipshape.yaml</code>');
    const none = await inDir('--no-config', '--manifests', path.join(estate, 'k8s'), '-f', 'markdown');
    expect(none.stdout).toContain('(no config file read)');
  });

  it('fails closed on manifests it cannot read: the report is written, the exit code is 2 and the file:line named', async () => {
    const manifests = path.join(dir, 'broken');
    await mkdir(manifests, { recursive: true });
    await writeFile(
      path.join(manifests, 'app.yaml'),
      dedent`
        apiVersion: v1
        kind: Pod
        metadata: { name: a }
        spec: { containers: [ { name: c, image: "nginx:1" } ] }
        ---
        apiVersion: v1
        kind: Pod
        metadata: [
      `,
    );
    const broken = await runCli(['posture', '--no-config', '--manifests', manifests, '--exit-code', '0', '-f', 'json']);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(new RegExp(`^shipshape: error: ${manifests}/app\\.yaml:9: invalid YAML`));
    expect((JSON.parse(broken.stdout) as { map: { nodes: { id: string }[] } }).map.nodes.map((n) => n.id)).toContain('workload:default/Pod/a');
    const empty = path.join(dir, 'empty');
    await mkdir(empty, { recursive: true });
    const nothing = await runCli(['posture', '--no-config', '--manifests', empty]);
    expect([nothing.code, nothing.stderr]).toEqual([2, `shipshape: error: ${empty}: no manifests found (no *.yaml, *.yml or *.json files in it or below)\n`]);
  });

  it('a registry report trimmed by hand is read with empty lists, not a crash', async () => {
    const report = path.join(dir, 'trimmed.json');
    const digest = `sha256:${'a'.repeat(64)}`;
    await writeFile(
      report,
      JSON.stringify({
        schema: 'shipshape/registry-scan@1',
        registry: 'registry.example',
        scannedAt: '2026-11-01T00:00:00Z',
        access: { scheme: 'https', authScheme: 'bearer' },
        repositories: [{ name: 'team/app', tags: [{ tag: '1.0', digest }], images: [{ digest, tags: ['1.0'] }] }],
      }),
    );
    const { code, stdout, stderr } = await runCli(['posture', '--registry-report', report, '-f', 'json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const controls = (JSON.parse(stdout) as { posture: { controls: { control: { id: string }; status: string }[] } }).posture.controls;
    expect(controls.filter((c) => c.control.id.startsWith('SS-CTL-D'))).toHaveLength(6);
  });

  it('fails closed on what a registry scan could not read: not assessed there, named, exit 2', async () => {
    const report = path.join(dir, 'unread.json');
    const digest = `sha256:${'b'.repeat(64)}`;
    const unread = [{ where: `team/broken@sha256:${'c'.repeat(64)}`, message: 'the image could not be read: digest mismatch' }];
    await writeFile(
      report,
      JSON.stringify({
        schema: 'shipshape/registry-scan@1',
        registry: 'registry.example',
        scannedAt: '2026-11-01T00:00:00Z',
        access: { scheme: 'https', authScheme: 'bearer' },
        repositories: [{ name: 'team/app', tags: [{ tag: '1.0', digest }], images: [{ digest, tags: ['1.0'] }] }],
        unread,
      }),
    );
    const { code, stdout, stderr } = await runCli(['posture', '--no-config', '--registry-report', report, '-f', 'json']);
    expect(stderr).toBe(
      `shipshape: error: registry.example/team/broken@sha256:${'c'.repeat(64)}: could not be scanned: the image could not be read: digest mismatch\n  hint: the result covers only what could be read and checked; fix or leave out what is named above\n`,
    );
    expect(code).toBe(2);
    const json = JSON.parse(stdout) as {
      map: { inputs: { unscannedRegistries: unknown[] } };
      posture: { controls: { control: { id: string }; status: string }[] };
    };
    expect(json.map.inputs.unscannedRegistries).toEqual([
      { registry: `registry.example/team/broken@sha256:${'c'.repeat(64)}`, reason: 'the image could not be read: digest mismatch' },
    ]);
    expect(json.posture.controls.filter((c) => c.control.id.startsWith('SS-CTL-D')).map((c) => c.status)).not.toContain('met');
  });

  it('gates CI: --exit-code when a control is a gap, --fail-under on the score', async () => {
    // the estate without its (unreachable) registry: what remains is all read
    const readable = (...args: string[]) =>
      runCli(['posture', '--no-config', '--source', path.join(estate, 'repos'), '--manifests', path.join(estate, 'k8s'), ...args]);
    expect((await readable('--exit-code', '3')).code).toBe(3);
    expect((await readable('--fail-under', '99')).code).toBe(1);
    expect((await readable('--fail-under', '1')).code).toBe(0);
    expect((await readable('--fail-under', '101')).code).toBe(2);
    expect((await posture('--fail-under', '1')).code).toBe(2); // a registry that could not be read fails even a low bar
  });
});

describe('output files', () => {
  it('an output path that cannot be written is a clear error', async () => {
    const { code, stderr } = await runCli(['map', '--manifests', path.join(estate, 'k8s'), '-o', '/proc/no-such-dir/out.txt']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^shipshape: error: cannot write \/proc\/no-such-dir\/out\.txt: /);
  });
});
