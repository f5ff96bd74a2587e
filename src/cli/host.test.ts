import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDockerContainer, writeHostFile } from '../host/engines/docker/test-docker-layout.js';
import { runCli } from '../test-support/cli.js';

const hex = (c: string): string => c.repeat(64);

/**
 * `shipshape host scan` as a user runs it, on a Docker host laid out from Docker's documented on-disk
 * formats: the outputs for people and machines, the gate, what is unknown, and the report feeding the
 * lifecycle map and posture.
 */
describe('shipshape host scan', () => {
  let root: string;
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'shipshape-host-cli-'));
    root = path.join(work, 'host');
    writeHostFile(root, '/etc/hostname', 'ip-10-20-1-17.eu-west-1.compute.internal\n');
    writeHostFile(root, '/etc/os-release', 'NAME="Amazon Linux"\nVERSION_ID="2"\nID=amzn\nPRETTY_NAME="Amazon Linux 2"\n');
    writeHostFile(root, '/etc/docker/daemon.json', JSON.stringify({ hosts: ['tcp://0.0.0.0:2375'], 'no-new-privileges': true, icc: false }));
    writeDockerContainer(root, {
      id: hex('a'),
      name: 'agent\u001b[2Jx',
      image: 'registry.example.com/ops/agent:1.0',
      manifestDigest: `sha256:${hex('d')}`,
      privileged: true,
      binds: ['/var/run/docker.sock:/var/run/docker.sock'],
      layers: [{ files: { 'etc/os-release': 'ID=alpine\n', 'bin/sh': '#!' } }],
      upperFiles: { 'tmp/payload': 'x', 'etc/crontab': '* * * * * root /tmp/payload\n' },
    });
    writeDockerContainer(root, { id: hex('b'), name: 'lost', image: 'nginx:1.27', layers: [{ files: { 'etc/os-release': 'ID=debian\n' } }] });
    // the second container's writable layer is gone: its drift is unknown
    await rm(path.join(root, 'var/lib/docker/image/overlay2/layerdb/mounts', hex('b'), 'mount-id'));
  });
  afterAll(async () => rm(work, { recursive: true, force: true }));

  it('shows the host, engines, containers and findings, escaping what the host wrote, and fails closed on what it could not read', async () => {
    const { code, stdout, stderr } = await runCli(['host', 'scan', '--root', root]);
    expect(stdout).toContain('Host ip-10-20-1-17.eu-west-1.compute.internal: Amazon Linux 2');
    expect(stdout).toMatch(/SS-HOST-001/);
    expect(stdout).toMatch(/CRITICAL\s+SS-CTR-002/);
    expect(stdout).toContain('agent\\x1b[2Jx');
    expect(stdout).not.toContain('\u001b[2J');
    expect(stdout).toContain('== Not read (unknown, not clean): 1 ==');
    expect(stderr).toContain('container lost: its writable layer was not read');
    expect(code).toBe(2);
  });

  it('writes the JSON contract, and SARIF with the rules it uses', async () => {
    const json = await runCli(['host', 'scan', '--root', root, '-f', 'json']);
    const report = JSON.parse(json.stdout) as {
      schema: string;
      host: { engines: { kind: string }[] };
      containers: { name: string; privileged: boolean; drift?: { added: string[]; modified: string[] }; driftUnknown?: string }[];
      findings: { ruleId: string; container?: { name: string }; path?: string }[];
    };
    expect(report.schema).toBe('shipshape/host-scan@1');
    expect(report.host.engines.map((engine) => engine.kind)).toEqual(['docker']);
    const agent = report.containers.find((container) => container.name.startsWith('agent'));
    expect(agent).toMatchObject({ privileged: true, drift: { added: ['/etc/crontab', '/tmp/payload'], modified: [] } });
    expect(report.containers.find((container) => container.name === 'lost')?.driftUnknown).toMatch(/mount-id/);
    expect(report.findings.filter((f) => f.ruleId === 'SS-DRIFT-003').map((f) => f.path)).toEqual(['/etc/crontab']);
    const sarif = JSON.parse((await runCli(['host', 'scan', '--root', root, '-f', 'sarif'])).stdout) as {
      runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string }[] }[];
    };
    const [run] = sarif.runs;
    expect(run?.results.map((r) => r.ruleId)).toEqual(expect.arrayContaining(['SS-HOST-001', 'SS-CTR-001', 'SS-CTR-002', 'SS-DRIFT-003', 'SS-DRIFT-004']));
    for (const result of run?.results ?? []) expect(run?.tool.driver.rules.map((rule) => rule.id)).toContain(result.ruleId);
  });

  it('gates on findings with --exit-code once everything was read', async () => {
    const clean = path.join(work, 'clean');
    writeHostFile(clean, '/etc/hostname', 'clean\n');
    const image = { image: 'nginx:1.27', user: '101', layers: [{ files: { 'etc/os-release': 'ID=debian\n' } }] };
    writeDockerContainer(clean, { ...image, id: hex('c'), name: 'app', upperFiles: { 'tmp/cache': 'x' } });
    expect((await runCli(['host', 'scan', '--root', clean, '-q', '--exit-code', '3'])).code).toBe(0);
    writeDockerContainer(clean, { ...image, id: hex('e'), name: 'dropped', upperFiles: { 'tmp/tool': '\u007fELF\u0002\u0001' } });
    expect((await runCli(['host', 'scan', '--root', clean, '-q'])).code).toBe(0);
    expect((await runCli(['host', 'scan', '--root', clean, '-q', '--exit-code', '3'])).code).toBe(3);
    expect((await runCli(['host', 'scan', '--root', clean, '-q', '--exit-code', '3', '-s', 'CRITICAL'])).code).toBe(0);
  });

  it('feeds map and posture: the host is the cluster node of its name, its containers pull their images', async () => {
    const file = path.join(work, 'host.json');
    await writeFile(file, (await runCli(['host', 'scan', '--root', root, '-f', 'json'])).stdout);
    const map = JSON.parse((await runCli(['map', '--no-config', '--host-report', file, '-f', 'json'])).stdout) as {
      nodes: { id: string }[];
      edges: { kind: string; from: string; to: string }[];
    };
    expect(map.nodes.map((node) => node.id)).toEqual(
      expect.arrayContaining([
        'node:ip-10-20-1-17.eu-west-1.compute.internal',
        'image:registry.example.com/ops/agent',
        'container:ip-10-20-1-17.eu-west-1.compute.internal/lost',
      ]),
    );
    const posture = await runCli(['posture', '--no-config', '--host-report', file, '-f', 'json']);
    const controls = (JSON.parse(posture.stdout) as { posture: { controls: { control: { id: string }; status: string }[] } }).posture.controls;
    const status = (id: string): string | undefined => controls.find((c) => c.control.id === id)?.status;
    expect([status('SS-CTL-H06'), status('SS-CTL-H07'), status('SS-CTL-H08')]).toEqual(['gap', 'gap', 'gap']);
    const broken = path.join(work, 'broken.json');
    await writeFile(broken, '{"schema":"shipshape/host-scan@1"}');
    const refused = await runCli(['map', '--no-config', '--host-report', broken]);
    expect(refused.stderr).toContain('is not a host scan report');
    expect(refused.code).toBe(2);
  });

  it('sends the token only over https, or plain http to loopback or when told the network is trusted', async () => {
    const refused = await runCli(['host', 'scan', '--root', root, '--report-to', 'http://shipshape.example.com:8080'], { env: { SHIPSHAPE_TOKEN: 'ss_x' } });
    expect(refused.stderr).toContain('the token would cross the network in the clear');
    expect(refused.code).toBe(2);
    const noToken = await runCli(['host', 'scan', '--root', root, '--report-to', 'https://shipshape.example.com']);
    expect(noToken.stderr).toContain('--report-to needs a write token');
  });
});
