#!/usr/bin/env node
// scripts/parity.mjs — the package sets of `shipshape sbom` and the peer Trivy on the same archives,
// side by side: what both find, and what only one of them finds (each difference is explained in the
// README's "Parity with Trivy"). Usage: node scripts/parity.mjs [--json]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const shared = process.env.SHIPSHAPE_SHARED ?? resolve(root, '../shared');
const images = ['debian-bookworm', 'bullseye-app'];
const cli = join(root, 'dist/cli/main.js');
if (!existsSync(cli)) fail('dist/ is missing: run npm run build');
if (!existsSync(join(shared, 'images'))) fail(`shared images not found at ${shared} (set SHIPSHAPE_SHARED)`);

/**
 * `pkg:deb/debian/curl@7.74.0-1.3%2Bdeb11u13?arch=amd64` → `deb/debian/curl@7.74.0-1.3+deb11u13`.
 * Trivy writes a deb epoch as an `epoch=` qualifier; Shipshape (like syft) keeps it in the version,
 * as dpkg does: both become `name@epoch:version` here.
 */
function packageKey(purl) {
  const [withoutQualifiers, qualifiers = ''] = purl.replace(/^pkg:/, '').split('#')[0].split('?');
  const epoch = new URLSearchParams(qualifiers).get('epoch');
  const key = decodeURIComponent(withoutQualifiers).toLowerCase();
  return epoch && !key.startsWith('rpm/') ? key.replace('@', `@${epoch}:`) : key;
}

/** package key → the diffID of the layer the tool attributes it to */
function packagesOf(file, layerProperty) {
  const bom = JSON.parse(readFileSync(file, 'utf8'));
  const packages = new Map();
  for (const c of bom.components ?? []) {
    if (!c.purl || c.type === 'container') continue;
    packages.set(packageKey(c.purl), (c.properties ?? []).find((p) => p.name === layerProperty)?.value);
  }
  return packages;
}

function fail(message) {
  console.error(`parity: ${message}`);
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'shipshape-parity-'));
const results = [];
try {
  for (const name of images) {
    const archive = join(shared, 'images', `${name}.oci.tar`);
    const ours = join(dir, `${name}.shipshape.cdx.json`);
    const theirs = join(dir, `${name}.trivy.cdx.json`);
    execFileSync('node', [cli, 'sbom', archive, '--format', 'cyclonedx', '--no-cache', '--quiet', '--output', ours], { stdio: 'inherit' });
    execFileSync(
      join(shared, 'tools/peer-trivy.sh'),
      ['image', '--input', archive, '--format', 'cyclonedx', '--offline-scan', '--skip-db-update', '--output', theirs],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    const a = packagesOf(ours, 'shipshape:layer:diffID');
    const b = packagesOf(theirs, 'aquasecurity:trivy:LayerDiffID');
    const both = [...a.keys()].filter((k) => b.has(k));
    results.push({
      image: name,
      shipshape: a.size,
      trivy: b.size,
      both: both.length,
      sameLayer: both.filter((k) => a.get(k) === b.get(k)).length,
      otherLayer: both.filter((k) => a.get(k) !== b.get(k)).sort(),
      onlyShipshape: [...a.keys()].filter((k) => !b.has(k)).sort(),
      onlyTrivy: [...b.keys()].filter((k) => !a.has(k)).sort(),
    });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(results, null, 2));
} else {
  for (const r of results) {
    console.log(`${r.image}: shipshape ${r.shipshape} packages, trivy ${r.trivy}, both ${r.both} (attributed to the same layer: ${r.sameLayer})`);
    for (const k of r.otherLayer) console.log(`  other layer:    ${k}`);
    for (const k of r.onlyShipshape) console.log(`  only shipshape: ${k}`);
    for (const k of r.onlyTrivy) console.log(`  only trivy:     ${k}`);
  }
}
