import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type * as AjvModule from 'ajv/dist/2020.js';
import type * as AjvFormatsModule from 'ajv-formats';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProgram } from '../cli/program.js';
import { runCli } from '../test-support/cli.js';
import { pushImage, registryMissing, startRegistry, type RunningRegistry } from '../test-support/registry.js';
import { sharedAbsent, sharedPath } from '../test-support/shared.js';
import { skipWhen } from '../test-support/skip.js';
import { jsonDocuments, schemaFile, schemaName, type JsonDocumentId } from './json-documents.js';
import { writeDockerContainer, writeHostFile } from '../host/engines/docker/test-docker-layout.js';

const root = new URL('../../', import.meta.url).pathname;
const estate = path.join(root, 'examples', 'estate');
const demoApp = path.join(root, 'examples', 'demo-app.oci.tar');
// name, file, why it cannot be read here
const images = [
  ['demo-app (bundled example)', demoApp, undefined],
  ['bullseye-app', sharedPath('images', 'bullseye-app.oci.tar'), sharedAbsent],
  ['debian-bookworm', sharedPath('images', 'debian-bookworm.oci.tar'), sharedAbsent],
] as const;

// ajv and ajv-formats are CommonJS whose typings only describe `require`
const require = createRequire(import.meta.url);
const Ajv2020 = require('ajv/dist/2020.js') as typeof AjvModule.default.default;
const addFormats = require('ajv-formats') as typeof AjvFormatsModule.default.default;
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);

const schemaOf = (id: JsonDocumentId): Record<string, unknown> => JSON.parse(readFileSync(path.join(root, schemaFile(id)), 'utf8')) as Record<string, unknown>;
const validators = new Map(jsonDocuments.map(({ id }) => [id, ajv.compile(schemaOf(id))]));

/** The command's output parsed, checked to name `id`'s schema and to be valid against its schema file. */
function expectDocument(id: JsonDocumentId, output: { code: number; stdout: string; stderr: string }, codes: number[] = [0]): Record<string, unknown> {
  expect(codes, output.stderr).toContain(output.code);
  const document = JSON.parse(output.stdout) as Record<string, unknown>;
  expect(document.schema).toBe(schemaName(id));
  const validate = validators.get(id);
  if (!validate) throw new Error(`no validator for ${id}`);
  validate(document);
  expect(ajv.errorsText(validate.errors, { dataVar: id })).toBe('No errors');
  return document;
}

let dir: string;
const env = (): Record<string, string> => ({ SHIPSHAPE_CACHE_DIR: path.join(dir, 'cache') });
const shipshape = (args: string[]) => runCli(args, { env: env() });
const estateInputs = () => ['--no-config', '--source', path.join(estate, 'repos'), '--manifests', path.join(estate, 'k8s')];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'shipshape-json-schemas-'));
  const advisories = path.join(root, 'examples', 'advisories');
  const imported = await shipshape(['db', 'import', advisories, '--db', path.join(dir, 'osv.sqlite')]);
  expect(imported.code, imported.stderr).toBe(0);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the JSON Schema files', () => {
  it('exist for every document the CLI writes, are valid draft 2020-12, and name the document', () => {
    for (const { id } of jsonDocuments) {
      const schema = schemaOf(id);
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.$id).toBe(`urn:${schemaName(id).replace('/', ':')}`);
      expect(schema.properties).toHaveProperty('schema.const', schemaName(id));
      expect(schema.required).toContain('schema');
    }
  });

  it('are the only files in schemas/shipshape/ and ship in the npm package', async () => {
    const files = (await readdir(path.join(root, 'schemas', 'shipshape'))).sort();
    expect(files).toEqual(jsonDocuments.map(({ id }) => path.basename(schemaFile(id))).sort());
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('schemas');
  });

  it('list every command that can write JSON (a --format offering json)', () => {
    const walk = (command: Command, names: string[]): string[] => [
      ...(command.options.some((o) => o.long === '--format' && (o.argChoices?.includes('json') ?? /\bjson\b/.test(o.description)))
        ? [`${names.join(' ')} -f json`]
        : []),
      ...command.commands.flatMap((sub) => walk(sub, [...names, sub.name()])),
    ];
    const io = { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, readStdin: async () => '', homedir: '/nonexistent', cwd: root };
    const writers = walk(
      createProgram(io, () => undefined),
      ['shipshape'],
    ).sort();
    expect(writers).toEqual(jsonDocuments.map((d) => d.command).sort());
  });

  it('reject a document that lacks a required field', () => {
    const validate = validators.get('dockerfile-lint');
    expect(validate?.({ schema: schemaName('dockerfile-lint'), schemaVersion: 1, files: [] })).toBe(false);
  });
});

describe.each(images)('image documents of %s', (_name, file, missing) => {
  it('image inspect -f json (whole, with --files, one --layer)', skipWhen(missing), async () => {
    const whole = expectDocument('image-inspect', await shipshape(['image', 'inspect', file, '-f', 'json']));
    expect(whole.schemaVersion).toBe(1);
    expectDocument('image-inspect', await shipshape(['image', 'inspect', file, '-f', 'json', '--files']));
    const one = expectDocument('image-inspect', await shipshape(['image', 'inspect', file, '-f', 'json', '--layer', '0']));
    expect(one.layers).toHaveLength(1);
  });

  it('sbom -f json', skipWhen(missing), async () => {
    expect(expectDocument('sbom', await shipshape(['sbom', file, '-f', 'json'])).schemaVersion).toBe(1);
  });

  it('scan image -f json, every scanner', skipWhen(missing), async () => {
    const report = expectDocument('scan', await shipshape(['scan', 'image', file, '--db', path.join(dir, 'osv.sqlite'), '-f', 'json']));
    expect(report.schemaVersion).toBe(1);
  });
});

describe('documents of files read from disk', () => {
  it('dockerfile lint -f json over the estate and a generated Dockerfile', async () => {
    const generated = path.join(dir, 'generated', 'Dockerfile');
    await mkdir(path.dirname(generated), { recursive: true });
    await writeFile(generated, 'FROM ubuntu\nRUN curl -sSL https://example.com/install.sh | sh\nENV API_TOKEN=abc123abc123abc123\nADD . /app\n');
    const repos = ['payments-api', 'web-frontend', 'platform-base', 'inventory-service'].map((repo) => path.join(estate, 'repos', repo, 'Dockerfile'));
    const report = expectDocument('dockerfile-lint', await shipshape(['dockerfile', 'lint', ...repos, generated, '-f', 'json']));
    expect(report.schemaVersion).toBe(1);
    expect((report.findings as unknown[]).length).toBeGreaterThan(0);
  });

  it('compose check -f json, with a file that cannot be read', async () => {
    const broken = path.join(dir, 'broken-compose.yaml');
    await writeFile(broken, 'services: [\n');
    const report = expectDocument('compose-check', await shipshape(['compose', 'check', path.join(root, 'test', 'compose'), broken, '-f', 'json']), [0, 2]);
    expect(report.schemaVersion).toBe(1);
    expect((report.findings as unknown[]).length).toBeGreaterThan(0);
    expect((report.diagnostics as unknown[]).length).toBeGreaterThan(0);
  });

  it('host scan -f json, with a container whose writable layer is gone', async () => {
    const host = path.join(dir, 'host');
    writeHostFile(host, '/etc/docker/daemon.json', '{"hosts":["tcp://0.0.0.0:2375"]}');
    const layers = [{ files: { 'etc/os-release': 'ID=debian\n' } }];
    writeDockerContainer(host, {
      id: 'a'.repeat(64),
      name: 'app',
      image: 'nginx:1.27',
      layers,
      upperFiles: { 'root/.aws/credentials': 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n' },
    });
    writeDockerContainer(host, { id: 'b'.repeat(64), name: 'gone', image: 'nginx:1.27', layers });
    await rm(path.join(host, 'var/lib/docker/image/overlay2/layerdb/mounts', 'b'.repeat(64)), { recursive: true });
    const report = expectDocument('host-scan', await shipshape(['host', 'scan', '--root', host, '-f', 'json']), [2]);
    expect((report.findings as unknown[]).length).toBeGreaterThan(0);
    expect((report.summary as { unknown: { containers: number } }).unknown.containers).toBe(1);
    // read back by map, trace and posture: the host, its containers and their edges are in those schemas too
    const file = path.join(dir, 'host.json');
    await writeFile(file, JSON.stringify(report));
    const withHost = [...estateInputs(), '--host-report', file];
    expectDocument('lifecycle-map', await shipshape(['map', ...withHost, '-f', 'json']));
    expectDocument('lifecycle-trace', await shipshape(['trace', 'nginx:1.27', ...withHost, '-f', 'json']));
    expectDocument('posture-report', await shipshape(['posture', ...withHost, '--db', path.join(dir, 'osv.sqlite'), '-f', 'json']), [0, 1, 2]);
  });

  it('k8s check -f json over test/k8s and the estate', async () => {
    for (const manifests of [path.join(root, 'test', 'k8s'), path.join(estate, 'k8s')]) {
      const report = expectDocument('k8s-check', await shipshape(['k8s', 'check', manifests, '-f', 'json']), [0, 2]);
      expect(report.schemaVersion).toBe(1);
      expect((report.results as unknown[]).length).toBeGreaterThan(0);
    }
  });

  it('db status -f json', async () => {
    const status = expectDocument('db-status', await shipshape(['db', 'status', '--db', path.join(dir, 'osv.sqlite'), '-f', 'json']));
    expect(status.advisories).toBeGreaterThan(0);
  });

  it('map, trace and posture -f json over the example estate (no registry)', async () => {
    const map = expectDocument('lifecycle-map', await shipshape(['map', ...estateInputs(), '-f', 'json']));
    expect((map.nodes as unknown[]).length).toBeGreaterThan(0);
    expectDocument('lifecycle-trace', await shipshape(['trace', 'shop-prod/Deployment/payments-api', ...estateInputs(), '-f', 'json']));
    expectDocument('posture-report', await shipshape(['posture', ...estateInputs(), '--db', path.join(dir, 'osv.sqlite'), '-f', 'json']));
    const fix = expectDocument('fix', await shipshape(['fix', ...estateInputs(), '--db', path.join(dir, 'osv.sqlite'), '-f', 'json']));
    expect((fix.changes as unknown[]).length).toBeGreaterThan(0);
  });
});

describe('registry documents, against a registry', skipWhen(sharedAbsent, registryMissing({ skopeo: true })), () => {
  let registry: RunningRegistry;

  beforeAll(async () => {
    registry = await startRegistry();
    await pushImage(sharedPath('images', 'bullseye-app.oci.tar'), registry, 'shop/app:1.0');
    await pushImage(sharedPath('images', 'debian-bookworm.oci.tar'), registry, 'base/debian:12');
  }, 120_000);

  afterAll(async () => {
    await registry?.stop();
  });

  it('registry scan -f json, history -f json (first and second scan), and a map and posture joining the scan', async () => {
    const scan = ['registry', 'scan', registry.host, '--plain-http', '--db', path.join(dir, 'osv.sqlite'), '-f', 'json'];
    expectDocument('registry-scan', await shipshape(scan));
    const first = expectDocument('registry-history', await shipshape(['history', registry.host, '-f', 'json']));
    expect(first.changes).toBeUndefined();
    await pushImage(sharedPath('images', 'debian-bookworm.oci.tar'), registry, 'shop/app:1.0');
    const second = await shipshape(scan);
    expectDocument('registry-scan', second);
    expect(expectDocument('registry-history', await shipshape(['history', registry.host, '-f', 'json'])).changes).toBeDefined();

    const report = path.join(dir, 'registry.json');
    await writeFile(report, second.stdout);
    const map = expectDocument('lifecycle-map', await shipshape(['map', ...estateInputs(), '--registry-report', report, '-f', 'json']));
    expect((map.inputs as { registries: string[] }).registries).toHaveLength(1);
    expectDocument(
      'posture-report',
      await shipshape(['posture', ...estateInputs(), '--registry-report', report, '--db', path.join(dir, 'osv.sqlite'), '-f', 'json']),
    );
  }, 240_000);
});
