import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ciSystemOf } from '../buildtime/ci/discover.js';
import { dockerHub } from '../image/registry-hosts.js';
import { escapeRegExp } from '../core/text.js';
import { collectEstate } from './collect.js';
import { loadShipshapeConfig } from './config.js';
import { isDockerfileName } from './dockerfiles.js';
import { buildLifecycleMap } from './map.js';
import type { LifecycleNode } from './model.js';

/**
 * "No map node may name an image that no file names": every image node of the example estates'
 * maps is written, in one of its spellings, in a file the map reads (a Dockerfile, a CI definition,
 * a manifest, the estate's config) — or comes from a registry scan. A name the map made up (a guessed
 * registry, a login registry put in front of a Docker Hub tag) is written nowhere and fails here.
 */
const examples = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples');

/** The texts of the files the map reads from an estate: Dockerfiles, CI definitions, manifests, shipshape.yaml. */
function inputTexts(configFile: string, sources: readonly string[], manifests: readonly string[]): string[] {
  const texts = [readFileSync(configFile, 'utf8')];
  const walk = (root: string, wanted: (relative: string) => boolean): void => {
    const visit = (relative: string): void => {
      for (const entry of readdirSync(path.join(root, relative), { withFileTypes: true })) {
        const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
        if (entry.isDirectory()) visit(child);
        else if (entry.isFile() && wanted(child)) texts.push(readFileSync(path.join(root, child), 'utf8'));
      }
    };
    visit('');
  };
  for (const source of sources) walk(source, (relative) => isDockerfileName(path.posix.basename(relative)) || ciSystemOf(relative) !== undefined);
  for (const manifest of manifests) walk(manifest, (relative) => /\.(ya?ml|json)$/.test(relative));
  return texts;
}

/** How a file may write the image: in full, and on Docker Hub without the host (and `library/`). */
function spellings(registry: string, repository: string): string[] {
  if (registry !== dockerHub) return [`${registry}/${repository}`];
  const short = repository.startsWith('library/') ? [repository.slice('library/'.length)] : [];
  return [`${dockerHub}/${repository}`, repository, ...short];
}

/** Written as an image name: not inside a longer name, and followed by a tag, a digest or the end of the name. */
function writtenIn(text: string, name: string): boolean {
  return new RegExp(`(?<![\\w./:-])${escapeRegExp(name)}(?=$|[\\s"'\`,)\\]}]|:[\\w$%{]|@sha256:)`, 'im').test(text);
}

function unnamedImages(nodes: readonly LifecycleNode[], texts: readonly string[]): string[] {
  return nodes
    .filter((node) => node.kind === 'image' && !node.evidence.every((e) => e.startsWith('registry scan')))
    .filter(
      (node) => !spellings(String(node.attributes.registry), String(node.attributes.repository)).some((name) => texts.some((text) => writtenIn(text, name))),
    )
    .map((node) => node.id);
}

describe('every image node of the example estates is named by a file', () => {
  it.each(['estate', 'estate-messy'])('examples/%s', async (name) => {
    const configFile = path.join(examples, name, 'shipshape.yaml');
    const config = await loadShipshapeConfig(configFile);
    const evidence = await collectEstate({ sources: config.sources, manifests: config.manifests, registryReports: [], gitlab: config.gitlab });
    const map = buildLifecycleMap(evidence, new Date('2026-01-03T00:00:00Z'));
    const images = map.nodes.filter((n) => n.kind === 'image');
    expect(images.length).toBeGreaterThan(5);
    expect(unnamedImages(map.nodes, inputTexts(configFile, config.sources, config.manifests))).toEqual([]);
  });

  it('fails a name no file writes: a login registry put in front of a Docker Hub tag, a Docker Hub name made of a local one', () => {
    const texts = ['docker login ghcr.io && docker build -t acme/app:1 .\nFROM alpine:3.20\n', 'image: registry.shop.internal/shop/app:1'];
    const image = (registry: string, repository: string): LifecycleNode => ({
      id: `image:${registry}/${repository}`,
      kind: 'image',
      stage: 'registry',
      label: `${registry}/${repository}`,
      evidence: ['x:1'],
      attributes: { registry, repository },
    });
    const nodes = [
      image('docker.io', 'acme/app'),
      image('docker.io', 'library/alpine'),
      image('registry.shop.internal', 'shop/app'),
      image('ghcr.io', 'acme/app'),
      image('docker.io', 'shop/app'),
      image('docker.io', 'library/app'),
    ];
    expect(unnamedImages(nodes, texts)).toEqual(['image:ghcr.io/acme/app', 'image:docker.io/shop/app', 'image:docker.io/library/app']);
  });
});
