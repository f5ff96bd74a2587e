import { PassThrough, type Readable } from 'node:stream';
import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { checkImage } from '../buildtime/image/check.js';
import { Diagnostics } from '../core/diagnostics.js';
import { LimitExceededError, NotFoundError } from '../core/errors.js';
import { isRecord } from '../core/records.js';
import { defaultLimits } from '../core/limits.js';
import { buildInventory } from '../inventory/build.js';
import { analyzers } from '../inventory/analyzers/registry.js';
import { inspectReport } from '../report/inspect-json.js';
import { renderInspect } from '../report/inspect-table.js';
import { configSecretFindings } from '../secrets/config-scan.js';
import { secretRules } from '../secrets/registry.js';
import { bounded, boundedAsync, checkNoMaskedCrash, checkOutputBound, fuzz, Reach } from '../test-support/fuzz.js';
import { mutatedJson, mutatedText } from '../test-support/fuzz-mutate.js';
import { buildImage, sha256, type BuiltImage } from '../test-support/image-builder.js';
import { historyOfLayers, instructionOf } from './history.js';
import { readImage } from './read-image.js';
import { dockerArchiveManifestSchema, parseJson, parseManifestDocument, validate } from './schema.js';
import type { ArchiveFiles } from './sources/archive-files.js';
import { parseImageConfig } from './sources/blobs.js';
import { DockerArchiveSource } from './sources/docker-archive.js';
import { OciLayoutSource } from './sources/oci-layout.js';

// Image documents are attacker bytes twice over: a registry or archive serves them, and every field
// is read. Seeds are real images built in the test; the fuzz damages their documents and (mostly)
// makes the digests agree again, so the damage gets past verification into the code that reads them.

let image: BuiltImage;

beforeAll(async () => {
  image = await buildImage({
    layers: [
      {
        items: [
          { name: 'etc/' },
          { name: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.19.1\n' },
          { name: 'lib/apk/db/installed', content: 'P:musl\nV:1.2.4-r2\n\n' },
        ],
      },
      {
        items: [
          { name: 'app/node_modules/x/package.json', content: '{"name":"x","version":"1.0.0"}' },
          { name: 'etc/.wh.os-release', content: '' },
        ],
        createdBy: '/bin/sh -c #(nop) COPY dir:abc in /app',
      },
    ],
    emptyHistoryAfter: { 0: ['/bin/sh -c #(nop)  ENV TOKEN=ghp_012345678901234567890123456789abcdef'] },
  });
});

const json = (data: Buffer): unknown => JSON.parse(data.toString('utf8'));

/** A document: as built, or damaged as JSON (wrong types, huge numbers, nesting, prototype keys) or as text. */
const document = (original: Buffer): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 2, arbitrary: fc.constant(original.toString('utf8')) },
    { weight: 3, arbitrary: mutatedJson(fc.constant(json(original))).map((value) => JSON.stringify(value) ?? 'undefined') },
    {
      weight: 1,
      arbitrary: mutatedText(fc.constant(original.toString('utf8')), {
        tokens: ['"sha256:', '"mediaType"', '"diff_ids"', '"schemaVersion":1', '"manifests"', 'null'],
      }),
    },
  );

/** Points the descriptor at `data` (when it still is an object): the damage then passes verification. */
function repoint(text: string, at: (document: Record<string, unknown>) => unknown, data: Buffer): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  const descriptor = isRecord(parsed) ? at(parsed) : undefined;
  if (!isRecord(descriptor)) return text;
  descriptor.digest = sha256(data);
  descriptor.size = data.length;
  return JSON.stringify(parsed);
}

/** In-memory files of an archive or layout. */
function memoryFiles(files: Map<string, Buffer>): ArchiveFiles {
  const get = (name: string): Buffer => {
    const data = files.get(name.replace(/^\.\//, ''));
    if (!data) throw new NotFoundError(`memory: no ${name}`);
    return data;
  };
  return {
    location: 'memory',
    has: async (name) => files.has(name.replace(/^\.\//, '')),
    size: async (name) => get(name).length,
    head: async (name, length) => get(name).subarray(0, length),
    open(name): Readable {
      const stream = new PassThrough();
      stream.end(get(name));
      return stream;
    },
    async read(name, maxBytes) {
      const data = get(name);
      if (data.length > maxBytes) throw new LimitExceededError(`memory: ${name} is over ${maxBytes} bytes`);
      return data;
    },
  };
}

interface Damaged {
  kind: 'oci' | 'docker';
  index: string;
  manifest: string;
  config: string;
  fixDigests: boolean;
}

const damagedImages = (): fc.Arbitrary<Damaged> =>
  fc.record({
    kind: fc.constantFrom('oci' as const, 'docker' as const),
    index: document(
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.index.v1+json',
          manifests: [
            {
              mediaType: 'application/vnd.oci.image.manifest.v1+json',
              digest: image.manifestDigest,
              size: image.manifest.length,
              annotations: { 'org.opencontainers.image.ref.name': 'app:1' },
            },
          ],
        }),
      ),
    ),
    manifest: document(image.manifest),
    config: document(image.config),
    fixDigests: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  });

function layoutFiles({ kind, index, manifest, config, fixDigests }: Damaged): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const blob = (data: Buffer): string => `blobs/sha256/${sha256(data).slice(7)}`;
  for (const layer of image.layers) files.set(blob(layer.blob), layer.blob).set(blob(layer.tar), layer.tar);
  const configData = Buffer.from(config);
  files.set(blob(configData), configData);
  if (kind === 'docker') {
    files.set(
      'manifest.json',
      Buffer.from(JSON.stringify([{ Config: blob(configData), RepoTags: ['app:1'], Layers: image.layers.map((layer) => blob(layer.tar)) }])),
    );
    return files;
  }
  const manifestData = Buffer.from(fixDigests ? repoint(manifest, (m) => m.config, configData) : manifest);
  files.set(blob(manifestData), manifestData);
  const indexData = Buffer.from(fixDigests ? repoint(index, (i) => (Array.isArray(i.manifests) ? i.manifests[0] : undefined), manifestData) : index);
  files.set('index.json', indexData).set('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}'));
  return files;
}

describe('fuzz: image documents', () => {
  it('manifests, indexes, configs and archive manifests parse or fail with typed errors', async () => {
    const reach = new Reach();
    const documents = fc.tuple(
      fc.constantFrom('manifest', 'index', 'config', 'archive'),
      fc.oneof(document(image.manifest), document(image.config), document(Buffer.from('[{"Config":"c.json","RepoTags":["a:1"],"Layers":["l.tar"]}]'))),
      fc.constantFrom(
        undefined,
        'application/vnd.oci.image.index.v1+json',
        'application/vnd.docker.distribution.manifest.v1+json',
        'text/plain; charset=utf-8',
      ),
    );
    await fuzz('image documents', documents, ([kind, text, contentType]) => {
      const data = Buffer.from(text);
      const parsed = bounded('typed-errors', () => {
        if (kind === 'config') return parseImageConfig('config', data);
        if (kind === 'archive') return validate('manifest.json', dockerArchiveManifestSchema, parseJson('manifest.json', data));
        return parseManifestDocument(kind, data, contentType);
      });
      reach.input(parsed !== undefined && 'valid');
      if (parsed && 'rootfs' in parsed) {
        const diagnostics = new Diagnostics();
        bounded('never-throws', () => historyOfLayers(parsed.history, parsed.rootfs.diff_ids.length, diagnostics));
        for (const entry of parsed.history ?? []) bounded('never-throws', () => instructionOf(entry.created_by));
      }
    });
    reach.expect('valid', 0.2);
  });

  it('a whole image with damaged documents is read, inspected and checked, or fails with a typed error', async () => {
    const reach = new Reach();
    await fuzz(
      'image read',
      damagedImages(),
      async (damaged) => {
        const files = memoryFiles(layoutFiles(damaged));
        const source = damaged.kind === 'oci' ? new OciLayoutSource('oci-layout', 'fuzzed', files) : new DockerArchiveSource('fuzzed', files);
        const model = await boundedAsync('typed-errors', () => readImage(source, { selection: {}, limits: defaultLimits, visitors: analyzers }));
        reach.input(model !== undefined && 'read');
        if (!model) return;
        const report = bounded('never-throws', () => inspectReport(model, { files: true }));
        if (report) bounded('never-throws', () => renderInspect(report, 100));
        const findings = bounded('never-throws', () => checkImage(model, { baseLayers: undefined }));
        bounded('never-throws', () => buildInventory(model));
        bounded('never-throws', () => configSecretFindings(model, secretRules, []));
        checkNoMaskedCrash([...model.diagnostics.map((d) => d.message), ...(findings ?? []).map((f) => f.message)]);
        checkOutputBound(report, damaged.config.length + damaged.manifest.length + 4096, 20);
      },
      { weight: 0.5, describe: (damaged) => JSON.stringify(damaged).slice(0, 3000) },
    );
    reach.expect('read', 0.2);
  });
});
