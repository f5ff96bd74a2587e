import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadShipshapeConfig, type ShipshapeConfig } from '../lifecycle/config.js';
import { importOsv } from '../vuln/advisories/import.js';
import { AdvisoryStore } from '../vuln/advisories/store.js';
import { buildEstate } from './estate.js';
import { pushEstate } from './push-estate.js';
import { startDemoRegistry } from './registry-server.js';
import { estateRegistry, signAsThePipelineDoes, signedRepository } from './run-demo.js';

export interface ServeDemo {
  /** The example estate's config, its registry pointed at the one served here and named as the estate names it. */
  config: ShipshapeConfig;
  /** The advisory database with the bundled advisories. */
  advisories: string;
  close(): Promise<void>;
}

/**
 * What `serve --demo` serves: the example estate's images built, pushed to a registry served in
 * this process and signed as its pipeline signs them, the bundled advisories imported into the data
 * dir, and the estate's config assessed every 5 minutes. Nothing else to set up.
 */
export async function prepareServeDemo(options: { root: string; dataDir: string; log: (message: string) => void }): Promise<ServeDemo> {
  const estateDir = path.join(options.root, 'examples', 'estate');
  const demoDir = path.join(options.dataDir, 'demo');
  await mkdir(demoDir, { recursive: true });
  const advisories = path.join(demoDir, 'osv.sqlite');
  const store = AdvisoryStore.open(advisories, { create: true });
  try {
    options.log('demo: importing the bundled advisories');
    await importOsv(store, [path.join(options.root, 'examples', 'advisories')], { now: new Date() });
  } finally {
    store.close();
  }
  const registry = await startDemoRegistry();
  try {
    options.log(`demo: building the example estate's images and pushing them to ${registry.host}`);
    await pushEstate(await buildEstate(estateDir), { registry: registry.host, plainHttp: true }, estateRegistry);
    const signer = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    await signAsThePipelineDoes({ host: registry.host, plainHttp: true }, signedRepository, signer.privateKey);
    const key = path.join(demoDir, 'cosign.pub');
    await writeFile(key, signer.publicKey.export({ type: 'spki', format: 'pem' }));
    const estate = await loadShipshapeConfig(path.join(estateDir, 'shipshape.yaml'));
    const config: ShipshapeConfig = {
      ...estate,
      registries: estate.registries.map((r) => ({ ...r, name: registry.host, registry: registry.host, plainHttp: true, key, as: r.registry })),
      server: { ...estate.server, schedule: '*/5 * * * *', webhookSecret: randomBytes(24).toString('base64url') },
    };
    return { config, advisories, close: () => registry.close() };
  } catch (error) {
    await registry.close();
    throw error;
  }
}
