import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLimits } from '../core/limits.js';
import { readImage, type ImageModel } from '../image/read-image.js';
import { directoryFiles } from '../image/sources/archive-files.js';
import { OciLayoutSource } from '../image/sources/oci-layout.js';
import { analyzers } from '../inventory/analyzers/registry.js';
import { buildInventory } from '../inventory/build.js';
import { secretFindings } from '../secrets/assemble.js';
import { secretVisitor } from '../secrets/visitor.js';
import { importOsv } from '../vuln/advisories/import.js';
import { AdvisoryStore } from '../vuln/advisories/store.js';
import { scanImage } from '../vuln/scan.js';
import { discoverPipelines } from '../buildtime/ci/discover.js';
import { buildEstate, type BuiltEstate, type EstateImage } from './estate.js';
import { writeOciLayout, type BuiltImage } from './image.js';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));
const estateDir = path.join(examples, 'estate');

let estate: BuiltEstate;
let dir: string;
let store: AdvisoryStore;
const models = new Map<string, Promise<ImageModel>>();

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shipshape-estate-'));
  estate = await buildEstate(estateDir);
  store = AdvisoryStore.open(path.join(dir, 'osv.sqlite'), { create: true });
  await importOsv(store, [path.join(examples, 'advisories')], { now: new Date('2024-04-01T00:00:00Z') });
}, 60_000);

afterAll(async () => {
  store.close();
  await rm(dir, { recursive: true, force: true });
});

const built = (reference: string, nth = 0): EstateImage => {
  const found = estate.images.filter((i) => i.tags.includes(reference))[nth];
  if (!found) throw new Error(`no build of ${reference}`);
  return found;
};

/** Reads a built image back through an OCI layout with every analyser and the secret scanner. */
function model(image: BuiltImage): Promise<ImageModel> {
  let pending = models.get(image.digest);
  if (!pending) {
    pending = (async () => {
      const layout = await writeOciLayout(await mkdtemp(path.join(dir, 'layout-')), [{ image }]);
      return readImage(new OciLayoutSource('oci-layout', layout, directoryFiles(layout)), {
        selection: {},
        limits: defaultLimits,
        visitors: [...analyzers, secretVisitor()],
      });
    })();
    models.set(image.digest, pending);
  }
  return pending;
}

const k8s = (file: string): unknown[] => parseAllDocuments(readFileSync(path.join(estateDir, 'k8s', file), 'utf8')).map((d) => d.toJS() as unknown);
const images = (file: string): string[] =>
  JSON.stringify(k8s(file))
    .match(/"image":"[^"]+"/g)
    ?.map((m) => m.slice(9, -1)) ?? [];

describe('buildEstate(examples/estate)', () => {
  it('builds every image the pipelines build, base first, the same bytes every time', async () => {
    expect(estate.images.map((i) => i.reference)).toEqual([
      'registry.shop.internal/platform/base:1.4',
      'registry.shop.internal/shop/payments-api:142',
      'registry.shop.internal/shop/web-frontend:a3f1c9e27b4d8e605f2c1b9a7d3e4f5061728394',
      'registry.shop.internal/shop/inventory-service:2.3.1',
      'registry.shop.internal/shop/inventory-service:2.3.1',
    ]);
    expect(estate.baseImages.map((b) => b.references[0]).sort()).toEqual([
      'docker.io/library/busybox:1.36',
      'docker.io/library/debian:bookworm-slim',
      'docker.io/library/debian:bullseye-slim',
      'docker.io/library/nginx:1.25',
      'docker.io/library/redis:7',
    ]);
    const again = await buildEstate(estateDir);
    expect(again.images.map((i) => i.image.digest)).toEqual(estate.images.map((i) => i.image.digest));
    expect(again.baseImages.map((b) => b.image.digest)).toEqual(estate.baseImages.map((b) => b.image.digest));
  });

  it('payments-api pins the base image by the digest the builder produces', () => {
    const dockerfile = readFileSync(path.join(estateDir, 'repos', 'payments-api', 'Dockerfile'), 'utf8');
    const base = built('registry.shop.internal/platform/base:1.4').image;
    expect(dockerfile).toContain(`FROM registry.shop.internal/platform/base@${base.digest}\n`);
    // the final stage starts from the base's layers
    const payments = built('registry.shop.internal/shop/payments-api:142').image;
    expect(payments.layers.slice(0, base.layers.length).map((l) => l.digest)).toEqual(base.layers.map((l) => l.digest));
  });

  it('production runs payments-api by digest and an inventory-service digest the tag 2.3.1 no longer points to (drift)', () => {
    const prod = images('shop-prod.yaml');
    const payments = built('registry.shop.internal/shop/payments-api:142').image;
    const firstInventory = built('registry.shop.internal/shop/inventory-service:2.3.1', 0).image;
    const secondInventory = built('registry.shop.internal/shop/inventory-service:2.3.1', 1).image;
    // after a change to the estate, these messages name the digests k8s/shop-prod.yaml must pin
    expect(prod, `payments-api should be pinned to ${payments.digest}`).toContain(`registry.shop.internal/shop/payments-api@${payments.digest}`);
    expect(prod, `inventory-service should be pinned to ${firstInventory.digest}`).toContain(
      `registry.shop.internal/shop/inventory-service@${firstInventory.digest}`,
    );
    expect(secondInventory.digest).not.toBe(firstInventory.digest);
    expect(prod).toContain('registry.shop.internal/shop/web-frontend:latest');
    expect(prod).toContain('redis:7');
    expect(images('shop-staging.yaml')).toEqual([
      'busybox:1.36',
      'registry.shop.internal/shop/legacy-report:0.9',
      'registry.shop.internal/shop/payments-api:142',
    ]);
  });

  it('the Kubernetes manifests: PSA baseline in production only, three AWS nodes', () => {
    const [prodNamespace] = k8s('shop-prod.yaml') as { metadata: { labels?: Record<string, string> } }[];
    expect(prodNamespace?.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('baseline');
    const [stagingNamespace] = k8s('shop-staging.yaml') as { metadata: { labels?: Record<string, string> } }[];
    expect(stagingNamespace?.metadata.labels).toBeUndefined();
    const [nodes] = k8s('nodes.yaml') as {
      items: { spec: { providerID: string }; status: { nodeInfo: { osImage: string; containerRuntimeVersion: string } } }[];
    }[];
    expect(nodes?.items.map((n) => [n.spec.providerID.slice(0, 20), n.status.nodeInfo.osImage, n.status.nodeInfo.containerRuntimeVersion])).toEqual([
      ['aws:///eu-west-1a/i-', 'Amazon Linux 2', 'containerd://1.6.19'],
      ['aws:///eu-west-1b/i-', 'Bottlerocket OS 1.19.2 (aws-k8s-1.29)', 'containerd://1.7.11'],
      ['aws:///eu-west-1c/i-', 'Bottlerocket OS 1.19.2 (aws-k8s-1.29)', 'containerd://1.7.11'],
    ]);
  });

  it('history lines are those BuildKit writes, layer by layer', async () => {
    const payments = await model(built('registry.shop.internal/shop/payments-api:142').image);
    expect(payments.layers.map((l) => l.history?.created_by)).toEqual([
      expect.stringMatching(/^\/bin\/sh -c #\(nop\) ADD file:[0-9a-f]{64} in \/ $/),
      'RUN /bin/sh -c apt-get update  && apt-get install -y --no-install-recommends ca-certificates curl  && rm -rf /var/lib/apt/lists/* # buildkit',
      'RUN /bin/sh -c groupadd --system --gid 10001 app  && useradd --system --uid 10001 --gid app --home-dir /home/app --create-home app # buildkit',
      'COPY certs/shop-internal-ca.crt /usr/local/share/ca-certificates/shop-internal-ca.crt # buildkit',
      'RUN /bin/sh -c update-ca-certificates # buildkit',
      'RUN /bin/sh -c apt-get update  && apt-get install -y --no-install-recommends nodejs  && rm -rf /var/lib/apt/lists/*  && useradd --system --uid 1000 --user-group --create-home node # buildkit',
      'WORKDIR /usr/src/app # buildkit',
      'COPY /usr/src/app /usr/src/app # buildkit',
    ]);
    expect(payments.image.config.config).toMatchObject({
      User: 'node',
      Cmd: ['node', 'src/server.js'],
      Env: expect.arrayContaining(['NODE_ENV=production', 'TZ=UTC']) as unknown,
    });
    const inventory = built('registry.shop.internal/shop/inventory-service:2.3.1', 0).image;
    expect(inventory.configDocument.history.map((h) => h.created_by)).toContain(
      'RUN |1 VCS_REF=8c1f0e2 /bin/sh -c pip3 install --no-cache-dir -r requirements.txt # buildkit',
    );
    expect(inventory.configDocument.config.Labels).toMatchObject({ 'org.opencontainers.image.revision': '8c1f0e2' });
    expect((await model(built('registry.shop.internal/shop/web-frontend:latest').image)).image.config.config?.User ?? '').toBe('');
  });

  it('the inventory finds the OS, the dpkg packages of July 2022, the npm and Python packages, each in its layer', async () => {
    const payments = buildInventory(await model(built('registry.shop.internal/shop/payments-api:142').image));
    expect(payments.os).toMatchObject({ id: 'debian', version: '11.4' });
    const find = (name: string, inventory = payments) => inventory.packages.find((p) => p.name === name);
    expect(find('libssl1.1')).toMatchObject({ version: '1.1.1n-0+deb11u3', layer: { index: 0 } });
    expect(find('curl')).toMatchObject({ version: '7.74.0-1.3+deb11u1', layer: { index: 1 } });
    expect(find('nodejs')).toMatchObject({ version: '12.22.12~dfsg-1~deb11u1', layer: { index: 5 } });
    expect(find('lodash')).toMatchObject({ type: 'npm', version: '4.17.15', layer: { index: 7 } });
    const inventory = buildInventory(await model(built('registry.shop.internal/shop/inventory-service:2.3.1').image));
    expect(find('PyYAML', inventory)).toMatchObject({ type: 'pypi', version: '5.3.1' });
    expect(find('python3.9', inventory)).toMatchObject({ version: '3.9.2-1' });
    const nginx = buildInventory(await model(built('registry.shop.internal/shop/web-frontend:latest').image));
    expect(nginx.os).toMatchObject({ id: 'debian', version: '12.15' });
    expect(find('nginx', nginx)).toMatchObject({ version: '1.25.4-1~bookworm' });
  });

  it('the secret scanner finds the .env a later RUN deleted: still in the layer that added it', async () => {
    const inventory = await model(built('registry.shop.internal/shop/inventory-service:2.3.1').image);
    const findings = secretFindings(inventory).filter((f) => f.location.path === '/app/.env');
    expect(findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['SS-SEC-001', 'SS-SEC-002']));
    expect(findings[0]?.location.layer?.createdBy).toBe('COPY .env /app/.env # buildkit');
    expect(findings[0]?.message).toMatch(/deleted in layer \d+, but still in the image/);
    expect(inventory.view.get('/app/.env')).toBeUndefined();
  });

  it('the bundled advisories match what examples/advisories/SOURCE.md says', async () => {
    const ids = async (reference: string): Promise<string[]> =>
      [
        ...new Set(
          scanImage(await model(built(reference).image), store)
            .findings.flatMap((f) => [f.id, ...f.aliases])
            .filter((id) => !id.startsWith('CVE-') && !id.startsWith('GHSA-')),
        ),
      ].sort();
    expect(await ids('registry.shop.internal/platform/base:1.4')).toEqual([
      'DSA-5174-1',
      'DSA-5197-1',
      'DSA-5200-1',
      'DSA-5203-1',
      'DSA-5218-1',
      'DSA-5286-1',
      'DSA-5330-1',
      'DSA-5343-1',
      'DSA-5349-1',
      'DSA-5365-1',
    ]);
    const payments = await ids('registry.shop.internal/shop/payments-api:142');
    expect(payments).toEqual(expect.arrayContaining(['DSA-5326-1', 'DSA-5343-1', 'x_NSWG-ECO-516']));
    expect(payments).not.toContain('DSA-5170-1');
    const inventory = await ids('registry.shop.internal/shop/inventory-service:2.3.1');
    expect(inventory).toEqual(
      expect.arrayContaining([
        'DSA-5236-1',
        'DSA-5266-1',
        'PYSEC-2021-142',
        'PYSEC-2023-192',
        'PYSEC-2023-212',
        'PYSEC-2023-221',
        'PYSEC-2023-57',
        'PYSEC-2023-58',
        'PYSEC-2023-62',
        'PYSEC-2023-74',
      ]),
    );
    expect(await ids('registry.shop.internal/shop/web-frontend:latest')).toEqual([]);
  });

  it("build.yaml's tags are what the pipelines push (CI variables given one run's values)", async () => {
    const pipelines = await discoverPipelines(path.join(estateDir, 'repos'));
    const asPattern = (ref: string): RegExp =>
      new RegExp(
        `^${ref
          .split(/\$\{[^}]+\}/)
          .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('[^/:@]+')}$`,
      );
    for (const { pipeline, tags } of estate.images) {
      const found = pipelines.find((p) => `repos/${p.file}` === pipeline);
      expect(found, pipeline).toBeDefined();
      const pushed = (found?.steps ?? []).flatMap((step) =>
        step.kind === 'push'
          ? [step.image.resolved]
          : step.kind === 'build' && step.pushes
            ? step.tags.map((t) => t.resolved)
            : step.kind === 'tag' && step.pushes
              ? [step.to.resolved]
              : [],
      );
      expect(
        tags.every((tag) => pushed.some((ref) => asPattern(ref).test(tag))),
        `${pipeline} pushes ${pushed.join(', ')}`,
      ).toBe(true);
      expect(
        pushed.every((ref) => tags.some((tag) => asPattern(ref).test(tag))),
        `${pipeline} pushes ${pushed.join(', ')}`,
      ).toBe(true);
    }
  });

  it('stays small in git (< 2 MB)', async () => {
    let total = 0;
    const walk = async (at: string): Promise<void> => {
      for (const entry of await readdir(at, { withFileTypes: true })) {
        const full = path.join(at, entry.name);
        if (entry.isDirectory()) await walk(full);
        else total += (await stat(full)).size;
      }
    };
    for (const folder of ['estate', 'estate-messy', 'advisories']) await walk(path.join(examples, folder)).catch(() => undefined);
    expect(total).toBeLessThan(2 * 1024 * 1024);
  });
});
