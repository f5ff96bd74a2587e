import type { Diagnostic } from '../core/diagnostics.js';
import type { ImageModel } from '../image/read-image.js';
import type { Inventory, Package } from '../inventory/inventory.js';
import { imageDigest } from './sbom/document.js';
import { jsonText, schemaName, type SchemaName } from './json-documents.js';

/** `shipshape sbom --format json`: Shipshape's own inventory document (`shipshape/sbom@1`; fields are only added). */
export interface InventoryReport {
  schema: SchemaName<'sbom'>;
  /** Kept for readers of the first releases; new readers use `schema`. */
  schemaVersion: 1;
  image: { name: string; reference: string | null; digest: string; imageId: string; platform: string };
  os: {
    id: string;
    name: string;
    version: string | null;
    prettyName: string | null;
    codename: string | null;
    distroless: boolean;
    evidence: string;
    advisoryEcosystem: string | null;
  } | null;
  packages: Package[];
  /** Language packages whose files an OS package installed (not in `packages`, so not counted twice). */
  suppressed: { purl: string; path: string; ownedBy: string }[];
  diagnostics: Diagnostic[];
}

export function inventoryReport(model: ImageModel, inventory: Inventory): InventoryReport {
  const { image } = model;
  const { os } = inventory;
  return {
    schema: schemaName('sbom'),
    schemaVersion: 1,
    image: {
      name: image.name,
      reference: image.reference ?? null,
      digest: imageDigest(image),
      imageId: image.configDigest,
      platform: [image.config.os, image.config.architecture, image.config.variant].filter(Boolean).join('/'),
    },
    os: os
      ? {
          id: os.id,
          name: os.name,
          version: os.version ?? null,
          prettyName: os.prettyName ?? null,
          codename: os.codename ?? null,
          distroless: os.distroless,
          evidence: os.evidence,
          advisoryEcosystem: os.distro?.advisoryEcosystem(os.version) ?? null,
        }
      : null,
    packages: inventory.packages,
    suppressed: inventory.suppressed.map((s) => ({ purl: s.package.purl, path: s.package.path, ownedBy: s.ownedBy })),
    diagnostics: [...model.diagnostics, ...inventory.diagnostics],
  };
}

/** The document `sbom -f json` writes. */
export function inventoryJson(report: InventoryReport): string {
  return jsonText(report);
}
